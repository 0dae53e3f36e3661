'use strict';
const { normalizeListing, renderPage } = require('./listing');
// In-memory state of the Vishwa stand-in: flows, runs, uploaded files, queued faults,
// the request log and counters. No I/O here (the server owns sockets and disk).

const DEFAULT_FLOWS = Object.freeze([
  { id: 'flow-ok', name: 'Succeeding flow', durationMs: 300, outcome: 'succeeded' },
  { id: 'flow-fail', name: 'Failing flow', durationMs: 300, outcome: 'failed' },
  { id: 'flow-slow', name: 'Slow flow', durationMs: 5000, outcome: 'succeeded' },
  { id: 'flow-instant', name: 'Instant flow', durationMs: 0, outcome: 'succeeded' },
]);

const OUTCOMES = ['succeeded', 'failed'];
const LIST_SHAPES = ['runs', 'array', 'data', 'items'];
const STATUS_CASES = ['lower', 'upper'];
// The flow listing is ASSUMED (the published API has none): its wrapper, the id's key, or 'none' (404).
const FLOW_LIST_SHAPES = ['workflows', 'array', 'flows', 'data', 'items', 'none'];
const FLOW_ID_KEYS = ['id', 'workflow_id', 'flow_id'];
const FAULT_ROUTES = ['upload', 'start-run', 'status', 'runs', 'flows', 'asset', '*'];
const FAULT_KINDS = [
  '429', '500', '502-html', '503', 'malformed-json', 'empty-body', 'html-200',
  'drop-before', 'drop-after', 'slow', 'huge', 'shift', 'throw',
];
const QUEUED_MAX_MS = 50;
const MAX_HISTORY = 1000000;
const FAILED_ERROR = 'Flow failed (stand-in)';

/** An error that maps to an HTTP answer `{detail}` with the given status. */
class HttpError extends Error {
  constructor(status, detail, headers) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.headers = headers || {};
  }
}

const bad = (detail) => new HttpError(400, detail);

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkDuration(v, name) {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw bad(`'${name}' must be a non-negative number of milliseconds or null`);
  }
  return v;
}

function checkEnum(v, allowed, name) {
  if (!allowed.includes(v)) throw bad(`'${name}' must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  return v;
}

function checkInt(v, name, min, max) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(`'${name}' must be an integer from ${min} to ${max}`);
  }
  return v;
}

function parseTime(v, name, fallback) {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms;
  }
  throw bad(`'${name}' must be an ISO date string or epoch milliseconds`);
}

/** (startMs, seq) ascending. */
function cmpRuns(a, b) {
  return a.startMs - b.startMs || a.seq - b.seq;
}

function iso(ms) {
  return new Date(ms).toISOString();
}

class Store {
  /**
   * @param {object} o
   * @param {() => number} o.now clock in epoch ms
   * @param {object[]} o.extraFlows flows added on top of the defaults (and restored by reset)
   */
  constructor({ now, extraFlows = [], requestLogLimit = 100000, flowListing }) {
    this.now = now;
    this.flowListingDefault = { shape: 'workflows', idKey: 'id' };
    if (flowListing !== undefined) this.flowListingDefault = this.checkFlowListing(flowListing, this.flowListingDefault);
    this.requestLogLimit = requestLogLimit;
    this.extraFlows = extraFlows;
    this.generation = 0;
    // Counters over the stand-in's whole life (reset() keeps them): read by the test suite's summary.
    this.lifetime = { requests: 0, runsCreatedByApi: 0, faultsServed: 0, keyElsewhere: 0 };
    this.reset();
  }

  reset() {
    this.generation += 1;
    this.flows = new Map();
    this.runsById = new Map();
    this.runsInOrder = []; // creation order
    this.flowRuns = new Map(); // flowId -> runs sorted by (startMs, seq) ascending
    this.files = [];
    this.filesById = new Map();
    this.requests = [];
    this.faults = [];
    this.counters = { run: 0, file: 0, request: 0, fault: 0 };
    this.stats = {
      requests: 0, runsCreated: 0, runsCreatedByApi: 0, uploads: 0, filesStored: 0, faultsServed: 0, keyElsewhere: 0,
      // Public requests open at once (received, answer not yet finished), now and at most, and on
      // average over the time at least one was open (requestsOpenMs / requestsBusyMs).
      requestsOpen: 0, requestsOpenMax: 0, requestsOpenMs: 0, requestsBusyMs: 0,
    };
    this.openSince = 0;
    for (const f of DEFAULT_FLOWS) this.setFlow(f);
    for (const f of this.extraFlows) this.setFlow(f);
    this.flowListing = { ...this.flowListingDefault };
  }

  // ---------------------------------------------------------------- flow listing (ASSUMED)
  checkFlowListing(spec, base) {
    if (!isPlainObject(spec)) throw bad('Flow listing settings must be a JSON object');
    const out = { ...base };
    if (spec.shape !== undefined) out.shape = checkEnum(spec.shape, FLOW_LIST_SHAPES, 'shape');
    if (spec.idKey !== undefined) out.idKey = checkEnum(spec.idKey, FLOW_ID_KEYS, 'idKey');
    return out;
  }

  setFlowListing(spec) {
    this.flowListing = this.checkFlowListing(spec, this.flowListing);
    return { ...this.flowListing };
  }

  /** Flows in creation order (defaults first), `limit` from `offset`, as the listing shows them. */
  listFlowsPage(limit, offset) {
    const all = [...this.flows.values()];
    const { idKey } = this.flowListing;
    const flows = all.slice(offset, offset + limit).map((f) => ({
      [idKey]: f.id,
      ...(f.name !== undefined ? { name: f.name } : {}),
    }));
    return { flows, total: all.length };
  }

  // ---------------------------------------------------------------- flows
  setFlow(spec) {
    if (!isPlainObject(spec)) throw bad('Flow must be a JSON object');
    if (typeof spec.id !== 'string' || spec.id === '') throw bad("'id' must be a non-empty string");
    const prev = this.flows.get(spec.id);
    const flow = prev ? { ...prev } : {
      id: spec.id, durationMs: 300, outcome: 'succeeded', listShape: 'runs', statusCase: 'lower',
    };
    if (spec.durationMs !== undefined) flow.durationMs = checkDuration(spec.durationMs, 'durationMs');
    if (spec.outcome !== undefined) flow.outcome = checkEnum(spec.outcome, OUTCOMES, 'outcome');
    if (spec.listShape !== undefined) flow.listShape = checkEnum(spec.listShape, LIST_SHAPES, 'listShape');
    if (spec.statusCase !== undefined) flow.statusCase = checkEnum(spec.statusCase, STATUS_CASES, 'statusCase');
    // Optional (absent unless set): how the run listing misbehaves (test/standin/listing.js).
    if (spec.listing !== undefined) {
      try {
        flow.listing = normalizeListing(spec.listing);
      } catch (e) {
        throw bad(e.message);
      }
    }
    // Optional (absent unless set): every answer about this flow waits this long, for benchmarks.
    if (spec.responseDelayMs !== undefined) flow.responseDelayMs = checkInt(spec.responseDelayMs, 'responseDelayMs', 0, 600000);
    if (spec.name !== undefined) {
      if (typeof spec.name !== 'string') throw bad("'name' must be a string");
      flow.name = spec.name;
    }
    this.flows.set(flow.id, flow);
    if (!this.flowRuns.has(flow.id)) this.flowRuns.set(flow.id, []);
    return { ...flow };
  }

  getFlow(id) {
    return this.flows.get(id) || null;
  }

  listFlows() {
    return [...this.flows.values()].map((f) => ({ ...f }));
  }

  requireFlow(id) {
    const flow = this.flows.get(id);
    if (!flow) throw new HttpError(404, `Flow '${id}' not found`);
    return flow;
  }

  // ---------------------------------------------------------------- runs
  newRun(flow, o) {
    this.counters.run += 1;
    const run = {
      seq: this.counters.run,
      run_id: `run_${this.counters.run}`,
      flowId: flow.id,
      startMs: o.startMs,
      durationMs: o.durationMs,
      outcome: o.outcome,
      run_type: o.runType,
      inputs: o.inputs || {},
      override_config: o.override_config === undefined ? null : o.override_config,
      createdBy: o.createdBy,
      finishedMs: null,
      finishedOutcome: null,
    };
    this.runsById.set(run.run_id, run);
    this.runsInOrder.push(run);
    this.stats.runsCreated += 1;
    if (o.createdBy === 'api') { this.stats.runsCreatedByApi += 1; this.lifetime.runsCreatedByApi += 1; }
    return run;
  }

  insertSorted(run) {
    const arr = this.flowRuns.get(run.flowId);
    if (arr.length === 0 || cmpRuns(arr[arr.length - 1], run) <= 0) {
      arr.push(run); // the common case: the newest run
      return;
    }
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpRuns(arr[mid], run) <= 0) lo = mid + 1;
      else hi = mid;
    }
    arr.splice(lo, 0, run);
  }

  /** A run started through the public API (start-run). */
  startApiRun(flowId, inputs, overrideConfig) {
    const flow = this.requireFlow(flowId);
    const run = this.newRun(flow, {
      startMs: this.now(),
      durationMs: flow.durationMs,
      outcome: flow.outcome,
      runType: 'api',
      inputs,
      override_config: overrideConfig,
      createdBy: 'api',
    });
    this.insertSorted(run);
    return run;
  }

  /** A run started outside n8n (POST /__control/runs). */
  createControlRun(spec) {
    if (!isPlainObject(spec)) throw bad('Body must be a JSON object');
    if (typeof spec.flowId !== 'string' || spec.flowId === '') throw bad("'flowId' must be a non-empty string");
    const flow = this.requireFlow(spec.flowId);
    const durationMs = spec.durationMs === undefined ? flow.durationMs : checkDuration(spec.durationMs, 'durationMs');
    const outcome = spec.outcome === undefined ? flow.outcome : checkEnum(spec.outcome, OUTCOMES, 'outcome');
    let runType = 'manual';
    if (spec.runType !== undefined) {
      if (typeof spec.runType !== 'string' || spec.runType === '') throw bad("'runType' must be a non-empty string");
      runType = spec.runType;
    }
    const startMs = parseTime(spec.startTime, 'startTime', this.now());
    if (spec.inputs !== undefined && !isPlainObject(spec.inputs)) throw bad("'inputs' must be an object");
    if (spec.override_config !== undefined && spec.override_config !== null && !isPlainObject(spec.override_config)) {
      throw bad("'override_config' must be an object");
    }
    const run = this.newRun(flow, {
      startMs, durationMs, outcome, runType, inputs: spec.inputs, override_config: spec.override_config, createdBy: 'control',
    });
    this.insertSorted(run);
    return run;
  }

  finishRun(runId, spec) {
    const run = this.runsById.get(runId);
    if (!run) throw new HttpError(404, `Run '${runId}' not found`);
    const body = spec === undefined || spec === null ? {} : spec;
    if (!isPlainObject(body)) throw bad('Body must be a JSON object');
    const outcome = body.outcome === undefined ? run.outcome : checkEnum(body.outcome, OUTCOMES, 'outcome');
    const now = this.now();
    if (this.phase(run, now).terminal) throw new HttpError(409, `Run '${runId}' is already finished`);
    run.finishedMs = Math.max(now, run.startMs);
    run.finishedOutcome = outcome;
    return run;
  }

  /** Bulk-create `count` finished past runs (POST /__control/history). */
  addHistory(spec) {
    if (!isPlainObject(spec)) throw bad('Body must be a JSON object');
    if (typeof spec.flowId !== 'string' || spec.flowId === '') throw bad("'flowId' must be a non-empty string");
    const flow = this.requireFlow(spec.flowId);
    const count = checkInt(spec.count, 'count', 0, MAX_HISTORY);
    const outcome = spec.outcome === undefined ? flow.outcome : checkEnum(spec.outcome, OUTCOMES, 'outcome');
    const spacingMs = spec.spacingMs === undefined ? 1000 : checkInt(spec.spacingMs, 'spacingMs', 0, 86400000);
    const durationMs = spec.durationMs === undefined ? 500 : checkInt(spec.durationMs, 'durationMs', 0, 86400000);
    let runType = 'manual';
    if (spec.runType !== undefined) {
      if (typeof spec.runType !== 'string' || spec.runType === '') throw bad("'runType' must be a non-empty string");
      runType = spec.runType;
    }
    const now = this.now();
    const batch = new Array(count);
    for (let i = 0; i < count; i += 1) {
      const endMs = now - (count - 1 - i) * spacingMs - 1;
      batch[i] = this.newRun(flow, {
        startMs: endMs - durationMs, durationMs, outcome, runType, inputs: {}, createdBy: 'control',
      });
    }
    // batch is sorted (start ascending, seq ascending): merge it in O(n + m).
    const arr = this.flowRuns.get(flow.id);
    if (arr.length === 0) {
      this.flowRuns.set(flow.id, batch);
    } else if (count > 0) {
      const merged = new Array(arr.length + count);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < arr.length && j < count) merged[k++] = cmpRuns(arr[i], batch[j]) <= 0 ? arr[i++] : batch[j++];
      while (i < arr.length) merged[k++] = arr[i++];
      while (j < count) merged[k++] = batch[j++];
      this.flowRuns.set(flow.id, merged);
    }
    return {
      flowId: flow.id,
      created: count,
      firstRunId: count ? batch[0].run_id : null,
      lastRunId: count ? batch[count - 1].run_id : null,
      total: this.flowRuns.get(flow.id).length,
    };
  }

  /** The listing's `deletesAtTopBetweenPages`: the newest `count` runs of the flow are deleted. */
  deleteNewest(flowId, count) {
    const arr = this.flowRuns.get(flowId) || [];
    const gone = arr.splice(Math.max(0, arr.length - count), count);
    for (const run of gone) this.runsById.delete(run.run_id);
    return gone.length;
  }

  /** For the `shift` fault: `count` new, already finished runs on top of the listing. */
  addShiftRuns(flowId, count) {
    const flow = this.flows.get(flowId);
    if (!flow) return [];
    const made = [];
    for (let i = 0; i < count; i += 1) {
      const run = this.newRun(flow, {
        startMs: this.now(), durationMs: 0, outcome: flow.outcome, runType: 'manual', inputs: {}, createdBy: 'control',
      });
      this.insertSorted(run);
      made.push(run);
    }
    return made;
  }

  getRun(runId) {
    return this.runsById.get(runId) || null;
  }

  /** Status phase of a run at time `now`. */
  phase(run, now) {
    if (run.finishedMs !== null) {
      return { status: run.finishedOutcome === 'failed' ? 'failed' : 'completed', terminal: true, endMs: run.finishedMs };
    }
    const d = run.durationMs;
    const elapsed = now - run.startMs;
    if (d !== null && elapsed >= d) {
      return { status: run.outcome === 'failed' ? 'failed' : 'completed', terminal: true, endMs: run.startMs + d };
    }
    const queuedFor = d === null ? QUEUED_MAX_MS : Math.min(QUEUED_MAX_MS, d / 4);
    return { status: elapsed < queuedFor ? 'queued' : 'running', terminal: false, endMs: null };
  }

  caseStatus(flowId, status) {
    const flow = this.flows.get(flowId);
    return flow && flow.statusCase === 'upper' ? status.toUpperCase() : status;
  }

  /** The public status object (status route, listing entries). */
  statusView(run, now = this.now()) {
    const p = this.phase(run, now);
    const view = {
      run_id: run.run_id,
      run_start_time: iso(run.startMs),
      run_status: this.caseStatus(run.flowId, p.status),
      run_type: run.run_type,
    };
    if (p.terminal) {
      view.run_end_time = iso(p.endMs);
      if (p.status === 'completed') view.outputs = run.inputs;
      else view.error = FAILED_ERROR;
    }
    return view;
  }

  /** The record shown by GET /__control/runs. */
  controlView(run, now = this.now()) {
    const p = this.phase(run, now);
    const out = {
      run_id: run.run_id,
      flowId: run.flowId,
      run_type: run.run_type,
      run_status: this.caseStatus(run.flowId, p.status),
      status: p.status,
      finished: p.terminal,
      run_start_time: iso(run.startMs),
      run_end_time: p.terminal ? iso(p.endMs) : null,
      inputs: run.inputs,
      override_config: run.override_config,
      createdBy: run.createdBy,
      durationMs: run.durationMs,
      outcome: run.finishedMs !== null ? run.finishedOutcome : run.outcome,
      finishedByControl: run.finishedMs !== null,
      seq: run.seq,
    };
    return out;
  }

  listControlRuns(flowId) {
    const now = this.now();
    const src = flowId === undefined ? this.runsInOrder : this.runsInOrder.filter((r) => r.flowId === flowId);
    return src.map((r) => this.controlView(r, now));
  }

  /** One page of the listing, newest first. O(limit), or O(runs) with the flow's `listing` behaviours. */
  listPage(flowId, limit, offset) {
    const arr = this.flowRuns.get(flowId) || [];
    const flow = this.flows.get(flowId);
    if (flow && flow.listing) {
      if (offset === 0 || flow.listingOrder === undefined || flow.listing.reorderTies === 'per-request') {
        flow.listingOrder = (flow.listingOrder || 0) + 1;
      }
      const now = this.now();
      return renderPage([...arr].reverse(), { offset, limit, order: flow.listingOrder }, flow.listing, {
        view: (run) => this.statusView(run, now),
        startMs: (run) => run.startMs,
        id: (run) => run.run_id,
        finished: (run) => this.phase(run, now).terminal,
      });
    }
    const now = this.now();
    const runs = [];
    for (let i = arr.length - 1 - offset; i >= 0 && runs.length < limit; i -= 1) runs.push(this.statusView(arr[i], now));
    return { runs, total: arr.length };
  }

  // ---------------------------------------------------------------- files
  addFile(rec) {
    this.counters.file += 1;
    const file = { file_id: `file_${this.counters.file}`, ...rec };
    this.files.push(file);
    this.filesById.set(file.file_id, file);
    this.stats.filesStored += 1;
    return file;
  }

  nextFileId() {
    return `file_${this.counters.file + 1}`;
  }

  // ---------------------------------------------------------------- faults
  addFault(spec) {
    if (!isPlainObject(spec)) throw bad('Fault must be a JSON object');
    const route = checkEnum(spec.route, FAULT_ROUTES, 'route');
    const kind = checkEnum(typeof spec.kind === 'number' ? String(spec.kind) : spec.kind, FAULT_KINDS, 'kind');
    const times = spec.times === undefined ? 1 : checkInt(spec.times, 'times', 1, 1000000);
    const fault = { id: 0, route, kind, times, remaining: times };
    if (spec.retryAfter !== undefined && spec.retryAfter !== null) {
      const ra = spec.retryAfter;
      const ok = (typeof ra === 'number' && Number.isFinite(ra) && ra >= 0) || (typeof ra === 'string' && ra !== '' && !/[\r\n]/.test(ra));
      if (!ok) throw bad("'retryAfter' must be a non-negative number of seconds or an HTTP date string");
      fault.retryAfter = ra;
    }
    if (kind === 'slow') fault.delayMs = spec.delayMs === undefined ? 1000 : checkInt(spec.delayMs, 'delayMs', 0, 600000);
    else if (spec.delayMs !== undefined) fault.delayMs = checkInt(spec.delayMs, 'delayMs', 0, 600000);
    if (kind === 'shift') {
      if (route !== 'runs' && route !== '*') throw bad("a 'shift' fault only applies to route 'runs' (or '*')");
      fault.count = spec.count === undefined ? 3 : checkInt(spec.count, 'count', 1, 100000);
    }
    if (kind === 'huge') fault.sizeBytes = spec.sizeBytes === undefined ? 5 * 1024 * 1024 : checkInt(spec.sizeBytes, 'sizeBytes', 1, 512 * 1024 * 1024);
    this.counters.fault += 1;
    fault.id = this.counters.fault;
    this.faults.push(fault);
    return { ...fault };
  }

  clearFaults() {
    const n = this.faults.length;
    this.faults = [];
    return n;
  }

  listFaults() {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * Consume one use of the first queued fault that matches (FIFO).
   * @param {string} route upload | start-run | status | runs | asset
   * @param {{offset?: number}} ctx
   */
  takeFault(route, ctx = {}) {
    for (let i = 0; i < this.faults.length; i += 1) {
      const f = this.faults[i];
      if (f.route !== '*' && f.route !== route) continue;
      if (f.kind === 'shift' && !(route === 'runs' && ctx.offset > 0)) continue;
      f.remaining -= 1;
      if (f.remaining <= 0) this.faults.splice(i, 1);
      this.stats.faultsServed += 1;
      this.lifetime.faultsServed += 1;
      return { ...f };
    }
    return null;
  }

  // ---------------------------------------------------------------- requests
  /** A public request was received; the returned function marks it finished (once). */
  openRequest() {
    const stats = this.stats;
    this.countOpenTime(stats);
    stats.requestsOpen += 1;
    stats.requestsOpenMax = Math.max(stats.requestsOpenMax, stats.requestsOpen);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      // A reset meanwhile starts the count afresh.
      if (this.stats !== stats) return;
      this.countOpenTime(stats);
      stats.requestsOpen -= 1;
    };
  }

  /** Adds the time since the last change, weighted by the requests open during it. */
  countOpenTime(stats) {
    const now = performance.now();
    if (stats.requestsOpen > 0) {
      const ms = now - this.openSince;
      stats.requestsOpenMs += stats.requestsOpen * ms;
      stats.requestsBusyMs += ms;
    }
    this.openSince = now;
  }

  logRequest(entry) {
    this.counters.request += 1;
    this.stats.requests += 1;
    this.lifetime.requests += 1;
    const e = { seq: this.counters.request, ...entry };
    this.requests.push(e);
    // Bounded memory for long benchmark runs: drop the oldest tenth once over the limit.
    if (this.requests.length > this.requestLogLimit) {
      this.requests.splice(0, Math.max(1, this.requests.length - Math.floor(this.requestLogLimit * 0.9)));
    }
    return e;
  }
}

module.exports = {
  Store,
  HttpError,
  isPlainObject,
  DEFAULT_FLOWS,
  OUTCOMES,
  LIST_SHAPES,
  FLOW_LIST_SHAPES,
  FLOW_ID_KEYS,
  STATUS_CASES,
  FAULT_ROUTES,
  FAULT_KINDS,
  QUEUED_MAX_MS,
  FAILED_ERROR,
};
