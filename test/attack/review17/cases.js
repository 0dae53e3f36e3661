'use strict';
// Review v17r: issue 14 cases 4 (Fetch Full Status vs the poll's budget) and 7 (404 on the listing route).
// node cases.js 4 [runsPerPoll] [budgetMs] [latencyMs]    node cases.js 7
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
Container.get(Logger).warn = (m) => warnings.push(String(m));
let skew = 0; const realNow = Date.now.bind(Date); Date.now = () => realNow() + skew;

async function mkPoller(server, options, budget, staticData = {}) {
  return harness.createPoller(
    { type: TYPES.vishwaTrigger, parameters: { flowId: 'flowA', options }, credentials: { vishwaApi: { id: 'c', name: 'Vishwa API' } } },
    { credentials: { vishwaApi: { apiKey: KEY, baseUrl: server.url } }, staticData, pollBudgetMs: budget });
}
async function case4(n = 200, budget = 1000, latency = 20) {
  const world = new World({}, rngOf(4));
  let failNext = 0; let statusAfterBudget = 0; let pollStart = 0; let budgetEnd = Infinity;
  const server = await serve(world, KEY, { latencyMs: latency, statusFail: () => { if (realNow() > budgetEnd) statusAfterBudget++; if (failNext > 0) { failNext--; return true; } return false; } });
  const poller = await mkPoller(server, { fetchFullStatus: true }, budget);
  for (let i = 0; i < 10; i++) { skew += 1000; world.start({ finished: true }); }
  await poller.poll();
  const seen = new Map();
  for (let p = 1; p <= 4; p++) {
    for (let i = 0; i < n; i++) { skew += 100; world.start({ finished: true }); }
    skew += 1000;
    failNext = p === 2 ? 1 : 0; // one status request fails in poll 2
    const s0 = world.statusRequests, l0 = world.listRequests; statusAfterBudget = 0;
    pollStart = realNow(); budgetEnd = pollStart + budget;
    let items, err;
    try { items = await poller.poll(); } catch (e) { err = e.message; }
    const took = realNow() - pollStart;
    const full = (items || []).filter((it) => !('full_status_error' in it.json)).length;
    const errs = (items || []).filter((it) => 'full_status_error' in it.json);
    for (const it of items || []) seen.set(it.json.run_id, (seen.get(it.json.run_id) || 0) + 1);
    console.log(`poll ${p}: ${err ? 'ERROR ' + err : (items || []).length + ' items'}, ${full} with full status, ${errs.length} with full_status_error (${errs.slice(0, 1).map((e) => e.json.full_status_error).join()}), list ${world.listRequests - l0}, status ${world.statusRequests - s0} (${statusAfterBudget} sent after the budget), took ${took} ms of a ${budget} ms budget`);
  }
  console.log('repeats:', [...seen.values()].filter((c) => c > 1).length, 'keys in warnings:', warnings.filter((w) => w.includes(KEY)).length);
  await server.close();
}
async function case7() {
  const world = new World({}, rngOf(7));
  for (let i = 0; i < 5; i++) world.start({ finished: true });
  const server = await serve(world, KEY, { listing404: true });
  const poller = await mkPoller(server, {}, undefined);
  try { await poller.poll(); console.log('no error!'); } catch (e) { console.log('message:', e.message); console.log('description:', e.description); console.log('key leaked:', String(e.message + e.description).includes(KEY)); }
  await server.close();
}
(async () => {
  const c = process.argv[2];
  if (c === '4') await case4(Number(process.argv[3] || 200), Number(process.argv[4] || 1000), Number(process.argv[5] || 20));
  else if (c === '7') await case7();
  process.exit(0);
})();
