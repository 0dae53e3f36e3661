'use strict';
// Written by the reviews of issue 14 (v14c-v14e), independently of the trigger and of ../world.js.
// An independent run listing: offset pagination, configurable quirks. Not derived from test/attack/world.js.
function rngOf(seed) { let s = seed >>> 0 || 1; return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; }; }
class World {
  constructor(spec, rng) {
    this.spec = spec; this.rng = rng; this.runs = []; this.seq = 0; this.clock = 1.79e12 + Math.floor(rng() * 1e6);
    this.hook = null; this.requests = 0;
  }
  start({ finished = false, at } = {}) {
    const seq = ++this.seq;
    const startMs = at !== undefined ? at : this.clock + (this.spec.queueDelay ? Math.floor(this.rng() * this.spec.queueDelay) : 0);
    const run = { id: `r${String(seq).padStart(5, '0')}-${Math.floor(this.rng() * 1e6).toString(36)}`, seq, created: this.clock, startMs, status: finished ? 'completed' : 'running', deleted: false, finishedAt: null };
    this.runs.push(run);
    if (finished) run.finishedAt = this.clock;
    return run;
  }
  finish(run, status = 'completed') { run.status = status; run.finishedAt = this.clock; }
  shownStart(run) {
    const f = this.spec.ts;
    if (this.spec.nullWhileRunning && run.status === 'running') return null;
    if (run.startMs > this.clock) return null; // queued: not started yet
    if (f === 'sec') return Math.floor(run.startMs / 1000);
    if (f === 'isoSec') return new Date(Math.floor(run.startMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    if (f === 'secText') return String(Math.floor(run.startMs / 1000));
    return new Date(run.startMs).toISOString();
  }
  sortKey(run) {
    if (this.spec.order === 'created') return run.created;
    const ts = this.spec.ts;
    return ts === 'ms' ? run.startMs : Math.floor(run.startMs / 1000);
  }
  sorted() {
    const live = this.runs.filter((r) => !r.deleted);
    const tie = this.spec.ties;
    const rnd = new Map(live.map((r) => [r.id, this.rng()]));
    live.sort((a, b) => {
      const d = this.sortKey(b) - this.sortKey(a);
      if (d !== 0) return d;
      if (tie === 'random') return rnd.get(a.id) - rnd.get(b.id);
      if (tie === 'seqAsc') return a.seq - b.seq;
      return b.seq - a.seq;
    });
    return live;
  }
  list(offset, limit) {
    this.requests++;
    if (this.hook) this.hook(offset, limit);
    const sp = this.spec;
    let off = offset;
    if (sp.ignoreOffset) off = 0;
    if (sp.offsetMax != null && off > sp.offsetMax) {
      if (sp.offsetMode === 'refuse') return { status: 400, body: { detail: 'offset too large' } };
      if (sp.offsetMode === 'empty') return { status: 200, body: this.wrap([], 0) };
      if (sp.offsetMode === 'clamp') off = sp.offsetMax;
    }
    const all = this.sorted();
    const n = Math.min(limit, sp.cap || limit);
    let page = all.slice(off, off + n);
    if (sp.dupes && page.length > 1) {
      const out = [];
      for (const r of page) { out.push(r); if (this.rng() < 0.15) out.push(r); }
      page = out.slice(0, n);
    }
    const entries = page.map((r) => ({ run_id: r.id, run_start_time: this.shownStart(r), run_status: r.startMs > this.clock ? 'queued' : r.status, created_at: new Date(r.created).toISOString() }));
    return { status: 200, body: this.wrap(entries, all.length) };
  }
  wrap(entries, total) {
    const t = this.spec.total;
    if (t === 'none') return entries;
    const tv = t === 'right' ? total : t === 'page' ? entries.length : Math.max(0, total - 3);
    return { runs: entries, total: tv };
  }
  status(id) {
    const r = this.runs.find((x) => x.id === id && !x.deleted);
    if (!r) return { status: 404, body: { detail: 'no run' } };
    return { status: 200, body: { run_id: r.id, run_status: r.startMs > this.clock ? 'queued' : r.status, run_start_time: this.shownStart(r) } };
  }
}
module.exports = { World, rngOf };
