'use strict';
// Review v17r: an independent Vishwa run listing (written without reading test/attack/*world.js or the
// stand-in). One World per scenario; behaviours come from `spec` (see DEFAULTS).
const DEFAULTS = {
  ts: 'isoMs',          // isoMs | isoSec | isoMicro | epochSec | epochMs | epochSecFrac | strSec | strMs
  nulls: 'none',        // none | first | last | inPlace  (where runs without a start time are listed)
  nullKind: 'null',     // null | absent
  failBeforeStart: 0,   // share of new runs that fail before they start (no start time, ever)
  queuedNull: false,    // a new running run has no start time until it "starts" (a later moment)
  ties: 'stable',       // stable | perPoll | perRequest  (order among runs of one listed start time)
  cap: null,            // null | number | 'random' | 'random1'  (page size served)
  total: 'none',        // none | right | page
  ignoreOffset: false,
  envelope: 'array',    // array | runs | data | items
  dupInPage: 0,         // probability that a page repeats one of its entries
  shiftAdd: 0,          // probability, per page request after the first of a poll, that 1-4 runs start before it
  shiftDel: 0,          // same, deleting 1-4 of the newest runs
};
function rngOf(seed) {
  let a = seed >>> 0;
  return () => { a |= 0; a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const SEC = new Set(['isoSec', 'epochSec', 'strSec']);
class World {
  constructor(spec, rng) {
    this.spec = { ...DEFAULTS, ...spec };
    this.rng = rng;
    this.runs = [];
    this.byId = new Map();
    this.seq = 0;
    this.requests = 0; this.listRequests = 0; this.statusRequests = 0;
    this.pollNo = 0; this.pageInPoll = 0;
    this.tieKey = new Map();
    this.hook = null;
  }
  now() { return Date.now(); }
  newPoll() {
    this.pollNo++; this.pageInPoll = 0; this.tieKey = new Map();
    this.failAfter = this.pollNo > 1 && this.spec.failPollP && this.rng() < this.spec.failPollP ? 1 + Math.floor(this.rng() * 4) : Infinity;
  }
  newId() {
    this.seq++;
    const h = (n) => ((n * 2654435761) >>> 0).toString(16).padStart(8, '0');
    // 36 characters, uuid-like, not in creation order
    return `${h(this.seq)}-${h(this.seq + 7).slice(0, 4)}-4${h(this.seq * 3).slice(0, 3)}-a${h(this.seq * 5).slice(0, 3)}-${h(this.seq * 11)}${String(this.seq).padStart(4, '0')}`;
  }
  start({ finished = false, at, failBeforeStart, status } = {}) {
    const sp = this.spec;
    const t = at ?? this.now();
    const fbs = failBeforeStart ?? (this.rng() < sp.failBeforeStart);
    const r = { id: this.newId(), seq: this.seq, created: t, start: t, status: 'running', deleted: false, finishedAt: null };
    if (fbs) { r.start = null; r.status = 'failed'; r.finishedAt = t; r.fbs = true; }
    else if (sp.queuedNull && !finished) { r.start = null; r.status = 'queued'; r.queued = true; }
    else if (finished) { r.status = status || (this.rng() < 0.8 ? 'completed' : 'failed'); r.finishedAt = t; }
    if (sp.noStart) r.start = null;
    if (r.start !== null && SEC.has(sp.ts)) r.start = Math.floor(r.start / 1000) * 1000;
    this.runs.push(r); this.byId.set(r.id, r);
    return r;
  }
  begin(r) { // a queued run starts
    if (!r.queued || r.deleted) return;
    r.queued = false; r.status = 'running'; r.start = this.spec.noStart ? null : this.now();
    if (SEC.has(this.spec.ts)) r.start = Math.floor(r.start / 1000) * 1000;
  }
  finish(r, status) {
    if (r.deleted || r.finishedAt !== null) return;
    if (r.queued) { // finishes before it starts: failed without a start time
      r.queued = false; r.status = 'failed'; r.finishedAt = this.now(); r.fbs = true; return;
    }
    r.status = status || (this.rng() < 0.8 ? 'completed' : 'failed'); r.finishedAt = this.now();
  }
  fmt(ms) {
    const ts = this.spec.ts;
    const iso = new Date(ms).toISOString();
    switch (ts) {
      case 'isoMs': return iso;
      case 'isoSec': return iso.replace(/\.\d{3}Z$/, 'Z');
      case 'isoMicro': return iso.replace(/Z$/, '000+00:00');
      case 'epochSec': return Math.floor(ms / 1000);
      case 'epochSecFrac': return ms / 1000;
      case 'epochMs': return ms;
      case 'strSec': return String(Math.floor(ms / 1000));
      case 'strMs': return String(ms);
      default: throw new Error(ts);
    }
  }
  tie(r) {
    const t = this.spec.ties;
    if (t === 'stable') return -r.seq;
    if (t === 'stableAsc') return r.seq;
    const k = t === 'perPoll' ? `${this.pollNo}:${r.id}` : `${this.listRequests}:${r.id}`;
    let v = this.tieKey.get(k);
    if (v === undefined) { v = this.rng(); this.tieKey.set(k, v); }
    return v;
  }
  sorted() {
    const sp = this.spec;
    const live = this.runs.filter((r) => !r.deleted);
    const key = (r) => (r.start !== null ? r.start : (sp.nulls === 'inPlace' ? r.created : null));
    const dated = live.filter((r) => key(r) !== null);
    const undated = live.filter((r) => key(r) === null);
    const kv = new Map(live.map((r) => [r, this.tie(r)]));
    dated.sort((a, b) => (key(b) - key(a)) || (kv.get(a) - kv.get(b)));
    if (sp.shuffleUndated) { const u = new Map(undated.map((r) => [r, this.rng()])); undated.sort((a, b) => u.get(a) - u.get(b)); }
    else undated.sort((a, b) => (b.created - a.created) || (kv.get(a) - kv.get(b)));
    if (sp.nulls === 'last') return [...dated, ...undated];
    return [...undated, ...dated]; // first (inPlace has no undated)
  }
  entry(r) {
    const e = { run_id: r.id };
    if (r.start !== null) e.run_start_time = this.fmt(r.start);
    else if (this.spec.nullKind === 'null') e.run_start_time = null;
    e.run_status = r.status; e.run_type = 'api';
    if (r.finishedAt !== null) e.run_end_time = new Date(r.finishedAt).toISOString();
    return e;
  }
  list(offset, limit) {
    const sp = this.spec;
    this.requests++; this.listRequests++;
    if (this.pageInPoll >= this.failAfter) { this.pageInPoll++; return { status: 502, body: '<html>Bad Gateway</html>' }; }
    if (this.pageInPoll > 0 && this.hook) this.hook(offset, this.pageInPoll);
    if (this.pageInPoll > 0) {
      if (sp.shiftAdd && this.rng() < sp.shiftAdd) { const k = 1 + Math.floor(this.rng() * 4); for (let i = 0; i < k; i++) this.start({ finished: this.rng() < 0.5 }); }
      if (sp.shiftDel && this.rng() < sp.shiftDel) { const k = 1 + Math.floor(this.rng() * (sp.shiftDelMax || 2)); const s = this.sorted(); for (let i = 0; i < k && i < s.length; i++) { s[i].deleted = true; if (process.env.TP) console.log(`  deleted top run seq ${s[i].seq}${s[i].id === process.env.TP ? ' (TP)' : ''}`); } }
    }
    this.pageInPoll++;
    if (!Number.isFinite(offset) || offset < 0) offset = 0;
    if (sp.ignoreOffset) offset = 0;
    let n = limit;
    if (typeof sp.cap === 'number') n = Math.min(n, sp.cap);
    else if (sp.cap === 'random') n = Math.min(limit, 2 + Math.floor(this.rng() * Math.max(1, limit - 1)));
    else if (sp.cap === 'ignoreLimit') n = sp.serverPage || 20;
    else if (sp.cap === 'random1') n = Math.min(limit, 1 + Math.floor(this.rng() * limit));
    if (sp.retention) { const s0 = this.sorted(); for (let i = sp.retention; i < s0.length; i++) s0[i].deleted = true; }
    const all = this.sorted();
    let page = all.slice(offset, offset + n).map((r) => this.entry(r));
    if (sp.dupInPage && page.length > 1 && this.rng() < sp.dupInPage) {
      const i = Math.floor(this.rng() * page.length);
      const j = Math.min(page.length, i + 1 + Math.floor(this.rng() * 3));
      page.splice(j, 0, { ...page[i] });
      if (page.length > n) page.pop(); // keep the page size served
    }
    if (process.env.TP) {
      const pos = page.findIndex((e) => e.run_id === process.env.TP);
      const r = this.byId.get(process.env.TP);
      const rank = all.findIndex((x) => x.id === process.env.TP);
      console.log(`  [poll ${this.pollNo} req ${this.pageInPoll}] offset ${offset} n ${n} -> ${page.length} rows (${page.filter((e) => e.run_start_time === undefined || e.run_start_time === null).length} undated)${pos >= 0 ? ' HAS TP at ' + pos : ''} | TP rank ${rank} deleted ${r && r.deleted}`);
    }
    let body = page;
    const total = sp.total === 'right' ? all.length : sp.total === 'page' ? page.length : undefined;
    if (sp.envelope !== 'array') { body = { [sp.envelope]: page }; if (total !== undefined) body.total = total; }
    return { status: 200, body };
  }
  status(id) {
    this.requests++; this.statusRequests++;
    const r = this.byId.get(id);
    if (!r || r.deleted) return { status: 404, body: { detail: 'run not found' } };
    return { status: 200, body: this.entry(r) };
  }
}
module.exports = { World, rngOf, DEFAULTS };
