'use strict';
// Review v17r scenario: own listing (./world.js, ./server.js) served over HTTP to the BUILT Vishwa Trigger,
// run through n8n-core's PollContext (test/harness).
// node scenario.js <behaviour|all> <firstSeed> <count> ['<forced spec JSON>']
// env V=1 prints each poll; T=<run id> traces one run.
const path = require('path');
const MAIN = path.resolve(__dirname, '../../..'); // the package (built: npm run build)
const { createHarness, TYPES } = require(path.join(MAIN, 'test/harness'));
const harness = createHarness();
const { World, rngOf } = require('./world');
const { serve } = require('./server');
const KEY = 'rv17-SECRETKEY-9f8e7d6c5b';
const from = { paths: [require.resolve('n8n-core', { paths: [MAIN] })] };
const { Container } = require(require.resolve('@n8n/di', from));
const { Logger } = require(require.resolve('@n8n/backend-common', from));
const warnings = [];
const logger = Container.get(Logger);
logger.warn = (message) => { warnings.push(String(message)); if (process.env.V) console.log('  WARN', String(message).slice(0, Number(process.env.WL || 300))); };

// the simulated clock: Vishwa's and n8n's clock are the same, real time plus jumps between polls
let skew = 0;
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + skew;
const adv = (ms) => { skew += ms; };

const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
// behaviours of the list, each alone; 'all' draws every one at random
const BEHAVIOURS = {
  base: () => ({}),
  nullsFirst: (rng) => ({ nulls: 'first', nullKind: pick(rng, ['null', 'absent']), failBeforeStart: 0.1, queuedNull: rng() < 0.5 }),
  nullsLast: (rng) => ({ nulls: 'last', nullKind: pick(rng, ['null', 'absent']), failBeforeStart: 0.1, queuedNull: rng() < 0.5 }),
  nullsInPlace: (rng) => ({ nulls: 'inPlace', nullKind: pick(rng, ['null', 'absent']), failBeforeStart: 0.1 }),
  ts: (rng) => ({ ts: pick(rng, ['isoSec', 'isoMicro', 'epochSec', 'epochMs', 'epochSecFrac', 'strSec', 'strMs']) }),
  capFixed: (rng) => ({ cap: pick(rng, [3, 7, 10, 50]) }),
  capRandom: () => ({ cap: 'random' }),
  total: (rng) => ({ total: pick(rng, ['right', 'page']), envelope: pick(rng, ['runs', 'data', 'items']) }),
  ignoreOffset: () => ({ ignoreOffset: true }),
  shift: (rng) => ({ shiftAdd: pick(rng, [0, 0.3, 0.6]), shiftDel: pick(rng, [0.3, 0.6]) }),
  shiftAdd: (rng) => ({ shiftAdd: pick(rng, [0.3, 0.6, 1]) }),
  dupInPage: (rng) => ({ dupInPage: pick(rng, [0.2, 0.5]) }),
  budget: (rng) => ({ budget: pick(rng, [40, 80, 150]), latencyMs: pick(rng, [2, 5]) }),
  longRuns: (rng) => ({ finishP: pick(rng, [0.02, 0.05, 0.1]), runningShare: pick(rng, [0.5, 0.9]) }),
  nullsShift: (rng) => ({ ...BEHAVIOURS.nullsFirst(rng), shiftAdd: pick(rng, [0, 0.3]), shiftDel: pick(rng, [0.1, 0.3]) }),
  inPlaceShift: (rng) => ({ ...BEHAVIOURS.nullsInPlace(rng), shiftAdd: pick(rng, [0, 0.3]), shiftDel: pick(rng, [0.1, 0.3]) }),
  faults: (rng) => ({ failPollP: pick(rng, [0.1, 0.2]), cursorStaging: rng() < 0.5, rbP: pick(rng, [0.1, 0.3]), restarts: true, rollbacks: true, ...pick(rng, [{}, BEHAVIOURS.nullsFirst(rng), BEHAVIOURS.capRandom(rng), BEHAVIOURS.ties(rng), BEHAVIOURS.longRuns(rng)]) }),
  tiesAsc: (rng) => ({ ts: pick(rng, ['isoSec', 'epochSec', 'strSec']), ties: 'stableAsc', burst: pick(rng, [5, 20, 60, 150]), ...pick(rng, [{}, { cap: 'random' }, { shiftAdd: 0.3, shiftDel: 0.2 }, { budget: 80, latencyMs: 2 }, BEHAVIOURS.nullsFirst(rng)]) }),
  ignoreLimit: (rng) => ({ cap: 'ignoreLimit', serverPage: pick(rng, [10, 20, 50]), pageSize: pick(rng, [5, 10, 20]) }),
  retention: (rng) => ({ retention: pick(rng, [100, 300, 600]) }),
  ties: (rng) => ({ ts: pick(rng, ['isoSec', 'epochSec']), ties: pick(rng, ['perPoll', 'perRequest']), burst: pick(rng, [5, 20, 60]) }),
};
function drawAll(rng) {
  const s = {};
  const keys = ['nullsFirst', 'nullsLast', 'nullsInPlace', 'ts', 'capFixed', 'capRandom', 'total', 'ignoreOffset', 'shift', 'shiftAdd', 'dupInPage', 'budget', 'ties']; // fixed list (seeds of the 'all' sweep replay)
  // pairs: two behaviours at random
  const a = pick(rng, keys); let b = pick(rng, keys);
  Object.assign(s, BEHAVIOURS[a](rng), BEHAVIOURS[b](rng));
  s.combo = `${a}+${b}`;
  return s;
}
function drawMix(rng) {
  const keys = ['nullsFirst', 'nullsInPlace', 'ts', 'capFixed', 'capRandom', 'total', 'shift', 'shiftAdd', 'dupInPage', 'budget', 'ties', 'longRuns', 'retention', 'ignoreLimit'];
  const s = {}; const names = [];
  for (let i = 0; i < 3; i++) { const k = pick(rng, keys); names.push(k); Object.assign(s, BEHAVIOURS[k](rng)); }
  s.combo = names.join('+');
  return s;
}
function drawSpec(rng, behaviour) {
  const common = {
    pageSize: pick(rng, [undefined, undefined, 5, 10, 20]), // undefined: default 100
    history: pick(rng, [0, 20, 150, 400, 1000]),
    perPoll: pick(rng, [5, 20, 50]), // max runs started between polls
    polls: 20,
    gapMs: pick(rng, [1, 200, 1500]), // mean spacing of runs
    restarts: rng() < 0.3,
    rollbacks: rng() < 0.2,
    deletes: rng() < 0.3,
    burst: 0,
    budget: undefined,
  };
  const b = behaviour === 'all' || behaviour === 'heavy' ? drawAll(rng) : behaviour === 'mix' ? drawMix(rng) : BEHAVIOURS[behaviour](rng);
  if (behaviour === 'heavy') Object.assign(common, { perPoll: pick(rng, [100, 300]), history: pick(rng, [1000, 3000]), pageSize: pick(rng, [undefined, 10, 20]) });
  return { ...common, ...b };
}

async function scenario(seed, behaviour, forced = {}) {
  const rng = rngOf(seed * 104729 + behaviour.length * 31 + 7);
  const spec = { ...drawSpec(rng, behaviour), ...forced };
  const world = new World(spec, rngOf(seed * 7 + 1));
  const wr = world.rng;
  const server = await serve(world, KEY, { flowId: 'flowA', latencyMs: spec.latencyMs });
  const options = {};
  if (spec.pageSize) options.pageSize = spec.pageSize;
  if (spec.fullStatus) options.fetchFullStatus = true;
  const mk = (staticData) => harness.createPoller(
    { type: TYPES.vishwaTrigger, parameters: { flowId: 'flowA', options }, credentials: { vishwaApi: { id: 'c', name: 'Vishwa API' } } },
    { credentials: { vishwaApi: { apiKey: KEY, baseUrl: server.url } }, staticData, pollBudgetMs: spec.budget, cursorStaging: !!spec.cursorStaging });
  let poller = await mk({});
  const res = { seed, behaviour, spec, errors: [], repeats: [], pre: [], misses: [], lost: 0, maxState: 0, stateBad: [], warnings: [], polls: 0, keyLeak: 0, emitted: 0, perPoll: [] };
  const count = new Map(); const firstPoll = new Map();
  let lastEmitSaved = null;
  const gap = () => (wr() < 0.1 ? 0 : Math.floor(wr() * 2 * spec.gapMs));
  for (let i = 0; i < spec.history; i++) { adv(gap()); world.start({ finished: true }); }
  for (let i = 0; i < 3; i++) { adv(gap()); world.start(); }
  adv(1000);
  const w0 = warnings.length;
  const doPoll = async () => {
    res.polls++; world.newPoll();
    let items;
    const wBefore = warnings.length;
    try { items = await poller.poll(); } catch (e) {
      const msg = String(e.message) + ' ' + String(e.description || '');
      if (msg.includes(KEY)) res.keyLeak++;
      res.errors.push(`poll ${res.polls}: ${msg.slice(0, 300)}`);
      if (process.env.V) console.log(`poll ${res.polls}: ERROR ${msg.slice(0, 300)}`);
      return false;
    }
    for (const w of warnings.slice(wBefore)) if (w.includes(KEY)) res.keyLeak++;
    const ids = (items || []).map((it) => it.json.run_id);
    for (const id of ids) {
      count.set(id, (count.get(id) || 0) + 1); if (!firstPoll.has(id)) firstPoll.set(id, res.polls);
      if (process.env.T === id || (process.env.T && count.get(id) > 1)) console.log(`poll ${res.polls} emitted ${id} (x${count.get(id)})`, JSON.stringify(world.byId.get(id)));
    }
    res.emitted += ids.length;
    const saved = poller.savedStaticData();
    const st = saved['node:Vishwa Trigger'] && saved['node:Vishwa Trigger'].vishwaTrigger;
    if (st) {
      const size = JSON.stringify(st).length;
      res.maxState = Math.max(res.maxState, size); res.lost = st.lost || 0;
      const chk = (k, n) => { if (Array.isArray(st[k]) && st[k].length > n) res.stateBad.push(`${k} ${st[k].length}>${n} poll ${res.polls}`); };
      chk('done', 500); chk('pending', 300); chk('undated', 500); chk('hwmIds', 50); chk('unwatched', 300);
      if (size > 65536) res.stateBad.push(`size ${size} poll ${res.polls}`);
    }
    if (ids.length > 0) lastEmitSaved = saved;
    if (process.env.TP && st) { const u = (st.undated || []).find((x) => x[0] === process.env.TP); const d = (st.done || []).find((x) => x[0] === process.env.TP); console.log(`  poll ${res.polls} state: TP in undated ${JSON.stringify(u)} in done ${JSON.stringify(d)}; floor ${st.floor} hwm ${st.hwm} undated ${(st.undated || []).length} done ${(st.done || []).length} scan ${!!st.scan}`); }
    if (process.env.EP && st) console.log(`  poll ${res.polls} endProbe ${JSON.stringify(st.endProbe && { ...st.endProbe, ids: st.endProbe.ids && st.endProbe.ids.map((x) => x.slice(-4)) })} undatedLast ${st.undatedLast}`);
    res.perPoll.push([ids.length, world.listRequests - (res._lr || 0), world.statusRequests - (res._sr || 0)]); res._lr = world.listRequests; res._sr = world.statusRequests;
    if (process.env.V) console.log(`poll ${res.polls}: ${ids.length} emitted, lost ${res.lost}, state ${st ? JSON.stringify(st).length : 0}, list ${world.listRequests} status ${world.statusRequests}, runs ${world.runs.length}, scan ${st && st.scan ? 'yes' : 'no'}`);
    return true;
  };
  const preIds = new Set(world.runs.filter((r) => r.finishedAt !== null).map((r) => r.id));
  const knownBefore = new Set(world.runs.map((r) => r.id));
  const activated = await doPoll();
  // runs that started during the activation poll and finished by its end: grey zone (neither required nor forbidden)
  const grey = new Set(world.runs.filter((r) => !knownBefore.has(r.id) && r.finishedAt !== null).map((r) => r.id));
  if (!activated) { await server.close(); res.refused = res.errors[0]; return res; }
  for (let s = 0; s < spec.polls; s++) {
    const n = spec.fixed ? spec.perPoll : Math.floor(wr() * (spec.perPoll + 1));
    for (let i = 0; i < n; i++) { adv(gap()); world.start({ finished: spec.fixed ? true : wr() < 1 - (spec.runningShare ?? 0.5) }); }
    if (spec.burst && wr() < 0.3) { adv(1000); const at = Date.now(); for (let i = 0; i < spec.burst; i++) world.start({ finished: wr() < 0.6, at }); }
    adv(500);
    for (const x of world.runs) {
      if (x.deleted || x.finishedAt !== null) continue;
      if (x.queued && wr() < 0.5) { world.begin(x); continue; }
      if (wr() < (spec.finishP ?? 0.4)) world.finish(x);
    }
    if (spec.deletes && wr() < 0.2) { const live = world.sorted(); for (let i = 0; i < 3 && live.length; i++) live[Math.floor(wr() * live.length)].deleted = true; }
    if (spec.restarts && wr() < 0.15) poller.restart();
    if (spec.rollbacks && lastEmitSaved && wr() < (spec.rbP ?? 0.1)) { poller = await mk(lastEmitSaved); if (process.env.V) console.log('ROLLBACK to the state of the last poll that emitted'); }
    adv(1000);
    await doPoll();
  }
  // drain: everything finishes, no more churn
  world.spec.shiftAdd = 0; world.spec.shiftDel = 0;
  adv(1000);
  for (const x of world.runs) if (!x.deleted && x.finishedAt === null) { if (x.queued) world.begin(x); world.finish(x); }
  let quiet = 0;
  for (let i = 0; i < 60 && quiet < 3; i++) {
    adv(1000);
    const before = res.emitted;
    await doPoll();
    const st = (poller.savedStaticData()['node:Vishwa Trigger'] || {}).vishwaTrigger || {};
    if (res.emitted === before && !st.scan && !(st.pending && st.pending.length) && !(st.endProbe && st.endProbe.look)) quiet++; else quiet = 0;
  }
  // 17 more quiet polls so that the every-16-polls end look happens once more
  for (let i = 0; i < 17; i++) { adv(1000); await doPoll(); }
  for (const [id, c] of count) { if (c > 1) res.repeats.push(`${id}x${c}@${firstPoll.get(id)}`); if (preIds.has(id)) res.pre.push(id); }
  for (const x of world.runs) if (!x.deleted && !preIds.has(x.id) && !grey.has(x.id) && !count.has(x.id)) res.misses.push(x.id);
  res.grey = grey.size;
  if (process.env.MISS) for (const id of res.pre.slice(0, 5)) { const x = world.byId.get(id); console.log('PRE', JSON.stringify(x), 'emitted at poll', firstPoll.get(id)); }
  if (process.env.MISS) for (const id of res.misses.slice(0, 5)) { const x = world.byId.get(id); const same = world.runs.filter((r) => r.start !== null && r.start === x.start).length; console.log('MISSED', JSON.stringify(x), 'runs of that start time:', same, 'start iso', x.start && new Date(x.start).toISOString()); }
  if (process.env.FS) { const st = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger; const o = {}; for (const [k, v] of Object.entries(st)) o[k] = Array.isArray(v) ? `[${v.length}] ${JSON.stringify(v.slice(0, 3))}` : v; console.log('FINAL STATE', JSON.stringify(o)); }
  res.warnings = warnings.slice(w0);
  res.totalRuns = world.runs.length; res.listRequests = world.listRequests; res.statusRequests = world.statusRequests;
  await server.close();
  return res;
}
function verdict(r) {
  const bad = [];
  if (r.refused) return ['REFUSED: ' + r.refused.slice(0, 200)];
  if (r.repeats.length) bad.push(`REPEAT ${r.repeats.length} (${r.repeats.slice(0, 3)})`);
  if (r.pre.length) bad.push(`PRE-ACTIVATION ${r.pre.length} (${r.pre.slice(0, 2)})`);
  const vt = r.warnings.filter((w) => w.startsWith('Vishwa Trigger')).length;
  if (r.misses.length && (r.lost === 0 || vt === 0)) bad.push(`UNREPORTED-MISS ${r.misses.length} (${r.misses.slice(0, 2)})`);
  else if (r.misses.length) bad.push(`reported-miss ${r.misses.length} (lost ${r.lost})`);
  if (!r.misses.length && r.lost > 0) bad.push(`false-report lost ${r.lost}`);
  if (r.lost > 0 && vt === 0) bad.push('LOST-WITHOUT-WARNING');
  if (r.errors.length) bad.push(`ERRORS ${r.errors.length}: ${r.errors[0].slice(0, 200)}`);
  if (r.stateBad.length) bad.push(`STATE ${r.stateBad.slice(0, 2)}`);
  if (r.keyLeak) bad.push(`KEY-LEAK ${r.keyLeak}`);
  return bad;
}
module.exports = { scenario, verdict, BEHAVIOURS };
if (require.main === module) {
  (async () => {
    const beh = process.argv[2] || 'all';
    const first = Number(process.argv[3] || 1), n = Number(process.argv[4] || 5);
    const forced = process.argv[5] ? JSON.parse(process.argv[5]) : {};
    const tally = {};
    for (let seed = first; seed < first + n; seed++) {
      const t0 = realNow();
      const r = await scenario(seed, beh, forced);
      const v = verdict(r);
      const key = v.length ? v.map((x) => x.split(' ')[0].replace(/:$/, '')).join('+') : 'ok';
      tally[key] = (tally[key] || 0) + 1;
      const s = { ...r.spec };
      delete s.polls;
      console.log(`${beh} seed ${seed} ${JSON.stringify(s)} runs=${r.totalRuns} polls=${r.polls} emitted=${r.emitted} list=${r.listRequests} status=${r.statusRequests} lost=${r.lost} state=${r.maxState} ${realNow() - t0}ms: ${v.join('; ') || 'ok'}`);
      if (process.env.PP) console.log('   per poll [emitted,list,status]:', JSON.stringify(r.perPoll));
      if (v.length && r.warnings.length) console.log('   warnings:', r.warnings.slice(0, 3).map((w) => w.slice(0, 250)).join(' || '));
    }
    console.log('TALLY', beh, JSON.stringify(tally));
    process.exit(0);
  })();
}
