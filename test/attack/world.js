'use strict';
// An independent run listing for attacking the Vishwa Trigger (issue 14 review): written without
// the stand-in's listing code, with behaviours the stand-in did not have. Used by ./sweep.js
// (core planner, fast) and ./http.js (the built node in n8n-core's PollContext over real HTTP).
const BASE = Date.parse('2026-01-01T00:00:00.000Z');

function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // A copy of `rows` in a new order (Fisher-Yates, from the last row up).
  const shuffled = (rows) => {
    const copy = [...rows];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), chance: (p) => next() < p, pick: (l) => l[Math.floor(next() * l.length)], shuffled };
}

const SPEC_CHOICES = {
  startTimes: ['iso', 'iso-seconds', 'epoch-seconds', 'epoch-ms', 'ms-text', 'mixed', 'null-while-running'],
  pageCap: [null, 1, 7, 10, 50],
  total: ['none', 'right', 'page', 'minus1', 'finished'],
  offset: ['honest', 'ignored', 'reject', 'empty', 'clamp'],
  offsetMax: [150, 500, 1000],
  order: ['desc'],
  ties: ['stable', 'per-poll', 'per-request'],
  repeat: [false, true],
};
// Drawn after SPEC_CHOICES with a stream of their own, so a seed's other draws stay what they were.
const SPEC_CHOICES_LATER = {
  pageCapVaries: [false, true],
};

class World {
  constructor(spec, seed = 1) {
    this.spec = { startTimes: 'iso', pageCap: null, total: 'right', offset: 'honest', offsetMax: 1000, order: 'desc', ties: 'stable', repeat: false, ...spec };
    this.r = rng(seed * 7919 + 13);
    // Its own stream: drawing a per-request cap must not change what an older seed's world does.
    this.capR = rng(seed * 104729 + 7);
    this.runs = new Map();
    this.seq = 0;
    this.clock = BASE;
    this.pollNo = 0;
    this.requestNo = 0;
    this.hidden = new Set();
    this.log = [];
  }
  start({ finished = false, outcome = 'succeeded', at = this.clock } = {}) {
    const run = { id: `r${++this.seq}`, seq: this.seq, startMs: at, finished, outcome, deleted: false };
    this.runs.set(run.id, run);
    return run;
  }
  finish(run, outcome = run.outcome) { run.finished = true; run.outcome = outcome; }
  visible() { return [...this.runs.values()].filter((r) => !r.deleted && !this.hidden.has(r.id)); }
  shown(ms) { return ['iso-seconds', 'epoch-seconds'].includes(this.spec.startTimes) ? Math.floor(ms / 1000) * 1000 : ms; }
  ordered() {
    const tieKey = (run) => {
      if (this.spec.ties === 'stable') return -run.seq;
      // Runs of one start time oldest first (creation order), same on every request (v14d defect A).
      if (this.spec.ties === 'stable-oldest-first') return run.seq;
      const salt = this.spec.ties === 'per-poll' ? this.pollNo : this.requestNo;
      let h = 2166136261 ^ salt;
      for (const c of run.id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
      return h >>> 0;
    };
    const list = this.visible().sort((a, b) => this.shown(b.startMs) - this.shown(a.startMs) || tieKey(a) - tieKey(b));
    return this.spec.order === 'asc' ? list.reverse() : list;
  }
  view(run) {
    const ms = run.startMs;
    const out = { run_id: run.id, run_status: run.finished ? (run.outcome === 'failed' ? 'failed' : 'completed') : 'running' };
    let mode = this.spec.startTimes;
    if (mode === 'mixed') mode = ['iso', 'epoch-ms', 'epoch-seconds-float', 'ms-text'][run.seq % 4];
    switch (mode) {
      case 'iso-seconds': out.run_start_time = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'); break;
      case 'epoch-seconds': out.run_start_time = Math.floor(ms / 1000); break;
      case 'epoch-seconds-float': out.run_start_time = ms / 1000; break;
      case 'epoch-ms': out.run_start_time = ms; break;
      case 'ms-text': out.run_start_time = String(ms); break;
      case 'null-while-running': out.run_start_time = run.finished ? new Date(ms).toISOString() : null; break;
      default: out.run_start_time = new Date(ms).toISOString();
    }
    return out;
  }
  /** One listing answer: { status, body }. */
  list(offset, limit) {
    this.requestNo++;
    if (offset === 0) this.pollNo++;
    const s = this.spec;
    if (s.offset === 'reject' && offset > s.offsetMax) return { status: 400, body: { detail: `offset must be <= ${s.offsetMax}` } };
    let first = offset;
    if (s.offset === 'ignored') first = 0;
    if (s.offset === 'clamp') first = Math.min(offset, s.offsetMax);
    const all = this.ordered();
    const rows = [];
    for (const run of all) {
      rows.push(run);
      if (s.repeat && run.seq % 6 === 0) rows.push(run);
    }
    // `pageCapVaries`: each request gets the cap or a smaller one (a byte- or load-limited page), so
    // a page short against the one before is not the listing's end (v14g D1).
    const cap = s.pageCap && s.pageCapVaries ? this.capR.pick([s.pageCap, Math.max(1, s.pageCap - 1), Math.ceil(s.pageCap / 2)]) : s.pageCap;
    const count = Math.min(limit, cap || limit);
    const page = s.offset === 'empty' && offset > s.offsetMax ? [] : rows.slice(first, first + count);
    const runs = page.map((run) => this.view(run));
    const body = { runs };
    if (s.total === 'right') body.total = rows.length;
    if (s.total === 'page') body.total = runs.length;
    if (s.total === 'minus1') body.total = rows.length - 1;
    if (s.total === 'finished') body.total = rows.filter((r) => r.finished).length;
    return { status: 200, body };
  }
  status(id) {
    const run = this.runs.get(id);
    if (!run || run.deleted) return { status: 404, body: { detail: 'not found' } };
    return { status: 200, body: { ...this.view(run), run_start_time: new Date(run.startMs).toISOString(), detail: true } };
  }
}

module.exports = { World, rng, SPEC_CHOICES, SPEC_CHOICES_LATER, BASE };
