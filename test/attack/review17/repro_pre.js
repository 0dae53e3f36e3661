'use strict';
// Review v17r F2: nulls-first listing (no start time on runs that failed before they started), runs deleted at
// the top between the page requests of the ACTIVATION poll; a later poll emits a run that finished before
// activation. node repro_pre.js <dated> <nullBlock> <pageSize> <maxDeletePerRequest> <probability> <seed>
// env GROW=<n>: n more runs that fail before they start are added before poll 2 (after activation).
// (before each page request after the first of the activation poll, with <probability>, 1..max of the newest runs are deleted)
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
(async () => {
  const [dated, block, pageSize, del] = process.argv.slice(2, 6).map(Number);
  const prob = Number(process.argv[6] ?? 1); const drng = rngOf(Number(process.argv[7] ?? 1)); const activationOnly = true;
  const world = new World({ nulls: 'first', nullKind: process.env.NK || 'null', cap: process.env.CAP === 'random' ? 'random' : (process.env.CAP ? Number(process.env.CAP) : null) }, rngOf(1));
  const t0 = Date.now() - 3600e3;
  for (let i = 0; i < dated; i++) world.start({ finished: true, at: t0 + i * 1000, status: 'completed' });
  for (let i = 0; i < block; i++) world.start({ at: t0 + dated * 1000 + i * 1000, failBeforeStart: true });
  const pre = new Set(world.runs.map((r) => r.id));
  let poll = 0; const deletedIds = [];
  world.hook = () => {
    if (activationOnly && poll !== 1) return;
    if (drng() >= prob) return;
    const k = 1 + Math.floor(drng() * del);
    const s = world.sorted();
    for (let i = 0; i < k && i < s.length; i++) { s[i].deleted = true; deletedIds.push(s[i].id); }
  };
  const server = await serve(world, KEY, {});
  const poller = await harness.createPoller(
    { type: TYPES.vishwaTrigger, parameters: { flowId: 'flowA', options: { pageSize } }, credentials: { vishwaApi: { id: 'c', name: 'Vishwa API' } } },
    { credentials: { vishwaApi: { apiKey: KEY, baseUrl: server.url } } });
  const bad = [];
  for (poll = 1; poll <= 3; poll++) {
    if (poll === 2 && process.env.GROW) for (let i = 0; i < Number(process.env.GROW); i++) world.start({ failBeforeStart: true });
    world.newPoll();
    const l0 = world.listRequests;
    let items;
    try { items = await poller.poll(); } catch (e) { console.log(`poll ${poll}: ERROR ${e.message}`); continue; }
    const ids = (items || []).map((it) => it.json.run_id);
    const preEmitted = ids.filter((id) => pre.has(id));
    bad.push(...preEmitted);
    const st = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
    console.log(`poll ${poll}: ${world.listRequests - l0} list requests, ${ids.length} emitted, of which ${preEmitted.length} finished before activation (${preEmitted.map((id) => (world.byId.get(id).deleted ? 'deleted since ' : '') + 'seq ' + world.byId.get(id).seq).join(', ')}), lost ${st.lost || 0}`);
  }
  console.log(`deleted during activation: ${deletedIds.length}; warnings: ${warnings.length ? warnings.map((w) => w.slice(0, 200)).join(' | ') : 'none'}`);
  console.log(bad.length ? `DEFECT: ${bad.length} run(s) from before activation emitted` : 'ok');
  await server.close();
  process.exit(0);
})();
