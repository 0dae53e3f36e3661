'use strict';
// The run listing of reviews v14c-v14e, written apart from the trigger and from ../world.js: random
// listings (./world.js) served over HTTP (./server.js) to the built Vishwa Trigger, run through n8n-core's
// PollContext (test/harness). A scenario: history, activation, 30-40 polls of new, finished, deleted runs
// (churn between page requests, bursts of one start time, restarts, rollbacks to the last saved state
// with an emission), then polls until drained; the verdict lists repeats, emissions of runs from before
// activation, misses (reported or not), losses counted without a warning, poll errors, state over 48 KiB.
// node test/attack/review/scenario.js <firstSeed> <count> '<forced spec JSON>' (after npm run build;
// env V=1 prints each poll, T=<run id> traces one run).
const path = require('path');
const { createHarness, TYPES } = require('../../harness');
const harness = createHarness();
const { World, rngOf } = require('./world');
const { serve } = require('./server');
const KEY = 'v14c-key-1234567';
const from = { paths: [require.resolve('n8n-core', { paths: [path.resolve(__dirname, '../../..')] })] };
const { Container } = require(require.resolve('@n8n/di', from));
const { Logger } = require(require.resolve('@n8n/backend-common', from));
const warnings = [];
const logger = Container.get(Logger);
const originalWarn = logger.warn.bind(logger);
logger.warn = (message, ...rest) => {
  warnings.push(String(message));
  if (process.env.V) originalWarn(message, ...rest);
};

const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
function drawSpec(rng) {
  return {
    ts: pick(rng, ['ms', 'sec', 'isoSec', 'secText']),
    order: 'start',
    ties: pick(rng, ['seqDesc', 'seqAsc', 'random']),
    cap: pick(rng, [null, null, 7, 10, 50]),
    total: pick(rng, ['none', 'right', 'page', 'short']),
    dupes: rng() < 0.2,
    nullWhileRunning: rng() < 0.2,
    offsetMax: pick(rng, [undefined, undefined, 150, 500]),
    offsetMode: pick(rng, ['refuse', 'empty', 'clamp']),
    ignoreOffset: false,
    churn: rng() < 0.5,
    pageSize: pick(rng, [2, 5, 10, 20, 100]),
    restarts: rng() < 0.5,
    rollbacks: rng() < 0.3,
    history: pick(rng, [0, 1, 30, 250, 1200]),
    burst: pick(rng, [0, 0, 8, 40, 150]),
    steps: 40,
  };
}

async function scenario(seed, forced = {}) {
  const rng = rngOf(seed * 7919 + 13);
  const spec = { ...drawSpec(rng), ...forced };
  const world = new World(spec, rng);
  const server = await serve(world, KEY);
  const mk = (staticData) => harness.createPoller(
    { type: TYPES.vishwaTrigger, parameters: { flowId: 'f1', options: { pageSize: spec.pageSize } }, credentials: { vishwaApi: { id: 'c', name: 'Vishwa API' } } },
    { credentials: { vishwaApi: { apiKey: KEY, baseUrl: server.url } }, staticData });
  let poller = await mk({});
  const res = { seed, spec, errors: [], repeats: [], pre: [], misses: [], lost: 0, maxState: 0, warnings: 0, polls: 0 };
  const count = new Map(); let wseen = warnings.length;
  let lastEmitSaved = null;
  const adv = (ms) => { world.clock += ms; };
  const step = () => (spec.ts === 'ms' ? 1 + Math.floor(rng() * 50) : 200 + Math.floor(rng() * 900));
  // history
  for (let i = 0; i < spec.history; i++) { adv(step()); world.start({ finished: true }); }
  for (let i = 0; i < 3; i++) { adv(step()); world.start(); }
  const warnBefore = warnings.length;
  const doPoll = async () => {
    res.polls++;
    let items;
    try { items = await poller.poll(); } catch (e) { res.errors.push(`poll ${res.polls}: ${e.message}`); return false; }
    const ids = (items || []).map((it) => it.json.run_id);
    for (const id of ids) { count.set(id, (count.get(id) || 0) + 1); if (process.env.T && count.get(id) > 1) console.log(`poll ${res.polls} REPEATS ${id}, in this poll ${ids.filter((x) => x === id).length}x`, JSON.stringify(world.runs.find((x) => x.id === id))); }
    if (process.env.T && ids.includes(process.env.T)) { const r = world.runs.find((x) => x.id === process.env.T); console.log(`poll ${res.polls} emitted ${process.env.T}`, JSON.stringify(r)); }
    const saved = poller.savedStaticData();
    const st = saved['node:Vishwa Trigger'] && saved['node:Vishwa Trigger'].vishwaTrigger;
    if (st) { res.maxState = Math.max(res.maxState, JSON.stringify(st).length); res.lost = st.lost || 0; }
    if (ids.length > 0) lastEmitSaved = saved;
    if (process.env.V) console.log(`poll ${res.polls}: ${ids.length} emitted, lost ${res.lost}, requests ${world.requests}, runs ${world.runs.length}, finished-unemitted ${world.runs.filter((r) => r.status !== 'running' && !r.deleted && !count.has(r.id)).length}`, warnings.slice(wseen).join(' | ').slice(0, 400)); wseen = warnings.length;
    return true;
  };
  const activated = await doPoll();
  if (!activated) { await server.close(); res.refused = res.errors[0]; return res; }
  const preIds = new Set(world.runs.filter((r) => r.status !== 'running').map((r) => r.id));
  let activePoll = true;
  world.hook = (offset) => {
    if (!activePoll || !spec.churn || offset === 0) return;
    const r = rng();
    if (r < 0.25) { const k = 1 + Math.floor(rng() * 4); for (let i = 0; i < k; i++) { adv(step()); world.start({ finished: true }); } }
    else if (r < 0.45) {
      const live = world.sorted(); const k = 1 + Math.floor(rng() * 4);
      for (let i = 0; i < k && live.length; i++) { const x = live[Math.floor(rng() * Math.min(live.length, offset + 20))]; x.deleted = true; }
    } else if (r < 0.55) {
      const running = world.runs.filter((x) => x.status === 'running' && !x.deleted);
      if (running.length) world.finish(pick(rng, running));
    }
  };
  for (let s = 0; s < spec.steps; s++) {
    // new runs, some bursts of ties
    const n = Math.floor(rng() * 12);
    for (let i = 0; i < n; i++) { adv(step()); world.start({ finished: rng() < 0.6 }); }
    if (spec.burst && rng() < 0.15) { adv(1000); const at = world.clock; for (let i = 0; i < spec.burst; i++) world.start({ finished: rng() < 0.7, at }); }
    if (rng() < 0.05) { const big = 300 + Math.floor(rng() * 1500); for (let i = 0; i < big; i++) { adv(step()); world.start({ finished: true }); } }
    for (const x of world.runs) if (x.status === 'running' && !x.deleted && rng() < 0.3) world.finish(x, rng() < 0.8 ? 'completed' : 'failed');
    if (rng() < 0.1) { const live = world.sorted(); for (let i = 0; i < 3 && live.length; i++) live[Math.floor(rng() * live.length)].deleted = true; }
    if (spec.restarts && rng() < 0.15) { if (!process.env.NORS) poller.restart(); if (process.env.T) console.log(`RESTART before poll ${res.polls + 1}`); }
    if (spec.rollbacks && lastEmitSaved && rng() < 0.1) { if (!process.env.NORB) poller = await mk(lastEmitSaved); else if (!process.env.NORS) poller.restart(); if (process.env.T) console.log(`ROLLBACK before poll ${res.polls + 1}`); }
    await doPoll();
  }
  activePoll = false;
  for (const x of world.runs) if (x.status === 'running') world.finish(x);
  for (let i = 0; i < 300; i++) {
    const before = [...count.values()].reduce((a, b) => a + b, 0);
    await doPoll();
    const after = [...count.values()].reduce((a, b) => a + b, 0);
    const st = (poller.savedStaticData()['node:Vishwa Trigger'] || {}).vishwaTrigger || {};
    if (after === before && !st.scan && (!st.pending || st.pending.length === 0) && i >= 2) break;
  }
  for (const [id, c] of count) { if (c > 1) res.repeats.push(`${id}x${c}`); if (preIds.has(id)) res.pre.push(id); }
  for (const x of world.runs) {
    if (x.deleted || preIds.has(x.id)) continue;
    if (!count.has(x.id)) res.misses.push(x.id);
  }
  if (process.env.V) { const st = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger; console.log('FINAL STATE', JSON.stringify({ ...st, done: st.done.length, pending: st.pending.length, hwmIds: (st.hwmIds||[]).length, scan: st.scan && { ...st.scan, anchorIds: (st.scan.anchorIds||[]).length, topIds: (st.scan.topIds||[]).length } })); }
  res.warnings = warnings.length - warnBefore;
  res.warningText = warnings.slice(warnBefore, warnBefore + 2);
  res.totalRuns = world.runs.length;
  await server.close();
  return res;
}

function verdict(r) {
  const bad = [];
  if (r.refused) return ['refused: ' + r.refused.slice(0, 120)];
  if (r.repeats.length) bad.push(`REPEAT ${r.repeats.length} (${r.repeats.slice(0, 3)})`);
  if (r.pre.length) bad.push(`PRE-ACTIVATION ${r.pre.length}`);
  if (r.misses.length && r.lost === 0) bad.push(`UNREPORTED MISS ${r.misses.length}`);
  else if (r.misses.length) bad.push(`reported miss ${r.misses.length} (lost ${r.lost})`);
  if (r.lost > 0 && r.warnings === 0) bad.push('LOST WITHOUT WARNING');
  if (r.errors.length) bad.push(`ERRORS ${r.errors.length}: ${r.errors[0].slice(0, 150)}`);
  if (r.maxState > 48 * 1024) bad.push(`STATE ${r.maxState}`);
  return bad;
}
module.exports = { scenario, verdict };
if (require.main === module) {
  (async () => {
    const first = Number(process.argv[2] || 1), n = Number(process.argv[3] || 10);
    const forced = process.argv[4] ? JSON.parse(process.argv[4]) : {};
    const tally = {};
    for (let seed = first; seed < first + n; seed++) {
      const r = await scenario(seed, forced);
      const v = verdict(r);
      const key = v.length ? v.map((x) => x.split(' ')[0]).join('+') : 'ok';
      tally[key] = (tally[key] || 0) + 1;
      const s = r.spec;
      console.log(`seed ${seed} [ts=${s.ts} ties=${s.ties} cap=${s.cap} total=${s.total} dupes=${s.dupes} null=${s.nullWhileRunning} offMax=${s.offsetMax}/${s.offsetMode} churn=${s.churn} ps=${s.pageSize} hist=${s.history} burst=${s.burst}] runs=${r.totalRuns} polls=${r.polls} lost=${r.lost} state=${r.maxState}: ${v.join('; ') || 'ok'}`);
    }
    console.log('TALLY', JSON.stringify(tally));
    process.exit(0);
  })();
}
