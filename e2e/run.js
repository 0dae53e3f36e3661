#!/usr/bin/env node
'use strict';
// End-to-end tests in a real n8n: `npm run e2e` (both versions), `node e2e/run.js --only v2`.
//
// For each n8n version (one after the other: each n8n process takes 0.3-0.9 GB and most of a core):
//   install n8n into its cache folder if needed (e2e/install-n8n.sh), install the `npm pack`
//   tarball of this package under <user folder>/.n8n/nodes/node_modules as n8n's community-package
//   installer does, import a Vishwa credential pointing at the stand-in and the examples/*.json
//   workflows (plus a few e2e-only ones), run them with `n8n execute`, check their outputs; then
//   activate the scheduled pipeline (and the trigger example) and check them under `n8n start`,
//   together with the credential's Test button (POST /rest/credentials/test).
//   AI agents: the AI Agent example runs with a scripted OpenAI stand-in as its model
//   (e2e/lib/agent.js); the MCP Server Trigger example is activated and driven by the official MCP
//   client SDK under `n8n start` (e2e/lib/mcp.js).
// Every request the stand-in received must carry the API key in the XP-API-Key header and nowhere
// else: the nodes call httpRequestWithAuthentication, so only the credential's `authenticate`
// block can have put it there. A second credential's Base URL answers every request with a redirect
// to another origin (a recording server): Get Status and the credential Test must fail with the
// redirect message, and nothing may reach the recording server (issue 20).
//
// Options: --only v1|v2 (repeatable), --no-build (dist/ is fresh, e.g. right after `npm test`'s
// build), --keep (leave the n8n user folders), --no-trigger (skip the trigger case),
// --only-active (skip the `n8n execute` cases: for working on the trigger and schedule cases).
// Exit code: 0 all passed, 1 a case failed (its n8n output is printed), 2 bad usage.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { cleanNpmEnv, runNpm } = require('./lib/npm');
const n8n = require('./lib/n8n');
const vishwa = require('./lib/vishwa');
const mcp = require('./lib/mcp');
const agent = require('./lib/agent');
const { startStandin } = require('../test/standin/server');
const { startFaultyProxy, startRecordingServer } = require('../test/support/faultyProxy');

const REPO = vishwa.REPO;

function parseArgs(argv) {
  const opts = { versions: [], build: true, keep: false, trigger: true };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--only') opts.versions.push(argv[++i]);
    else if (a.startsWith('--only=')) opts.versions.push(a.slice(7));
    else if (a === '--no-build') opts.build = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--no-trigger') opts.trigger = false;
    else if (a === '--only-active') opts.onlyActive = true;
    else if (n8n.VERSIONS.includes(a)) opts.versions.push(a);
    else throw new Error(`unknown argument ${a}`);
  }
  for (const v of opts.versions) if (!n8n.VERSIONS.includes(v)) throw new Error(`--only takes ${n8n.VERSIONS.join(' or ')}, got ${v}`);
  if (!opts.versions.length) opts.versions = [...n8n.VERSIONS];
  return opts;
}

const TEMP_DIRS = new Set(); // removed on SIGINT too
let INTERRUPTED = false; // SIGINT/SIGTERM: run no further case
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg) => process.stdout.write(`${msg}\n`);
const tail = (text, lines = 80) => String(text || '').split('\n').slice(-lines).join('\n');

class CaseFailure extends Error {
  constructor(message, n8nOutput) { super(message); this.n8nOutput = n8nOutput; }
}
function check(cond, message, n8nOutput) {
  if (!cond) throw new CaseFailure(message, n8nOutput);
}
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn, timeoutMs, n8nOutput) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new CaseFailure(`timed out after ${secs(timeoutMs)} waiting for ${what}`, n8nOutput && n8nOutput());
    await wait(500);
  }
}

// ---------- workflows the e2e adds to the examples ----------

const CRED = { vishwaApi: { id: vishwa.CREDENTIAL_ID, name: vishwa.CREDENTIAL_NAME } };
const manualTrigger = (id) => ({ id, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 200], parameters: {} });
const vishwaNode = (id, name, parameters, x) => ({ id, name, type: 'n8n-nodes-vishwa.vishwa', typeVersion: 1, position: [x, 0], parameters, credentials: CRED });
const link = (to) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
const uuid = (n) => `e2e00000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function statusWorkflow() {
  return {
    id: 'e2e-get-status',
    name: 'e2e: start a run, get its status',
    nodes: [
      manualTrigger(uuid(1)),
      vishwaNode(uuid(2), 'Start Run', { resource: 'run', operation: 'start', flowId: 'flow-slow', specifyInputs: 'json', inputsJson: '{"topic": "status"}', options: {} }, 0),
      vishwaNode(uuid(3), 'Get Status', { resource: 'run', operation: 'getStatus', flowId: 'flow-slow', runId: '={{ $json.run_id }}', options: {} }, 220),
    ],
    connections: { Start: link('Start Run'), 'Start Run': link('Get Status') },
    settings: { executionOrder: 'v1' },
  };
}

const REDIRECT_CRED = { vishwaApi: { id: 'vishwa-redirect', name: 'Vishwa API (redirects elsewhere)' } };

/** Get Status through a credential whose Base URL redirects every request to another origin. */
function redirectWorkflow() {
  const status = vishwaNode(uuid(32), 'Get Status', { resource: 'run', operation: 'getStatus', flowId: 'flow-slow', runId: 'run_e2e_redirect', options: {} }, 0);
  status.credentials = REDIRECT_CRED;
  return {
    id: 'e2e-redirect',
    name: 'e2e: get status behind a Base URL that redirects to another origin',
    nodes: [manualTrigger(uuid(31)), status],
    connections: { Start: link('Get Status') },
    settings: { executionOrder: 'v1' },
  };
}

function errorWorkflow() {
  return {
    id: 'e2e-error-path',
    name: 'e2e: start a run of a flow that does not exist',
    nodes: [
      manualTrigger(uuid(11)),
      vishwaNode(uuid(12), 'Start Run', { resource: 'run', operation: 'start', flowId: 'flow-e2e-missing', specifyInputs: 'json', inputsJson: '{}', options: {} }, 0),
    ],
    connections: { Start: link('Start Run') },
    settings: { executionOrder: 'v1' },
  };
}

/**
 * Issue 13: "On Error: Continue (using error output)" with a good and a bad item (Set -> Split Out
 * makes the two items): n8n itself must route the good one to the success branch and the bad one to
 * the error branch, each paired with its input item.
 */
function errorOutputWorkflow({ id = 'e2e-error-output', name = 'e2e: error output routes the bad item', settings = { onError: 'continueErrorOutput' }, n = 20 } = {}) {
  const noOp = (id, name, y) => ({ id, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, y], parameters: {} });
  return {
    id,
    name,
    nodes: [
      manualTrigger(uuid(n + 1)),
      { id: uuid(n + 2), name: 'Two Flows', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [-120, 0],
        parameters: { mode: 'raw', jsonOutput: '{"flows": [{"flow": "flow-ok", "tag": "good"}, {"flow": "flow-e2e-missing", "tag": "bad"}]}', options: {} } },
      { id: uuid(n + 3), name: 'One Item Each', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [0, 0],
        parameters: { fieldToSplitOut: 'flows', options: {} } },
      { ...vishwaNode(uuid(n + 4), 'Start Run', { resource: 'run', operation: 'start', flowId: '={{ $json.flow }}', options: {} }, 220),
        ...settings },
      noOp(uuid(n + 5), 'Succeeded', -100),
      noOp(uuid(n + 6), 'Failed', 100),
    ],
    connections: {
      Start: link('Two Flows'),
      'Two Flows': link('One Item Each'),
      'One Item Each': link('Start Run'),
      'Start Run': { main: [[{ node: 'Succeeded', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]] },
    },
    settings: { executionOrder: 'v1' },
  };
}

const TRICKLE_CRED = { vishwaApi: { id: 'vishwa-trickle', name: 'Vishwa API (answers trickle in)' } };

/**
 * A Vishwa that never finishes an answer: every request gets a status line and the start of a JSON
 * body, then a space every 100 ms. Counts the connections open at once (each request comes on its
 * own connection: n8n builds a new HTTP agent per request).
 */
async function startTrickler() {
  const http = require('http');
  const state = { open: 0, peak: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    state.open += 1;
    state.peak = Math.max(state.peak, state.open);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"run_status":');
    const timer = setInterval(() => res.write(' '), 100);
    res.on('close', () => {
      clearInterval(timer);
      state.open -= 1;
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${server.address().port}`,
    reset() { Object.assign(state, { peak: state.open, requests: 0 }); },
    async close() { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); },
  };
}

/**
 * Wait for Completion on 5 runs of a Vishwa whose answers trickle in: Concurrency 2, Request
 * Timeout 0.5 s, Maximum Wait 3 s, Continue On Fail. Each status request is given up at 0.5 s;
 * the per-attempt abort must close its connection, so at most 2 are ever open at the server.
 */
function trickleWorkflow() {
  const wait = vishwaNode(uuid(52), 'Wait', { resource: 'run', operation: 'waitForCompletion', flowId: 'flow-t', runId: '={{ $json.run }}',
    waitOptions: { pollInterval: 0.2, maxWait: 3 }, options: { concurrency: 2, timeout: 500 } }, 220);
  wait.credentials = TRICKLE_CRED;
  wait.onError = 'continueRegularOutput';
  return {
    id: 'e2e-trickle',
    name: 'e2e: status answers that trickle in are closed at the Request Timeout',
    nodes: [
      manualTrigger(uuid(50)),
      { id: uuid(51), name: 'Five Runs', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [0, 0],
        parameters: { mode: 'raw', jsonOutput: '{"runs": [{"run": "run_t1"}, {"run": "run_t2"}, {"run": "run_t3"}, {"run": "run_t4"}, {"run": "run_t5"}]}', options: {} } },
      { id: uuid(53), name: 'One Item Each', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [110, 0],
        parameters: { fieldToSplitOut: 'runs', options: {} } },
      wait,
    ],
    connections: { Start: link('Five Runs'), 'Five Runs': link('One Item Each'), 'One Item Each': link('Wait') },
    settings: { executionOrder: 'v1' },
  };
}

/** The scheduled example, runnable by `n8n execute` (which starts at a Manual Trigger only). */
function scheduleOnce(example, id, flowId) {
  const wf = JSON.parse(JSON.stringify(example));
  wf.id = id;
  wf.name = `${wf.name} (e2e ${flowId})`;
  const first = wf.connections['Every Hour'].main[0][0].node;
  wf.nodes.find((node) => node.name === first).parameters.flowId = flowId;
  wf.nodes.push(manualTrigger(uuid(21)));
  wf.connections.Start = link(first);
  return wf;
}

/** The scheduled example as it runs when active, but every 10 s on its own flow. */
function scheduleLive(example) {
  const wf = JSON.parse(JSON.stringify(example));
  wf.id = 'e2e-schedule-live';
  wf.name = `${wf.name} (e2e, every 10 s)`;
  wf.nodes.find((node) => node.name === 'Every Hour').parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 10 }] };
  wf.nodes.find((node) => node.name === 'Start Run and Wait').parameters.flowId = 'flow-e2e-schedule';
  return wf;
}

/** Same key as the stand-in credential, Base URL the redirecting proxy. */
function redirectCredential(standin, redirector) {
  return { ...REDIRECT_CRED.vishwaApi, type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: redirector.url } };
}

// ---------- one n8n version ----------

async function runVersion(version, ctx) {
  const { standin, tgz, opts, results, redirector, elsewhere, trickler } = ctx;
  const label = (name) => `${version} ${name}`;
  let currentOutput = '';
  async function runCase(name, fn) {
    if (INTERRUPTED) return false;
    const t0 = Date.now();
    try {
      const note = await fn();
      results.push({ name: label(name), ok: true, ms: Date.now() - t0, note });
      log(`  ok   ${label(name)} (${secs(Date.now() - t0)})${note ? `: ${note}` : ''}`);
      return true;
    } catch (err) {
      results.push({ name: label(name), ok: false, ms: Date.now() - t0, err });
      log(`  FAIL ${label(name)} (${secs(Date.now() - t0)}): ${err.message}`);
      const out = err.n8nOutput !== undefined ? err.n8nOutput : currentOutput;
      if (out) log(`  ---- n8n output (last lines) ----\n${tail(out).replace(/^/gm, '  | ')}\n  ---- end of n8n output ----`);
      return false;
    }
  }
  function skip(name, why) {
    results.push({ name: label(name), ok: true, skipped: why });
    log(`  SKIP ${label(name)}: ${why}`);
  }

  const t0 = Date.now();
  const paths = await ctx.installs[version]; // cold: ~9 min; warm: 0.1 s
  log(`${version}: n8n ready at ${paths.dir} (waited ${secs(Date.now() - t0)} for its install)`);
  const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `vishwa-e2e-${version}-`));
  if (!opts.keep) TEMP_DIRS.add(userFolder);
  const inst = n8n.createInstance({ version, userFolder, port: await n8n.freePort(), brokerPort: await n8n.freePort() });
  standin.reset(); // nothing from the previous version's runs, files or requests
  const requestsFrom = standin.state.requests.length ? standin.state.requests[standin.state.requests.length - 1].seq : 0;
  let srv = null;
  const model = await agent.startModel(); // the AI Agent example's scripted chat model
  try {
    const examples = vishwa.loadExamples();
    const byFile = (f) => {
      const wf = examples.find((w) => w.file === f);
      if (!wf) throw new Error(`examples/${f} is missing`);
      return wf;
    };
    const uploadEx = byFile('upload-then-start-and-wait.json');
    const attachEx = byFile('attach-files-and-wait.json');
    const scheduleEx = byFile('scheduled-pipeline.json');
    const triggerEx = examples.find((w) => w.file === 'trigger-to-downstream.json');
    const mcpEx = byFile(mcp.EXAMPLE_FILE);
    const agentEx = byFile(agent.EXAMPLE_FILE);
    const wrongKey = `wrong-e2e-${crypto.randomBytes(12).toString('hex')}`; // never the stand-in's key

    const setupOk = await runCase('load the package, import credential and workflows', async () => {
      const pkg = n8n.installPackageTarball(inst.userFolder, tgz);
      check(pkg.dir.endsWith(path.join('.n8n', 'nodes', 'node_modules', 'n8n-nodes-vishwa')), `package laid out at ${pkg.dir}`);
      await n8n.importCredentials(inst, [vishwa.standinCredential(standin), redirectCredential(standin, redirector),
        mcp.wrongKeyCredential(standin, wrongKey), agent.openAiCredential(model),
        { ...TRICKLE_CRED.vishwaApi, type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: trickler.url } }]);
      const extra = [statusWorkflow(), errorWorkflow(), errorOutputWorkflow(), redirectWorkflow(), trickleWorkflow(),
        errorOutputWorkflow({ id: 'e2e-retry-on-fail', name: 'e2e: Retry On Fail starts no run twice', settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 100 }, n: 40 }),
        scheduleOnce(scheduleEx, 'e2e-schedule-ok', 'flow-ok'),
        scheduleOnce(scheduleEx, 'e2e-schedule-fail', 'flow-fail'), scheduleLive(scheduleEx),
        mcp.mcpWorkflow(mcpEx), agent.agentWorkflow(agentEx)];
      if (triggerEx) extra.push(triggerLive(triggerEx));
      const all = [...examples, ...extra].map(({ file, ...wf }) => wf); // eslint-disable-line no-unused-vars
      await n8n.importWorkflows(inst, all);
      return `n8n-nodes-vishwa ${pkg.version}, ${all.length} workflows`;
    });
    if (!setupOk) return;

    if (opts.onlyActive) skip('n8n execute cases', '--only-active');
    const exec = async (id) => {
      const r = await n8n.executeWorkflow(inst, id);
      currentOutput = r.output;
      return r;
    };

    if (!opts.onlyActive) await runCase('example: upload a file, start a run using it, wait', async () => {
      const before = standin.state.runs.length;
      const r = await exec(uploadEx.id);
      check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
      const up = n8n.nodeOutput(r, 'Upload Notes');
      check(up.length === 1 && Array.isArray(up[0].files) && up[0].files.length === 1, `Upload Notes output ${JSON.stringify(up)}`);
      const file = up[0].files[0];
      const stored = standin.state.files.find((f) => f.file_id === file.file_id);
      const notes = 'Meeting notes\n- ship v1 on Friday\n- hire one more engineer\n';
      check(stored && stored.file_name === 'notes.txt' && stored.size === Buffer.byteLength(notes)
        && stored.sha256 === crypto.createHash('sha256').update(notes).digest('hex'), `stored file ${JSON.stringify(stored)} is not the notes text`);
      const out = n8n.nodeOutput(r, 'Start Run and Wait');
      check(out.length === 1 && out[0].run_status === 'completed', `Start Run and Wait output ${JSON.stringify(out)}`);
      check(out[0].outputs && out[0].outputs.document === file.url && out[0].outputs.question === 'Summarise the attached notes',
        `run outputs ${JSON.stringify(out[0].outputs)} do not echo the question and the file URL ${file.url}`);
      const newRuns = standin.state.runs.slice(before);
      check(newRuns.length === 1 && newRuns[0].flowId === 'flow-ok', `expected 1 new run of flow-ok, got ${JSON.stringify(newRuns.map((x) => x.flowId))}`);
      return `${file.file_id} -> ${out[0].run_id} ${out[0].run_status}`;
    });

    if (!opts.onlyActive) await runCase('example: attach a file to a run and wait', async () => {
      const r = await exec(attachEx.id);
      check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
      const out = n8n.nodeOutput(r, 'Start Run with Report');
      check(out.length === 1 && out[0].run_status === 'completed', `output ${JSON.stringify(out)}`);
      check(Array.isArray(out[0].attachedFiles) && out[0].attachedFiles.length === 1 && out[0].outputs.document === out[0].attachedFiles[0].upload.url,
        `attachedFiles/outputs ${JSON.stringify(out[0])}`);
      return `${out[0].run_id} ${out[0].run_status}`;
    });

    if (!opts.onlyActive) await runCase('get status of a started run', async () => {
      const r = await exec('e2e-get-status');
      check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
      const started = n8n.nodeOutput(r, 'Start Run');
      const status = n8n.nodeOutput(r, 'Get Status');
      check(started.length === 1 && /^run_\d+$/.test(started[0].run_id), `Start Run output ${JSON.stringify(started)}`);
      check(status.length === 1 && status[0].run_id === started[0].run_id && ['queued', 'running'].includes(status[0].run_status),
        `Get Status output ${JSON.stringify(status)} (flow-slow runs 5 s, so queued or running)`);
      const asked = standin.state.requests.filter((q) => q.route === 'status' && q.path === `/v1/workflow/flow-slow/run/${started[0].run_id}/status`);
      check(asked.length === 1, `stand-in saw ${asked.length} status requests for ${started[0].run_id}`);
      return `${status[0].run_id} ${status[0].run_status}`;
    });

    if (!opts.onlyActive) await runCase('error path: unknown flow fails the execution with a clear message', async () => {
      const r = await exec('e2e-error-path');
      check(!r.ok && r.code !== 0, `expected a failed execution, got exit ${r.code}`, r.output);
      const msg = r.error && r.error.message;
      check(msg === 'Flow "flow-e2e-missing" was not found', `error message ${JSON.stringify(msg)}`, r.output);
      check(r.lastNodeExecuted === 'Start Run', `last node ${r.lastNodeExecuted}`, r.output);
      check(!r.output.includes(standin.apiKey), 'the API key appears in n8n\'s output', '');
      return `exit ${r.code}: ${msg}`;
    });

    if (!opts.onlyActive) await runCase('redirect to another origin: Get Status fails naming it, nothing reaches it', async () => {
      elsewhere.requests.length = 0;
      redirector.log.length = 0;
      const r = await exec('e2e-redirect');
      check(!r.ok && r.code !== 0, `expected a failed execution, got exit ${r.code}`, r.output);
      const target = `${elsewhere.url}/v1/workflow/flow-slow/run/run_e2e_redirect/status`;
      const expected = `The request to get the status of run "run_e2e_redirect" was redirected to another origin (HTTP 302 to ${target}); the API key is not sent there`;
      const msg = r.error && r.error.message;
      check(msg === expected, `error message ${JSON.stringify(msg)}, expected ${JSON.stringify(expected)}`, r.output);
      check(redirector.log.length === 1, `the redirecting Base URL saw ${redirector.log.length} requests (expected 1: not retried)`, r.output);
      check(elsewhere.requests.length === 0, `the other origin received ${elsewhere.requests.length} request(s)${elsewhere.carriedKey(standin.apiKey) ? ' WITH THE API KEY' : ''}`, '');
      check(!r.output.includes(standin.apiKey), 'the API key appears in the n8n output', '');
      return `exit ${r.code}: ${msg}`;
    });

    if (!opts.onlyActive) await runCase('trickling status answers: each attempt closes its connection when given up (Concurrency 2)', async () => {
      trickler.reset();
      const r = await exec('e2e-trickle');
      check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
      const out = n8n.nodeOutput(r, 'Wait');
      check(out.length === 5 && out.every((json) => /did not finish within 3 s/.test(json.error)),
        `Wait output ${JSON.stringify(out.map((json) => json.error))}`, r.output);
      const { requests, peak } = trickler.state;
      // Without the per-attempt abort, each abandoned request stays open: 8 or more at once.
      check(requests > 2 && peak <= 2, `the trickling server saw ${requests} requests, ${peak} open at once (expected more than 2, at most 2 open)`, r.output);
      return `${requests} status requests, at most ${peak} open at once`;
    });

    if (!opts.onlyActive) await runCase('error output: good item on the success branch, bad one on the error branch, paired', async () => {
      const before = standin.state.runsOf('flow-ok').length;
      const r = await exec('e2e-error-output');
      check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
      const runs = r.runData['Start Run'];
      const main = (runs && runs[0].data && runs[0].data.main) || [];
      const [good, bad] = [main[0] || [], main[1] || []];
      check(good.length === 1 && /^run_\d+$/.test(good[0].json.run_id) && good[0].pairedItem && good[0].pairedItem.item === 0,
        `success output ${JSON.stringify(good)}`, r.output);
      check(bad.length === 1 && bad[0].pairedItem && bad[0].pairedItem.item === 1 && bad[0].json.tag === 'bad'
        && bad[0].json.error && bad[0].json.error.message === 'Flow "flow-e2e-missing" was not found' && bad[0].json.error.httpCode === 404,
        `error output ${JSON.stringify(bad)}`, r.output);
      const reached = (name) => ((r.runData[name] || [])[0] || {}).data;
      check(reached('Succeeded') && reached('Failed'), `branches that ran: ${Object.keys(r.runData).join(', ')}`, r.output);
      check(n8n.nodeOutput(r, 'Failed').length === 1 && n8n.nodeOutput(r, 'Succeeded').length === 1, 'each branch got one item', r.output);
      check(standin.state.runsOf('flow-ok').length === before + 1, 'expected exactly one new run of flow-ok', r.output);
      return `success: ${good[0].json.run_id}; error: ${bad[0].json.error.httpCode} ${bad[0].json.error.message}`;
    });

    if (!opts.onlyActive) await runCase('Retry On Fail: the node is tried twice, the good item\'s run is started once', async () => {
      const okBefore = standin.state.runsOf('flow-ok').length;
      const asked = () => standin.state.requests.filter((q) => q.path === '/v1/workflow/flow-e2e-missing/start-run').length;
      const askedBefore = asked();
      const r = await exec('e2e-retry-on-fail');
      check(!r.ok, 'expected the execution to fail (the unknown flow fails every try)', r.output);
      check(r.error && r.error.message === 'Flow "flow-e2e-missing" was not found', `error ${JSON.stringify(r.error && r.error.message)}`, r.output);
      check(asked() - askedBefore === 2, `n8n tried ${asked() - askedBefore} times (maxTries 2)`, r.output);
      check(standin.state.runsOf('flow-ok').length === okBefore + 1, `runs of flow-ok started: ${standin.state.runsOf('flow-ok').length - okBefore}`, r.output);
      return '2 tries, 1 run of the good flow';
    });

    if (!opts.onlyActive) await runCase('scheduled pipeline (run once): success branch', async () => {
      const r = await exec('e2e-schedule-ok');
      check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
      const used = n8n.nodeOutput(r, 'Use Outputs');
      check(used.length === 1 && /^run_\d+$/.test(used[0].run_id) && used[0].outputs.source === 'n8n schedule', `Use Outputs ${JSON.stringify(used)}`);
      check(!r.runData['Report Failed Run'], 'the failure branch ran too');
      return `${used[0].run_id} -> Use Outputs`;
    });

    if (!opts.onlyActive) await runCase('scheduled pipeline (run once): failure branch', async () => {
      const r = await exec('e2e-schedule-fail');
      check(!r.ok && r.code !== 0, `expected the execution to fail, exit ${r.code}`, r.output);
      const msg = r.error && r.error.message;
      check(/^Vishwa run run_\d+ ended with status "failed": Flow failed \(stand-in\)$/.test(msg || ''), `error ${JSON.stringify(msg)}`, r.output);
      check(r.lastNodeExecuted === 'Report Failed Run' && !r.runData['Use Outputs'], `last node ${r.lastNodeExecuted}`, r.output);
      return msg;
    });

    if (!opts.onlyActive) await agent.agentCase({ runCase, check, exec, standin, model, example: agentEx });

    // ---- under `n8n start`: active workflows and the REST API ----
    const activate = async (id) => {
      const args = version === 'v1' ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];
      const res = await n8n.runCli(version, args, inst.env);
      currentOutput = res.output;
      check(res.code === 0, `n8n ${args.join(' ')} exited ${res.code}`, res.output);
    };
    const triggerReady = triggerImplemented();
    const triggerWanted = opts.trigger && triggerEx && triggerReady === true;
    let triggerBefore = null;

    const started = await runCase('n8n start with the scheduled pipeline active', async () => {
      standin.state.setFlow({ id: 'flow-e2e-schedule', durationMs: 300 });
      standin.state.setFlow({ id: 'flow-e2e-trigger', durationMs: 300 });
      standin.state.setFlow({ id: 'flow-e2e-followup', durationMs: 300 });
      await activate('e2e-schedule-live');
      await activate(mcp.WORKFLOW_ID);
      if (triggerWanted) {
        await activate(TRIGGER_WF_ID);
        triggerBefore = triggerSetupBeforeStart(standin);
      }
      srv = await n8n.startN8n(inst, { timeoutMs: 180000 }); // 2.x readiness: 13-70 s on a loaded machine
      currentOutput = srv.output();
      return `ready in ${secs(srv.readyMs)}`;
    });
    if (!started) return;
    const srvOutput = () => srv.output();

    await runCase('scheduled pipeline fires on schedule and waits for its run', async () => {
      const done = await waitFor('a finished run of flow-e2e-schedule started by the schedule',
        () => standin.state.runsOf('flow-e2e-schedule').find((x) => x.createdBy === 'api' && x.inputs.source === 'n8n schedule' && x.finished
          && standin.state.requests.some((q) => q.route === 'status' && q.path.endsWith(`/run/${x.run_id}/status`) && q.time > x.run_end_time)),
        90000, srvOutput); // every 10 s, but a loaded machine delays n8n's first tick
      return `${done.run_id} started by the schedule and polled until ${done.status}`;
    });

    await runCase('credential Test button (POST /rest/credentials/test)', async () => {
      const cookie = await vishwa.setupOwner(srv.baseUrl, { email: 'e2e@example.com', firstName: 'E2E', lastName: 'Test', password: 'E2e-password-1' });
      const cred = vishwa.standinCredential(standin);
      const good = await vishwa.testCredential(srv.baseUrl, cookie, cred);
      check(good.status === 'OK', `test with the right key: ${JSON.stringify(good)}`, srvOutput());
      const bad = await vishwa.testCredential(srv.baseUrl, cookie, { ...cred, data: { ...cred.data, apiKey: 'wrong-key-e2e' } });
      const tests = standin.state.requests.filter((q) => q.seq > requestsFrom && q.path === '/v1/workflow/n8n-credential-test/run/n8n-credential-test/status');
      // The right key first (404: the made-up run is unknown), then the wrong one (401; n8n 2.41
      // sends that request twice).
      check(tests.length >= 2 && tests[0].keyOk && tests[0].keyHeader === 'xp-api-key' && tests[0].status === 404
        && tests.slice(1).every((q) => !q.keyOk && q.status === 401),
        `stand-in saw ${JSON.stringify(tests.map((q) => ({ keyOk: q.keyOk, status: q.status })))}; n8n answered ${JSON.stringify(bad)}`);
      if (version === 'v1' && bad.status === 'OK') {
        // KNOWN (n8n 1.x): its request helper turns any truthy ignoreHttpStatusErrors (the
        // credential's { ignore, except: [401, 403] }) into "accept every status", so the 401 is
        // never seen and the Test button says "Connection successful!" for a wrong key.
        return `right key: OK; wrong key: OK too (KNOWN n8n 1.x limitation: the 401 was answered but 1.x ignores every status)`;
      }
      check(bad.status === 'Error' && /The API key was refused \(HTTP 401\)/.test(bad.message), `test with a wrong key: ${JSON.stringify(bad)}`, srvOutput());
      return `right key: OK; wrong key: "${bad.message}"`;
    });

    await runCase('credential Test button with a Base URL that redirects to another origin', async () => {
      elsewhere.requests.length = 0;
      redirector.log.length = 0;
      // Logs in: the owner was set up by the case above.
      const cookie = await vishwa.setupOwner(srv.baseUrl, { email: 'e2e@example.com', firstName: 'E2E', lastName: 'Test', password: 'E2e-password-1' });
      const result = await vishwa.testCredential(srv.baseUrl, cookie, redirectCredential(standin, redirector));
      const tests = redirector.log.filter((q) => q.path === '/v1/workflow/n8n-credential-test/run/n8n-credential-test/status');
      check(tests.length >= 1 && tests.length === redirector.log.length && tests.every((q) => q.fault === 'redirect'), `the redirecting Base URL saw ${JSON.stringify(redirector.log)}`, srvOutput());
      check(elsewhere.requests.length === 0, `the other origin received ${elsewhere.requests.length} request(s)${elsewhere.carriedKey(standin.apiKey) ? ' WITH THE API KEY' : ''}`, '');
      check(!JSON.stringify(result).includes(standin.apiKey), 'the API key appears in the test result', '');
      if (version === 'v1' && result.status === 'OK') {
        // KNOWN (n8n 1.x), as for the wrong key above: 1.x accepts every status when
        // ignoreHttpStatusErrors is an object, so the 302 counts as success. The key still went nowhere.
        return 'OK (KNOWN n8n 1.x limitation: the 302 was not followed, and 1.x accepts every status); nothing reached the other origin';
      }
      check(result.status === 'Error' && /^The Base URL answered with a redirect \(HTTP 302\), which is not followed/.test(result.message), `test result ${JSON.stringify(result)}`, srvOutput());
      return `"${result.message}"; nothing reached the other origin`;
    });

    // The Test button's base URL is an n8n expression written apart from the nodes' normalizeBaseUrl
    // (test/baseUrl.test.js holds both to one table in n8n-workflow's legacy engine): here through
    // n8n's own engine (2.x: the vm engine by default), a messy base URL and one the nodes refuse.
    await runCase('credential Test button: the Base URL as the nodes read it', async () => {
      const cookie = await vishwa.setupOwner(srv.baseUrl, { email: 'e2e@example.com', firstName: 'E2E', lastName: 'Test', password: 'E2e-password-1' });
      const cred = vishwa.standinCredential(standin);
      const testPath = '/v1/workflow/n8n-credential-test/run/n8n-credential-test/status';
      const attempt = async (baseUrl) => {
        const from = standin.state.requests.length ? standin.state.requests[standin.state.requests.length - 1].seq : 0;
        const answer = await vishwa.testCredential(srv.baseUrl, cookie, { ...cred, data: { ...cred.data, baseUrl } });
        // The trigger example is active meanwhile: its polls of the run listing may land in this window
        // (a flaky failure on 441b4e4's CI); the credential test never asks for a listing.
        return { answer, paths: standin.state.requests.filter((q) => q.seq > from && !q.path.endsWith('/runs')).map((q) => q.path) };
      };
      const messy = `  ${standin.url.replace(/^http:/, 'HTTP:')}/V1// `;
      const ok = await attempt(messy);
      check(ok.answer.status === 'OK' && ok.paths.length === 1 && ok.paths[0] === testPath, `base URL ${JSON.stringify(messy)}: ${JSON.stringify(ok)}`, srvOutput());
      const refused = await attempt(`${standin.url}/?x=1`);
      check(refused.answer.status === 'Error' && refused.paths.length === 0, `base URL with a query: ${JSON.stringify(refused)}`, srvOutput());
      return `${JSON.stringify(messy)}: OK (${testPath}); with a query: "${refused.answer.message}", nothing sent`;
    });

    if (!opts.trigger) skip('trigger in an active workflow', '--no-trigger');
    else if (!triggerEx) skip('trigger in an active workflow', 'examples/trigger-to-downstream.json is missing');
    else if (triggerReady !== true) skip('trigger in an active workflow', triggerReady);
    else await runCase('trigger in an active workflow emits each finished run once', () => triggerCase({ standin, srvOutput, before: triggerBefore }));

    await mcp.mcpCases({ runCase, check, standin, baseUrl: srv.baseUrl, srvOutput, example: mcpEx, wrongKey });

    await runCase('every request carried the key in XP-API-Key only (the credential\'s authenticate block)', async () => {
      const mine = standin.state.requests.filter((q) => q.seq > requestsFrom);
      const wrongKeyTest = (q) => q.path === '/v1/workflow/n8n-credential-test/run/n8n-credential-test/status' && q.status === 401;
      const bad = mine.filter((q) => !wrongKeyTest(q) && !mcp.isWrongKeyRequest(q) && (!q.keyOk || q.keyHeader !== 'xp-api-key' || q.keyElsewhere));
      check(mine.length > 10, `only ${mine.length} requests reached the stand-in`);
      check(!bad.length, `${bad.length} of ${mine.length} requests without the key in XP-API-Key: ${JSON.stringify(bad.slice(0, 3).map((q) => ({ seq: q.seq, method: q.method, path: q.path, keyOk: q.keyOk, keyHeader: q.keyHeader, keyElsewhere: q.keyElsewhere })))}`);
      check(mine.every((q) => !q.keyElsewhere), 'a request carried the key outside XP-API-Key');
      // And nothing but the credential names the header: the nodes cannot have set it themselves.
      const setters = builtFilesNaming(/['"`]xp-api-key['"`]\s*:/i).filter((f) => f !== path.join('dist', 'credentials', 'VishwaApi.credentials.js'));
      check(!setters.length, `built files other than the credential set an XP-API-Key header: ${setters.join(', ')}`);
      return `${mine.length} requests; only dist/credentials/VishwaApi.credentials.js names the header`;
    });
  } finally {
    await model.close();
    if (srv) {
      const stop = await n8n.stopN8n(srv);
      if (stop.code !== 0 && stop.signal !== 'SIGTERM') log(`  note: n8n start ended with ${JSON.stringify(stop)}`);
    }
    if (opts.keep) log(`  user folder kept: ${userFolder}`);
    else { fs.rmSync(userFolder, { recursive: true, force: true }); TEMP_DIRS.delete(userFolder); }
  }
}

/** Built .js files (relative to the repo) whose code matches `re`. */
function builtFilesNaming(re) {
  const found = [];
  const walk = (dir) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.js') && re.test(fs.readFileSync(p, 'utf8'))) found.push(path.relative(REPO, p));
    }
  };
  walk(path.join(REPO, 'dist'));
  return found;
}

// ---------- the trigger ----------

/** true, or why the trigger case cannot run yet (the node is still a placeholder). */
function triggerImplemented() {
  const file = path.join(REPO, 'dist', 'nodes', 'Vishwa', 'VishwaTrigger.node.js');
  if (!fs.existsSync(file)) return `${path.relative(REPO, file)} not built`;
  if (/Not implemented yet/.test(fs.readFileSync(file, 'utf8'))) return 'the Vishwa Trigger node is still a placeholder ("Not implemented yet"): case written, not run';
  return true;
}

const TRIGGER_WF_ID = 'e2e-trigger-live';

/** The trigger example on flows of its own (so the other cases' runs do not reach it). */
function triggerLive(example) {
  const wf = JSON.parse(JSON.stringify(example));
  wf.id = TRIGGER_WF_ID;
  wf.name = `${wf.name} (e2e)`;
  wf.nodes.find((node) => node.type === 'n8n-nodes-vishwa.vishwaTrigger').parameters.flowId = 'flow-e2e-trigger';
  wf.nodes.find((node) => node.type === 'n8n-nodes-vishwa.vishwa').parameters.flowId = 'flow-e2e-followup';
  return wf;
}

/** Before `n8n start`: finished history (must never be emitted) and a run still running (must be, once it finishes). */
function triggerSetupBeforeStart(standin) {
  const { state } = standin;
  state.addHistory({ flowId: 'flow-e2e-trigger', count: 3 });
  const history = state.runsOf('flow-e2e-trigger').map((r) => r.run_id);
  const pending = state.createRun({ flowId: 'flow-e2e-trigger', durationMs: null, runType: 'manual' }).run_id;
  return { history, pending };
}

/**
 * Under `n8n start` with the trigger example active (polls at activation, then every minute):
 * runs that finish after activation each start exactly one follow-up run (the downstream node),
 * runs that had finished before activation none.
 */
async function triggerCase({ standin, srvOutput, before }) {
  const { state } = standin;
  const listings = () => state.requests.filter((q) => q.route === 'runs' && q.path.startsWith('/v1/workflow/flow-e2e-trigger/')).length;
  await waitFor('the activation poll (a listing of flow-e2e-trigger)', () => listings() > 0, 60000, srvOutput);
  const followups = () => state.runsOf('flow-e2e-followup').map((r) => r.inputs.previous_run_id);
  // After activation: one run that finishes at once, one that stays running; the pending one finishes.
  const quick = state.createRun({ flowId: 'flow-e2e-trigger', durationMs: 200, runType: 'api' }).run_id;
  const late = state.createRun({ flowId: 'flow-e2e-trigger', durationMs: null, runType: 'api' }).run_id;
  state.finishRun(before.pending, 'failed');
  await waitFor(`follow-up runs for ${before.pending} and ${quick}`, () => {
    const f = followups();
    return f.includes(before.pending) && f.includes(quick);
  }, 150000, srvOutput);
  check(!followups().includes(late), `${late} is still running but was emitted`, srvOutput());
  state.finishRun(late, 'succeeded');
  await waitFor(`a follow-up run for ${late}`, () => followups().includes(late), 150000, srvOutput);
  // That poll listed the other runs as finished too: a second emission would show up now.
  await wait(3000); // let the execution it started reach the stand-in
  const f = followups();
  const count = (id) => f.filter((x) => x === id).length;
  check([before.pending, quick, late].every((id) => count(id) === 1),
    `each finished run must start exactly one follow-up run: ${JSON.stringify({ [before.pending]: count(before.pending), [quick]: count(quick), [late]: count(late) })}`, srvOutput());
  check(before.history.every((id) => count(id) === 0), `finished-before-activation runs were emitted: ${JSON.stringify(f)}`, srvOutput());
  check(f.length === 3, `follow-up runs for ${JSON.stringify(f)}, expected exactly 3`, srvOutput());
  const statuses = state.runsOf('flow-e2e-followup').map((r) => `${r.inputs.previous_run_id}:${r.inputs.previous_status}`);
  return `${listings()} polls; emitted once each: ${statuses.join(', ')}; history (${before.history.length} runs) not emitted`;
}

// ---------- main ----------

/**
 * e2e/install-n8n.sh <version> in the background (a no-op taking 0.1 s when cached). main() starts
 * every version's install at once: a cold install is mostly single-threaded work (unpacking
 * ~2,000 packages, compiling sqlite3), so two in parallel on 2 cores take far less than two in a
 * row, and the first version's tests run while the other one still installs.
 */
function installInBackground(version) {
  const { spawn } = require('child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(__dirname, 'install-n8n.sh'), version], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanNpmEnv() });
    let out = '';
    let errTail = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => {
      errTail = (errTail + d).slice(-8000);
      for (const line of String(d).split('\n')) if (line.trim()) process.stdout.write(`  ${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`e2e/install-n8n.sh ${version} failed (exit ${code}):\n${errTail}`)); return; }
      const kv = Object.fromEntries(out.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
      resolve({ dir: kv.N8N_DIR, n8nBin: kv.N8N_BIN, nodeBin: kv.NODE_BIN, installed: true });
    });
  });
}

async function main() {
  let opts;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) {
    process.stderr.write(`${e.message}\nusage: node e2e/run.js [--only v1|v2] [--no-build] [--keep] [--no-trigger] [--only-active]\n`);
    return 2;
  }
  const t0 = Date.now();
  if (opts.build) {
    log('building the package (npm run build)');
    runNpm(['run', '--silent', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'Vishwa', 'Vishwa.node.js'))) throw new Error('dist/ is missing: run npm run build');
  const tgz = n8n.packPackage(REPO);
  const standin = await startStandin({ apiKey: `e2e-${crypto.randomBytes(12).toString('hex')}` });
  // The redirect cases: a Base URL that sends every request to another origin, which records them.
  const elsewhere = await startRecordingServer();
  const redirector = await startFaultyProxy(standin.url);
  redirector.addFault({ route: '*', kind: 'redirect', to: elsewhere.url, status: 302, times: Infinity });
  const trickler = await startTrickler();
  log(`stand-in at ${standin.url}; package ${path.basename(tgz)}`);
  const results = [];
  const installs = {};
  for (const version of opts.versions) {
    installs[version] = installInBackground(version);
    installs[version].catch(() => {}); // reported when its turn comes
  }
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) return;
    interrupted = true;
    INTERRUPTED = true;
    log(`\n${sig}: stopping n8n and the stand-in`);
    vishwa.killChildProcessGroups('SIGTERM');
    // n8n stops within ~2 s on SIGTERM; then anything left is killed and the temp folders go.
    setTimeout(() => {
      vishwa.killChildProcessGroups('SIGKILL');
      for (const d of TEMP_DIRS) fs.rmSync(d, { recursive: true, force: true });
      standin.close().finally(() => process.exit(130));
    }, 2500);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const version of opts.versions) {
      log(`\n== n8n ${version} ==`);
      try {
        await runVersion(version, { standin, tgz, opts, results, installs, redirector, elsewhere, trickler });
      } catch (err) {
        results.push({ name: `${version} setup`, ok: false, err });
        log(`  FAIL ${version}: ${err.message}`);
      }
    }
  } finally {
    vishwa.killChildProcessGroups('SIGKILL');
    await redirector.close();
    await elsewhere.close();
    await trickler.close();
    await standin.close();
    fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  const skipped = results.filter((r) => r.skipped);
  log(`\ne2e: ${results.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped in ${secs(Date.now() - t0)}`);
  for (const f of failed) log(`  failed: ${f.name}: ${f.err.message.split('\n')[0]}`);
  for (const s of skipped) log(`  skipped: ${s.name}: ${s.skipped}`);
  if (INTERRUPTED) return 130;
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err) => {
    process.stderr.write(`e2e: ${err.stack || err.message}\n`);
    vishwa.killChildProcessGroups('SIGKILL');
    process.exit(1);
  });
}
