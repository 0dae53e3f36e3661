'use strict';
// Random attack sweep of the built trigger planner (dist) against ./world.js listings.
// node test/attack/sweep.js [firstSeed] [count] [forcedSpecJSON]
const path = require('path');
const dist = process.env.ATTACK_DIST || path.resolve(__dirname, '../../dist/nodes/Vishwa/core');
const { readTriggerState } = require(`${dist}/triggerState`);
const { TriggerPoll } = require(`${dist}/triggerPoll`);
const { DEFAULT_STATUS_LISTS } = require(`${dist}/status`);
const { World, rng, SPEC_CHOICES, SPEC_CHOICES_LATER } = require('./world');

const FLOW = 'f1';
/** List requests and polls over the sweep (the cost printed with the tally). */
const cost = { polls: 0, lists: 0 };

function runPoll(world, saved, options, hooks = {}) {
  const poll = new TriggerPoll(readTriggerState(saved, FLOW), { flowId: FLOW, filter: 'any', lists: DEFAULT_STATUS_LISTS, nowMs: world.clock, fetchFullStatus: false, ...options });
  let n = 0;
  cost.polls++;
  const reqs = [];
  for (let q; (q = poll.next(n >= (hooks.outOfTimeAfter ?? Infinity))); n++) {
    reqs.push(q);
    if (q.kind === 'list') cost.lists++;
    if (hooks.before && hooks.before(q, n) === 'fail') return { failed: 'fault', reqs };
    if (q.kind === 'list') {
      const a = world.list(q.offset, q.limit);
      if (process.env.TRACE) console.log(`  list ${q.offset}: ${a.status} ${(a.body.runs || []).map((r) => r.run_id + (r.run_status === 'running' ? '*' : '')).join(' ')}`);
      if (a.status !== 200) {
        if (a.status >= 400 && a.status < 500 && q.offset > 0 && typeof poll.listRefused === "function") poll.listRefused();
        else return { failed: `list ${a.status} at ${q.offset}`, reqs };
        continue;
      }
      try { poll.listed(a.body.runs, a.body.total); } catch (e) { return { failed: e.message, listingError: e, reqs }; }
    } else {
      const a = world.status(q.runId);
      poll.statusAnswered(a.status === 200 ? a.body : undefined);
    }
  }
  const res = poll.result();
  return { ...res, reqs, state: JSON.parse(JSON.stringify(res.state)) };
}

function scenario(seed, forced = {}) {
  const r = rng(seed);
  const spec = {};
  for (const [k, v] of Object.entries(SPEC_CHOICES)) spec[k] = k in forced ? forced[k] : r.pick(v);
  const later = rng(seed * 31 + 17);
  for (const [k, v] of Object.entries(SPEC_CHOICES_LATER)) spec[k] = k in forced ? forced[k] : later.pick(v);
  const world = new World(spec, seed);
  // `forced.undated`: runs that fail before they start (listed without a start time) are drawn too, in
  // place or nulls first, some missing from a listing now and then (v14w's hybrid sweep). Off by
  // default, from a stream of its own: the default sweep draws what it drew before.
  const U = forced.undated ? rng(seed * 131 + 5) : undefined;
  const undatedRate = U ? U.pick([0, 0.1, 0.3]) : 0;
  const nullsFirst = U ? U.chance(0.5) : false;
  const undated = new Set();
  if (U) {
    const view = world.view.bind(world);
    world.view = (run) => { const v = view(run); if (undated.has(run.id)) v.run_start_time = null; return v; };
    if (nullsFirst) { const ord = world.ordered.bind(world); world.ordered = () => { const l = ord(); return [...l.filter((x) => undated.has(x.id)), ...l.filter((x) => !undated.has(x.id))]; }; }
  }
  const pageSize = forced.pageSize ?? r.pick([5, 10, 20, 100]);
  const maxListRequests = forced.maxListRequests ?? r.pick([3, 5, 50]);
  const options = { pageSize, maxListRequests, limits: { maxDone: r.pick([100, 500]) } };
  const tick = () => { world.clock += r.pick([0, 0, 1, 7, 400, 1000]); };
  const running = () => [...world.runs.values()].filter((x) => !x.finished && !x.deleted);
  const past = new Set();
  for (let i = r.int(0, 200); i > 0; i--) { const x = world.start({ finished: r.chance(0.9) }); if (x.finished) past.add(x.id); tick(); }
  const finishedAfter = new Set();
  const emitted = [];
  let refusedLater = '';
  let saved, lastEmitSave, polls = 0, failed = 0, lost = 0, maxBytes = 0, stuck = 0, lastFailure = '';
  const poll = (clean = false) => {
    polls++;
    const failAt = !clean && saved && r.chance(0.1) ? r.int(0, 3) : -1;
    const res = runPoll(world, saved, options, {
      outOfTimeAfter: !clean && r.chance(0.1) ? r.int(1, 3) : Infinity,
      before: (q, n) => {
        if (n === failAt) return 'fail';
        if (clean || q.kind !== 'list' || q.offset === 0) return;
        if (forced.inserts !== 0 && r.chance(0.25)) for (let i = r.int(1, 4); i > 0; i--) { tick(); const x = world.start({ finished: r.chance(0.5) }); if (x.finished) finishedAfter.add(x.id); }
        if (forced.deletes !== 0 && r.chance(0.15)) { const top = world.ordered().slice(0, r.int(1, 3)); top.forEach((x) => { x.deleted = true; }); }
      },
    });
    if (process.env.TRACE_RUN) {
      const w = process.env.TRACE_RUN; const run = world.runs.get(w); const b = world.runs.get('r1').startMs;
      const sv = res.state;
      console.log(`poll ${polls}${clean ? ' clean' : ''}: ${res.failed ? 'FAILED ' + res.failed : ''} run ${run ? `start ${run.startMs - b} fin ${run.finished} del ${run.deleted}` : 'none'} lists ${res.reqs.filter((q) => q.kind === 'list').map((q) => q.offset)} ` +
        (sv ? `hwm ${sv.hwm - b} all ${sv.hwmAll} ids ${sv.hwmIds.length} floor ${sv.floor - b} scan ${JSON.stringify(sv.scan && { ...sv.scan, top: sv.scan.top - b, anchor: sv.scan.anchor - b, topIds: sv.scan.topIds.length, anchorIds: sv.scan.anchorIds.length })} inDone ${sv.done.some(([i]) => i === w)} pend ${sv.pending.some(([i]) => i === w)} emitted ${res.runs.some((x) => x.runId === w)} n ${res.runs.length}` : ''));
    }
    if (res.failed) { failed++; lastFailure = res.failed; if (res.listingError) { refusedLater = refusedLater || res.failed; return 'refused'; } stuck++; return []; }
    stuck = 0;
    saved = res.state;
    maxBytes = Math.max(maxBytes, JSON.stringify(saved).length);
    if (res.runs.length || !lastEmitSave) lastEmitSave = saved;
    if (process.env.WARN) for (const w of res.warnings) console.log(`poll ${polls} warning: ${w}`);
    emitted.push(...res.runs.map((x) => x.runId));
    lost = saved.lost;
    return res.runs;
  };
  // Runs running at activation deeper than the listing lets activation read (documented; warned at
  // activation, in `lost` when a run among the oldest quarter read is still running): below offsetMax where deeper offsets are refused, emptied or clamped; below the first
  // page where offset is ignored; below the newest 300.
  const rows = world.ordered();
  const reach = spec.offset === 'ignored' ? Math.min(pageSize, spec.pageCap || pageSize) : ['reject', 'empty', 'clamp'].includes(spec.offset) ? spec.offsetMax : 300;
  const outOfReach = new Set(rows.filter((x, index) => !x.finished && index >= reach / (spec.repeat ? 1.2 : 1)).map((x) => x.id));
  for (let i = 0; i < 3 && !saved; i++) if (poll(true) === 'refused') return { seed, spec, options, refused: true };
  if (!saved) return { seed, spec, options, activationFailed: lastFailure };
  for (let step = r.int(100, 300); step > 0; step--) {
    // A listing error after activation (e.g. pages of one run, told only once the listing had two):
    // every poll fails with it from then on; the user is told, nothing more to check.
    if (refusedLater) return { seed, spec, options, refusedLater, problems: [`refused later: ${refusedLater}`] };
    if (U) {
      if (U.chance(undatedRate)) { const u = world.start({ finished: true, outcome: 'failed' }); undated.add(u.id); finishedAfter.add(u.id); }
      world.hidden.clear();
      if (undated.size && U.chance(0.2)) { const ids = [...undated]; for (let k = U.int(1, 5); k > 0; k--) world.hidden.add(ids[U.int(0, ids.length - 1)]); }
    }
    const x = r.next();
    if (x < 0.3) world.start();
    else if (x < 0.4) finishedAfter.add(world.start({ finished: true }).id);
    else if (x < 0.55) { const c = running(); if (c.length) { const y = r.pick(c); world.finish(y, r.chance(0.3) ? 'failed' : 'succeeded'); finishedAfter.add(y.id); } }
    else if (x < 0.57) { const c = running(); if (c.length) r.pick(c).deleted = true; }
    else if (x < 0.6) { const at = world.clock; for (let i = r.int(5, forced.maxTie ?? 150); i > 0; i--) finishedAfter.add(world.start({ finished: true, at }).id); }
    else if (x < 0.63) saved = JSON.parse(JSON.stringify(lastEmitSave));
    else if (x < 0.66 && running().length === 0) for (let i = r.int(pageSize, 4 * pageSize); i > 0; i--) { tick(); finishedAfter.add(world.start({ finished: true }).id); }
    else poll();
    tick();
  }
  if (U) world.hidden.clear();
  for (const y of running()) { world.finish(y); finishedAfter.add(y.id); }
  let quietRounds = 0;
  for (let i = 0; i < 600 && quietRounds < 3; i++) {
    const out = poll(true);
    quietRounds = out.length === 0 && saved && !saved.scan && saved.pending.length === 0 ? quietRounds + 1 : 0;
  }
  const quiet = poll(true);
  const counts = new Map();
  emitted.forEach((id) => counts.set(id, (counts.get(id) || 0) + 1));
  const expected = [...finishedAfter].filter((id) => !past.has(id) && !world.runs.get(id).deleted);
  const problems = [];
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const missingAll = expected.filter((id) => !counts.has(id));
  const missing = missingAll.filter((id) => !outOfReach.has(id));
  if (missingAll.length > missing.length) problems.push(`missing ${missingAll.length - missing.length} running at activation out of its reach (documented)`);
  const extra = [...counts.keys()].filter((id) => !finishedAfter.has(id) || past.has(id));
  if (repeated.length) problems.push(`REPEATED ${repeated.length}: ${repeated.slice(0, 5)}`);
  if (extra.length) problems.push(`EXTRA ${extra.length}: ${extra.slice(0, 5)}`);
  if (missing.length && lost === 0) problems.push(`MISSING unreported ${missing.length}/${expected.length}: ${missing.slice(0, 5)}`);
  if (missing.length && lost > 0) problems.push(`missing reported ${missing.length} (lost ${lost})`);
  if (!missing.length && lost > 0) problems.push(`lost ${lost} reported, none missing`);
  if (stuck > 3) problems.push(`STUCK: last ${stuck} polls failed (${lastFailure})`);
  if (Array.isArray(quiet) && quiet.length) problems.push(`quiet poll emitted ${quiet.length}`);
  if (process.env.DEBUG && missing.length) {
    const groups = new Map();
    for (const x of world.runs.values()) groups.set(x.startMs, (groups.get(x.startMs) || 0) + 1);
    const ms = [...new Set(missing.map((id) => world.runs.get(id).startMs))];
    console.log('missing ms', ms.map((m) => `${m - world.runs.get('r1').startMs}:${groups.get(m)} runs, missing ${missing.filter((id) => world.runs.get(id).startMs === m).length}`).join(' | '));
    console.log('final state', JSON.stringify({ ...saved, done: saved.done.length, hwm: saved.hwm - world.runs.get('r1').startMs, floor: saved.floor - world.runs.get('r1').startMs }));
  }
  if (maxBytes > 48 * 1024) problems.push(`STATE ${maxBytes} bytes`);
  return { seed, spec, options, problems, polls, failed, emitted: emitted.length, expected: expected.length, maxBytes };
}

if (require.main === module) {
  const first = Number(process.argv[2] || 1);
  const count = Number(process.argv[3] || 200);
  const forced = JSON.parse(process.argv[4] || '{}');
  const tally = {};
  let bad = 0, maxBytes = 0;
  for (let seed = first; seed < first + count; seed++) {
    const res = scenario(seed, forced);
    maxBytes = Math.max(maxBytes, res.maxBytes || 0);
    const serious = (res.problems || []).filter((p) => /^[A-Z]/.test(p));
    for (const p of res.problems || []) { const k = p.split(/[ :]/)[0]; tally[k] = (tally[k] || 0) + 1; }
    if (res.activationFailed) { tally.activationFailed = (tally.activationFailed || 0) + 1; }
    if (serious.length || process.env.VERBOSE) { bad += serious.length ? 1 : 0; console.log(`seed ${seed} ${JSON.stringify({ ...res.spec, ...res.options })}: ${(res.problems || []).join('; ')} ${res.activationFailed || ''}`); }
  }
  console.log(`seeds ${first}..${first + count - 1}: ${bad} with serious problems; tally ${JSON.stringify(tally)}; max state ${maxBytes} bytes; list requests ${cost.lists} in ${cost.polls} polls (${(cost.lists / cost.polls).toFixed(3)} a poll)`);
}
module.exports = { scenario, runPoll };
