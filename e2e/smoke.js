#!/usr/bin/env node
'use strict';
// Smoke test of the real-n8n recipe (no Vishwa code involved):
//   node e2e/smoke.js [v1] [v2] [--install] [--keep]
// For each version (default: both): a fresh user folder, import a trivial workflow
// (Manual Trigger -> Set with expressions -> No Operation), `n8n execute --id`, check the output;
// then `n8n start`, wait for /healthz/readiness, measure time and memory, stop.
// --install runs e2e/install-n8n.sh first (a no-op when cached); otherwise a version that is not
// installed is an error. --keep leaves the user folders in the temp dir for inspection.
const fs = require('fs');
const os = require('os');
const path = require('path');
const n8n = require('./lib/n8n');

const args = process.argv.slice(2);
const versions = args.filter((a) => n8n.VERSIONS.includes(a));
const install = args.includes('--install');
const keep = args.includes('--keep');

const WORKFLOW_ID = 'e2eSmokeWf01';
const workflow = {
  id: WORKFLOW_ID,
  name: 'e2e smoke',
  active: false,
  settings: { executionOrder: 'v1' },
  nodes: [
    { id: '5f0c3c1e-0000-4000-8000-000000000001', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
    {
      id: '5f0c3c1e-0000-4000-8000-000000000002',
      name: 'Set',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [220, 0],
      parameters: {
        mode: 'manual',
        assignments: {
          assignments: [
            { id: 'a1', name: 'sum', value: '={{ 1 + 2 }}', type: 'number' },
            { id: 'a2', name: 'mode', value: '={{ $execution.mode }}', type: 'string' },
            { id: 'a3', name: 'greeting', value: 'hello', type: 'string' },
          ],
        },
        options: {},
      },
    },
    { id: '5f0c3c1e-0000-4000-8000-000000000003', name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0], parameters: {} },
  ],
  connections: {
    Manual: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
    Set: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] },
  },
};

const mb = (kb) => `${Math.round(kb / 1024)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function smoke(version) {
  const paths = install ? n8n.ensureInstalled(version) : n8n.n8nPaths(version);
  if (!paths.installed) throw new Error(`n8n ${version} not installed: run e2e/install-n8n.sh ${version} (or pass --install)`);
  const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-smoke-${version}-`));
  const port = await n8n.freePort();
  const brokerPort = await n8n.freePort();
  const inst = n8n.createInstance({ version, userFolder, port, brokerPort });
  const m = { version };
  try {
    const ver = await n8n.runCli(version, ['--version'], inst.env);
    m.n8nVersion = ver.stdout.trim().split('\n').pop();
    m.nodeVersion = require('child_process').execFileSync(inst.paths.nodeBin, ['--version'], { encoding: 'utf8' }).trim();

    const imp = await n8n.importWorkflows(inst, [workflow], { sampleMemory: true });
    m.importMs = imp.durationMs; // first command on a fresh folder: creates the DB, runs all migrations

    const exec = await n8n.executeWorkflow(inst, WORKFLOW_ID, { sampleMemory: true });
    m.executeMs = exec.durationMs;
    if (!exec.ok) throw new Error(`execute failed (exit ${exec.code}): ${exec.error ? exec.error.message : ''}\n${exec.output.slice(-3000)}`);
    const out = n8n.nodeOutput(exec, 'NoOp');
    const expected = { sum: 3, mode: 'production', greeting: 'hello' }; // $execution.mode is 'production' for CLI runs
    if (out.length !== 1 || JSON.stringify(out[0]) !== JSON.stringify(expected)) {
      throw new Error(`unexpected NoOp output ${JSON.stringify(out)}, expected [${JSON.stringify(expected)}]`);
    }
    if (exec.result.status !== 'success' || exec.lastNodeExecuted !== 'NoOp') throw new Error(`status ${exec.result.status}, last node ${exec.lastNodeExecuted}`);
    m.executePeakRss = mb(exec.peakRssKb);

    const srv = await n8n.startN8n(inst, { timeoutMs: 120000 });
    m.healthzMs = srv.healthzMs;
    m.readyMs = srv.readyMs;
    await new Promise((r) => setTimeout(r, 3000)); // let it settle (task runner, pools)
    m.startRss = mb(n8n.processTreeRssKb(srv.pid));
    const stop = await n8n.stopN8n(srv);
    m.stopMs = stop.stopMs;
    m.stopExit = stop.signal || stop.code;
    return m;
  } finally {
    if (keep) console.log(`[${version}] user folder kept: ${userFolder}`);
    else fs.rmSync(userFolder, { recursive: true, force: true });
  }
}

(async () => {
  const list = versions.length ? versions : n8n.VERSIONS;
  const results = [];
  let failed = false;
  for (const version of list) {
    const t0 = Date.now();
    try {
      const m = await smoke(version);
      m.totalMs = Date.now() - t0;
      results.push(m);
      console.log(`[${version}] OK  n8n ${m.n8nVersion} on Node ${m.nodeVersion}
  import:workflow (fresh DB + migrations) ${s(m.importMs)}
  execute --id                            ${s(m.executeMs)}, peak RSS ${m.executePeakRss} (process tree)
  start: /healthz ${s(m.healthzMs)}, /healthz/readiness ${s(m.readyMs)}, RSS ${m.startRss} (process tree, after ready+3s)
  stop (SIGTERM)                          ${s(m.stopMs)} (exit ${m.stopExit})
  total                                   ${s(m.totalMs)}`);
    } catch (err) {
      failed = true;
      console.error(`[${version}] FAILED: ${err.stack || err}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
