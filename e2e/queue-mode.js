#!/usr/bin/env node
'use strict';
// Queue-mode e2e: the package in a real n8n 2.x cluster (1 main + 2 workers, PostgreSQL, Redis).
//
//   npm run e2e:queue                 # = npm run build && node e2e/queue-mode.js
//   node e2e/queue-mode.js [--keep] [--calls N] [--items N] [--file-mib N]
//                          [--binary-mode database|filesystem] [--no-trigger | --only-trigger]
//                          [--wipe-trigger-state]   (must FAIL: proves the restart check can)
//
// Starts everything itself on 127.0.0.1 (PostgreSQL and Redis from the Debian packages, installed
// with apt-get when missing and running as root; the stand-in; n8n main + 2 workers), runs the
// scenarios, stops everything (also on failure or Ctrl-C) and exits non-zero when a check fails,
// printing the evidence. Why webhooks: `n8n execute` runs in its own process (not via the queue);
// a production webhook is received by the main process and enqueued to Redis, so the workers run
// it, offline and without an API key or a user account.

const { spawn, spawnSync, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const n8n = require('./lib/n8n');
const { startStandin } = require('../test/standin/server');

const ROOT = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const numArg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(argv[i + 1]);
};
const KEEP = flag('keep');
const WEBHOOK_CALLS = numArg('calls', 12); // executions of the Start Run workflow
const ITEMS_PER_CALL = numArg('items', 5); // items per execution
const FILE_MIB = numArg('file-mib', 64); // > 16 MiB (N8N_PAYLOAD_SIZE_MAX), < 512 MiB (database-mode max)
const WORKER_CONCURRENCY = 5; // n8n warns below 5; 12 executions of >= 1.5 s each cannot fit one worker
const RUN_MS = 1500; // stand-in run duration: executions overlap, so both workers must take some
const WITH_TRIGGER = !flag('no-trigger');
const ONLY_TRIGGER = flag('only-trigger'); // skip the Start Run and upload scenarios
// Proof that the restart check can fail: wipe the trigger's saved state while main is down
// (the run must then FAIL: the runs finished meanwhile are taken as history and never emitted).
const WIPE_TRIGGER_STATE = flag('wipe-trigger-state');
const strArg = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i === -1 ? dflt : argv[i + 1]; };
// database: 2.x's default in queue mode (every process reads the same PostgreSQL table).
// filesystem: works in queue mode only when every process sees the same folder (a shared volume);
// here all three get the same N8N_BINARY_DATA_STORAGE_PATH.
const BINARY_MODE = strArg('binary-mode', 'database');
if (!['database', 'filesystem'].includes(BINARY_MODE)) throw new Error('--binary-mode must be database or filesystem');
const LOG_DIR = path.join(os.tmpdir(), 'vishwa-queue-e2e-logs'); // n8n, postgres and redis logs of the last run

const t0 = Date.now();
const timings = {};
const since = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const log = (...a) => console.log(`[queue-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const failures = [];
function check(ok, what, evidence) {
  if (ok) log(`PASS ${what}`);
  else {
    log(`FAIL ${what}`);
    if (evidence !== undefined) console.log(typeof evidence === 'string' ? evidence : JSON.stringify(evidence, null, 2));
    failures.push(what);
  }
  return ok;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn, { timeoutMs = 120000, everyMs = 500 } = {}) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL and Redis as child processes (own data dirs, 127.0.0.1, non-default ports)

const cleanups = []; // run in reverse order at the end
function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const v = fs.readdirSync(base).filter((d) => fs.existsSync(path.join(base, d, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a))[0];
  return v ? path.join(base, v, 'bin') : null;
}
function haveRedis() {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}
function ensureDebianPackages() {
  if (pgBinDir() && haveRedis()) return 'present';
  if (process.getuid && process.getuid() !== 0) {
    throw new Error('PostgreSQL/Redis missing: run `sudo apt-get install -y postgresql redis-server` (Debian packages) first');
  }
  log('installing postgresql and redis-server with apt-get (the package scripts do not start them here)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql', 'redis-server'], { stdio: 'inherit', env });
  if (!pgBinDir() || !haveRedis()) throw new Error('apt-get finished but postgres/redis-server are still missing');
  return 'installed';
}

function spawnService(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let exitInfo = null;
  const exited = new Promise((r) => child.on('exit', (code, signal) => { exitInfo = { code, signal }; r(exitInfo); }));
  const svc = { name, child, output: () => out, exited, alive: () => exitInfo === null };
  svc.stop = async (signal = 'SIGTERM') => {
    if (exitInfo) return exitInfo;
    try { process.kill(-child.pid, signal); } catch { /* gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 15000);
    const info = await exited;
    clearTimeout(timer);
    return info;
  };
  return svc;
}

async function startPostgres(tmp) {
  const bin = pgBinDir();
  const port = await n8n.freePort();
  const dataDir = path.join(tmp, 'pgdata');
  const sockDir = path.join(tmp, 'pgsock');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  fs.mkdirSync(sockDir);
  const asRoot = process.getuid && process.getuid() === 0;
  let ids = {};
  if (asRoot) {
    // PostgreSQL refuses to run as root: run it as the Debian package's `postgres` user.
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chmodSync(tmp, 0o711);
    fs.chownSync(dataDir, uid, gid);
    fs.chownSync(sockDir, uid, gid);
    ids = { uid, gid };
  }
  const t = Date.now();
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], { encoding: 'utf8', ...ids, cwd: tmp });
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
  const svc = spawnService('postgres', path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', sockDir,
    '-c', 'fsync=off', '-c', 'max_connections=100',
  ], { ...ids, cwd: tmp });
  cleanups.push(async () => { await svc.stop('SIGINT'); log('postgres stopped'); }); // SIGINT = fast shutdown
  const psqlBin = path.join(bin, 'psql');
  const psql = (sql, db = 'n8n') => {
    const r = spawnSync(psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-qAt', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql failed (${sql}):\n${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
  };
  await waitFor('postgres to accept connections', () => {
    if (!svc.alive()) throw new Error(`postgres exited:\n${svc.output()}`);
    try { psql('SELECT 1', 'postgres'); return true; } catch { return false; }
  }, { timeoutMs: 30000, everyMs: 200 });
  psql('CREATE DATABASE n8n', 'postgres');
  timings.postgres = since(t);
  return { port, psql, svc };
}

async function startRedis(tmp) {
  const port = await n8n.freePort();
  const dir = path.join(tmp, 'redis');
  fs.mkdirSync(dir);
  const svc = spawnService('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes']);
  cleanups.push(async () => { await svc.stop(); log('redis stopped'); });
  await waitFor('redis to be ready', () => {
    if (!svc.alive()) throw new Error(`redis exited:\n${svc.output()}`);
    return /Ready to accept connections/.test(svc.output());
  }, { timeoutMs: 20000, everyMs: 100 });
  return { port, svc };
}

/** Every listening TCP socket (from `ss`) of these processes and their descendants. */
function listeningSockets(rootPids) {
  const children = new Map();
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const ppid = Number((/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${ent}/status`, 'utf8')) || [])[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(ent));
    } catch { /* gone */ }
  }
  const pids = new Set();
  const stack = [...rootPids];
  while (stack.length) { const pid = stack.pop(); if (!pids.has(pid)) { pids.add(pid); stack.push(...(children.get(pid) || [])); } }
  const r = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.split('\n').filter(Boolean).map((line) => {
    const cols = line.trim().split(/\s+/);
    const owners = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    return { local: cols[3], owners };
  }).filter((sock) => sock.owners.some((pid) => pids.has(pid)));
}

// ---------------------------------------------------------------------------------------------
// Small local HTTP servers: a big file to download, and a sink the trigger workflow posts to

function startFileServer(filePath) {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      const size = fs.statSync(filePath).size;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'content-disposition': 'attachment; filename="big-queue.bin"' });
      fs.createReadStream(filePath).pipe(res);
    });
    srv.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${srv.address().port}/big-queue.bin`, close: () => new Promise((r) => srv.close(r)) }));
  });
}

function startSink() {
  const received = [];
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        try { received.push({ at: Date.now(), ...JSON.parse(body) }); } catch { received.push({ at: Date.now(), raw: body }); }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    srv.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${srv.address().port}/sink`, received, close: () => new Promise((r) => srv.close(r)) }));
  });
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length }, timeout: 30000 }, (res) => {
      let out = '';
      res.on('data', (d) => { out += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: out }));
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

// ---------------------------------------------------------------------------------------------
// Workflows (imported once into the shared PostgreSQL database)

const CRED = { id: 'vishwaQueueCred', name: 'Vishwa (stand-in)' };
const credRef = { vishwaApi: { id: CRED.id, name: CRED.name } };
const conn = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });
const webhookNode = (pathName, webhookId) => ({
  id: crypto.randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId,
  parameters: { httpMethod: 'POST', path: pathName, responseMode: 'onReceived', options: {} },
});

function workflows({ fileUrl, sinkUrl }) {
  const startRun = {
    id: 'wfQueueStartRun', name: 'queue: start runs and wait', active: false, settings: { executionOrder: 'v1' },
    nodes: [
      webhookNode('queue-start-run', 'a1f0c3e2-0000-4000-8000-00000000a001'),
      { id: crypto.randomUUID(), name: 'Split Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
      {
        id: crypto.randomUUID(), name: 'Start Run', type: 'n8n-nodes-vishwa.vishwa', typeVersion: 1, position: [440, 0], credentials: credRef,
        parameters: {
          resource: 'run', operation: 'start', flowId: 'flow-queue', specifyInputs: 'keypair',
          inputFields: { input: [{ name: 'key', value: '={{ $json.key }}', type: 'text' }] },
          waitForCompletion: true, onFailedRun: 'error', waitOptions: { pollInterval: 0.5, maxWait: 120 }, options: {},
        },
      },
    ],
    connections: { ...conn('Webhook', 'Split Items'), ...conn('Split Items', 'Start Run') },
  };
  const upload = {
    id: 'wfQueueUpload', name: 'queue: download a big file and upload it', active: false, settings: { executionOrder: 'v1' },
    nodes: [
      webhookNode('queue-upload', 'a1f0c3e2-0000-4000-8000-00000000a002'),
      {
        id: crypto.randomUUID(), name: 'Download', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [220, 0],
        parameters: { url: fileUrl, options: { response: { response: { responseFormat: 'file' } } } },
      },
      {
        id: crypto.randomUUID(), name: 'Upload', type: 'n8n-nodes-vishwa.vishwa', typeVersion: 1, position: [440, 0], credentials: credRef,
        parameters: { resource: 'asset', operation: 'upload', binaryProperties: 'data', temp: true, options: {} },
      },
    ],
    connections: { ...conn('Webhook', 'Download'), ...conn('Download', 'Upload') },
  };
  const trigger = {
    id: 'wfQueueTrigger', name: 'queue: trigger on finished runs', active: false, settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: crypto.randomUUID(), name: 'Vishwa Trigger', type: 'n8n-nodes-vishwa.vishwaTrigger', typeVersion: 1, position: [0, 0], credentials: credRef,
        parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, flowId: 'flow-trig' },
      },
      {
        id: crypto.randomUUID(), name: 'Report', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [220, 0],
        parameters: {
          method: 'POST', url: sinkUrl, sendBody: true, specifyBody: 'json',
          jsonBody: '={{ JSON.stringify({ run_id: $json.run_id, run_status: $json.run_status, execution: $execution.id }) }}', options: {},
        },
      },
    ],
    connections: conn('Vishwa Trigger', 'Report'),
  };
  return { startRun, upload, trigger };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-queue-e2e-'));
  log(`temp folder ${tmp}; binary data mode ${BINARY_MODE}; ${WEBHOOK_CALLS} x ${ITEMS_PER_CALL} Start Run items; ${FILE_MIB} MiB file`);
  cleanups.push(async () => { if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true }); else log(`kept ${tmp}`); });

  let t = Date.now();
  const pkgState = ensureDebianPackages();
  timings.debianPackages = `${pkgState} (${since(t)})`;
  t = Date.now();
  n8n.ensureInstalled('v2', { quiet: true });
  timings.n8nInstall = since(t);

  const pg = await startPostgres(tmp);
  const redis = await startRedis(tmp);
  log(`postgres 127.0.0.1:${pg.port}, redis 127.0.0.1:${redis.port}`);

  const standin = await startStandin({ flows: { 'flow-queue': { durationMs: RUN_MS }, 'flow-trig': { durationMs: null } } });
  cleanups.push(async () => { await standin.close(); });
  const bigFile = path.join(tmp, 'big-queue.bin');
  {
    const fd = fs.openSync(bigFile, 'w');
    const chunk = crypto.randomBytes(1024 * 1024);
    for (let i = 0; i < FILE_MIB; i++) { chunk[0] = i & 0xff; fs.writeSync(fd, chunk); }
    fs.closeSync(fd);
  }
  const bigSha = crypto.createHash('sha256').update(fs.readFileSync(bigFile)).digest('hex');
  const files = await startFileServer(bigFile);
  cleanups.push(() => files.close());
  const sink = await startSink();
  cleanups.push(() => sink.close());

  // One encryption key and one database for all three processes; each has its own user folder
  // (its own copy of the package, as on separate machines) and its own ports.
  const encryptionKey = crypto.randomBytes(24).toString('hex');
  const queueEnv = {
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: '127.0.0.1',
    QUEUE_BULL_REDIS_PORT: redis.port,
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: '127.0.0.1',
    DB_POSTGRESDB_PORT: pg.port,
    DB_POSTGRESDB_DATABASE: 'n8n',
    DB_POSTGRESDB_USER: 'postgres',
    DB_POSTGRESDB_PASSWORD: 'unused-trust-auth',
    N8N_DEFAULT_BINARY_DATA_MODE: BINARY_MODE,
    ...(BINARY_MODE === 'filesystem' ? { N8N_BINARY_DATA_STORAGE_PATH: path.join(tmp, 'shared-binary-data') } : {}),
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: 20,
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
    N8N_LOG_LEVEL: 'info',
  };
  const mkInst = async (name, extra = {}) => {
    const port = await n8n.freePort();
    const inst = n8n.createInstance({
      version: 'v2', userFolder: path.join(tmp, name), port, brokerPort: await n8n.freePort(), encryptionKey,
      extra: { ...queueEnv, ...extra },
    });
    inst.name = name;
    return inst;
  };
  const mainInst = await mkInst('main');
  const workerInsts = [];
  for (const name of ['worker1', 'worker2']) {
    const healthPort = await n8n.freePort();
    const w = await mkInst(name, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: healthPort, N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' });
    w.healthPort = healthPort;
    workerInsts.push(w);
  }

  t = Date.now();
  const tgz = n8n.packPackage(ROOT, tmp);
  for (const inst of [mainInst, ...workerInsts]) n8n.installPackageTarball(inst.userFolder, tgz);
  timings.packAndInstall = since(t);

  t = Date.now();
  const wfs = workflows({ fileUrl: files.url, sinkUrl: sink.url });
  const toImport = [wfs.startRun, wfs.upload, ...(WITH_TRIGGER ? [wfs.trigger] : [])];
  await n8n.importWorkflows(mainInst, toImport); // first command: runs the PostgreSQL migrations
  await n8n.importCredentials(mainInst, [{ ...CRED, type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: standin.url } }]);
  // Publish (activate). `n8n publish:workflow --id=X` in 2.41.1 is WorkflowRepository.publishVersion:
  // active = true, activeVersionId = the current versionId (which must be in workflow_history).
  // Same statement here, once for all, instead of one 10-20 s CLI start per workflow.
  const ids = toImport.map((w) => `'${w.id}'`).join(',');
  const published = pg.psql(`UPDATE workflow_entity w SET active = true, "activeVersionId" = w."versionId" WHERE w.id IN (${ids})
    AND EXISTS (SELECT 1 FROM workflow_history h WHERE h."workflowId" = w.id AND h."versionId" = w."versionId") RETURNING w.id`);
  if (published.length !== toImport.length) throw new Error(`publishing failed: ${JSON.stringify(published)}`);
  timings.importAndPublish = since(t);

  // --- start the cluster
  t = Date.now();
  const procs = {};
  const workers = [];
  const mainProcs = []; // every main process started (the trigger scenario restarts it)
  const stopAll = async () => {
    for (const [name, p] of Object.entries(procs)) {
      if (!p) continue;
      const info = await n8n.stopN8n(p);
      log(`${name} stopped (${JSON.stringify(info)})`);
      procs[name] = null;
    }
  };
  cleanups.push(() => { // pushed before stopAll, so it runs after it: complete logs of every process
    const all = { ...Object.fromEntries(mainProcs.map((p, i) => [`main-${i + 1}`, p])), ...Object.fromEntries(workers.map((p, i) => [workerInsts[i].name, p])) };
    fs.rmSync(LOG_DIR, { recursive: true, force: true });
    fs.mkdirSync(LOG_DIR, { recursive: true });
    for (const [name, p] of Object.entries(all)) fs.writeFileSync(path.join(LOG_DIR, `${name}.log`), p.output());
    fs.writeFileSync(path.join(LOG_DIR, 'postgres.log'), pg.svc.output());
    fs.writeFileSync(path.join(LOG_DIR, 'redis.log'), redis.svc.output());
    log(`process logs in ${LOG_DIR}`);
  });
  cleanups.push(stopAll);
  procs.main = await n8n.startN8n(mainInst, { timeoutMs: 180000 });
  mainProcs.push(procs.main);
  timings.mainReady = since(t);
  t = Date.now();
  workers.push(...await Promise.all(workerInsts.map((w) => n8n.startN8n(w, {
    command: 'worker', args: [`--concurrency=${WORKER_CONCURRENCY}`], timeoutMs: 180000,
    readyUrl: `http://127.0.0.1:${w.healthPort}/healthz/readiness`,
  }))));
  workers.forEach((w, i) => { procs[workerInsts[i].name] = w; });
  timings.workersReady = since(t);
  log(`cluster up: main ${procs.main.baseUrl}, workers health ${workerInsts.map((w) => w.healthPort).join(', ')}`);
  const sockets = listeningSockets([process.pid, procs.main.pid, ...workers.map((w) => w.pid), pg.svc.child.pid, redis.svc.child.pid]);
  if (sockets === null) log('`ss` not available: listening addresses not checked');
  else {
    check(sockets.length >= 7 && sockets.every((sock) => /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):\d+$/.test(sock.local)),
      `all ${sockets.length} listening sockets of the cluster are on 127.0.0.1`, sockets);
  }

  const executionsOf = (wfId) => pg.psql(`SELECT id, status, mode FROM execution_entity WHERE "workflowId" = '${wfId}' ORDER BY id`)
    .map(([id, status, mode]) => ({ id, status, mode }));
  const whoRan = (execId) => workerInsts
    .filter((w, i) => new RegExp(`Worker started execution ${execId} \\(job`).test(workers[i].output()))
    .map((w) => w.name);
  const workerFinished = (execId) => workerInsts
    .filter((w, i) => new RegExp(`Worker finished execution ${execId} \\(job`).test(workers[i].output()))
    .map((w) => w.name);
  const checkRanOnWorkers = async (label, execs) => {
    // A worker writes the execution's final status, then logs "Worker finished": give the log a moment.
    await waitFor('the workers to log the end of the executions', () => execs.every((e) => workerFinished(e.id).length > 0), { timeoutMs: 20000, everyMs: 250 })
      .catch(() => { /* the check below shows which */ });
    const rows = execs.map((e) => ({ ...e, startedOn: whoRan(e.id), finishedOn: workerFinished(e.id), enqueuedByMain: new RegExp(`Enqueued execution ${e.id} \\(job`).test(mainProcs.map((p) => p.output()).join('\n')) }));
    check(rows.every((r) => r.startedOn.length === 1 && r.finishedOn.length === 1 && r.startedOn[0] === r.finishedOn[0] && r.enqueuedByMain),
      `${label}: every execution was enqueued by main and started+finished by exactly one worker`, rows);
    return rows;
  };

  // --- 1. many items through Start Run with wait, spread across the workers
  if (!ONLY_TRIGGER) await startRunAndUploadScenarios();
  async function startRunAndUploadScenarios() {
  t = Date.now();
  const keys = [];
  const calls = [];
  for (let c = 0; c < WEBHOOK_CALLS; c++) {
    const items = [];
    for (let i = 0; i < ITEMS_PER_CALL; i++) { const key = `c${c}-i${i}`; keys.push(key); items.push({ key }); }
    calls.push(post(`${procs.main.baseUrl}/webhook/queue-start-run`, { items }));
  }
  const answers = await Promise.all(calls);
  check(answers.every((a) => a.status === 200), `main accepted ${WEBHOOK_CALLS} webhook calls`, answers);
  const startExecs = await waitFor(`${WEBHOOK_CALLS} Start Run executions to finish`, () => {
    const ex = executionsOf(wfs.startRun.id);
    return ex.length >= WEBHOOK_CALLS && ex.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status)) ? ex : null;
  }, { timeoutMs: 180000 });
  timings.startRunScenario = since(t);
  check(startExecs.length === WEBHOOK_CALLS && startExecs.every((e) => e.status === 'success' && e.mode === 'webhook'),
    `${WEBHOOK_CALLS} executions, all mode=webhook status=success (execution_entity)`, startExecs);
  const apiRuns = standin.state.runsOf('flow-queue').filter((r) => r.createdBy === 'api');
  const runKeys = apiRuns.map((r) => r.inputs && r.inputs.key);
  const dupKeys = runKeys.filter((k, i) => runKeys.indexOf(k) !== i);
  const missing = keys.filter((k) => !runKeys.includes(k));
  check(apiRuns.length === keys.length && dupKeys.length === 0 && missing.length === 0,
    `every Start Run item ran exactly once: stand-in run count ${apiRuns.length} == ${keys.length} items`, { runCount: apiRuns.length, dupKeys, missing });
  check(apiRuns.every((r) => r.finished), 'every run was waited for until finished', apiRuns.filter((r) => !r.finished).map((r) => r.run_id));
  const startRows = await checkRanOnWorkers('Start Run', startExecs);
  const perWorker = Object.fromEntries(workerInsts.map((w) => [w.name, startRows.filter((r) => r.startedOn[0] === w.name).length]));
  check(Object.values(perWorker).every((n) => n > 0), `executions spread across both workers ${JSON.stringify(perWorker)}`, perWorker);

  // --- 2. a big binary file (database mode) downloaded and uploaded on a worker
  t = Date.now();
  const samplers = workers.map((w) => ({ pid: w.pid, peakKb: 0, beforeKb: n8n.processTreeRssKb(w.pid) }));
  const sampler = setInterval(() => samplers.forEach((s) => { s.peakKb = Math.max(s.peakKb, n8n.processTreeRssKb(s.pid)); }), 200);
  const upAnswer = await post(`${procs.main.baseUrl}/webhook/queue-upload`, {});
  check(upAnswer.status === 200, 'main accepted the upload webhook call', upAnswer);
  const upExecs = await waitFor('the upload execution to finish', () => {
    const ex = executionsOf(wfs.upload.id);
    return ex.length >= 1 && ex.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status)) ? ex : null;
  }, { timeoutMs: 300000 });
  clearInterval(sampler);
  timings.uploadScenario = since(t);
  check(upExecs.length === 1 && upExecs[0].status === 'success', 'upload execution succeeded', upExecs);
  await checkRanOnWorkers('Upload', upExecs);
  const stored = standin.state.files;
  const big = stored.filter((f) => f.size === FILE_MIB * 1024 * 1024);
  check(big.length === 1 && big[0].sha256 === bigSha && big[0].file_name === 'big-queue.bin' && big[0].temp === true,
    `the ${FILE_MIB} MiB file reached the stand-in once, byte-exact (sha256), temp=true`, stored.map(({ path: p, ...f }) => f)); // eslint-disable-line no-unused-vars
  const binRows = pg.psql('SELECT count(*), coalesce(max(length(data)),0) FROM binary_data');
  log(`binary_data table: ${binRows[0][0]} row(s), largest ${Math.round(Number(binRows[0][1]) / 1048576)} MiB`);
  if (BINARY_MODE === 'database') {
    check(Number(binRows[0][1]) >= FILE_MIB * 1024 * 1024, 'database mode: the downloaded file was stored in PostgreSQL (binary_data)', binRows);
  } else {
    const sizes = [];
    const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else sizes.push(fs.statSync(f).size); } };
    walk(queueEnv.N8N_BINARY_DATA_STORAGE_PATH);
    check(sizes.some((n) => n >= FILE_MIB * 1024 * 1024) && Number(binRows[0][0]) === 0, 'filesystem mode: the file was stored in the shared folder, not in PostgreSQL', { sizes, binRows });
  }
  timings.workerRssBeforeToPeakDuringUpload = samplers.map((s) => `${Math.round(s.beforeKb / 1024)} -> ${Math.round(s.peakKb / 1024)} MB`).join(', ');
  }

  // --- 3. the trigger on the main process, across a restart of main
  if (WITH_TRIGGER) {
    await triggerScenario({ standin, sink, pg, procs, mainInst, mainProcs, executionsOf, checkRanOnWorkers, wfId: wfs.trigger.id });
  }

  log('timings', timings);
}

async function triggerScenario({ standin, sink, pg, procs, mainInst, mainProcs, executionsOf, checkRanOnWorkers, wfId }) {
  // The trigger polls every minute (n8n's minimum) and once at activation. Runs finished before
  // activation are history (the trigger starts from "now"); runs finished while main is down must
  // be emitted once after the restart, from the state saved in the database.
  const t = Date.now();
  const createFinished = async (n, tag) => {
    const ids = [];
    for (let i = 0; i < n; i++) {
      const r = standin.state.createRun({ flowId: 'flow-trig', durationMs: null, inputs: { tag, i } });
      standin.state.finishRun(r.run_id, i % 3 === 2 ? 'failed' : 'succeeded');
      ids.push(r.run_id);
      await sleep(5);
    }
    return ids;
  };
  const emittedIds = () => sink.received.map((r) => r.run_id);
  const batch1 = await createFinished(4, 'before-restart');
  log(`trigger: 4 runs finished, waiting for the next poll (up to ~70 s)...`);
  await waitFor('the trigger to emit the first batch', () => batch1.every((id) => emittedIds().includes(id)), { timeoutMs: 150000, everyMs: 1000 });
  const stateOf = () => { const r = pg.psql(`SELECT coalesce("staticData"::text, '') FROM workflow_entity WHERE id = '${wfId}'`); return r[0] ? r[0][0] : ''; };
  const st = Date.now();
  await n8n.stopN8n(procs.main);
  procs.main = null;
  const savedBefore = stateOf();
  check(/vishwaTrigger/.test(savedBefore), 'the trigger state is saved in the database (workflow_entity.staticData) when main stops', savedBefore);
  if (WIPE_TRIGGER_STATE) { pg.psql(`UPDATE workflow_entity SET "staticData" = NULL WHERE id = '${wfId}'`); log('trigger state WIPED (--wipe-trigger-state): this run must fail'); }
  const batch2 = await createFinished(3, 'while-main-down');
  procs.main = await n8n.startN8n(mainInst, { timeoutMs: 180000 });
  mainProcs.push(procs.main);
  timings.mainRestart = `${((Date.now() - st) / 1000).toFixed(1)} s`;
  try {
    await waitFor('the trigger to emit the runs finished while main was down', () => batch2.every((id) => emittedIds().includes(id)), { timeoutMs: 150000, everyMs: 1000 });
  } catch (e) { log(e.message); } // the exactly-once check below reports it with the evidence
  const batch3 = await createFinished(2, 'after-restart');
  await waitFor('the trigger to emit the runs finished after the restart', () => batch3.every((id) => emittedIds().includes(id)), { timeoutMs: 150000, everyMs: 1000 });
  await sleep(3000); // let any duplicate in flight arrive
  const all = [...batch1, ...batch2, ...batch3];
  const counts = Object.fromEntries(all.map((id) => [id, emittedIds().filter((x) => x === id).length]));
  const unexpected = emittedIds().filter((id) => !all.includes(id));
  check(Object.values(counts).every((n) => n === 1) && unexpected.length === 0,
    `each of ${all.length} finished runs emitted exactly once across the cluster and the main restart`, { counts, unexpected, received: sink.received });
  const trigExecs = await waitFor('the trigger executions to finish', () => {
    const ex = executionsOf(wfId);
    return ex.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status)) ? ex : null;
  }, { timeoutMs: 60000 }).catch(() => executionsOf(wfId));
  check(trigExecs.every((e) => e.status === 'success' && e.mode === 'trigger'), 'trigger executions: mode=trigger, status=success', trigExecs);
  await checkRanOnWorkers('Trigger', trigExecs);
  const sd = pg.psql(`SELECT "staticData" FROM workflow_entity WHERE id = '${wfId}'`);
  log(`trigger static data saved in workflow_entity: ${sd[0] && sd[0][0]}`);
  timings.triggerScenario = since(t);
}

let cleaning = false;
async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { await fn(); } catch (e) { log(`cleanup error: ${e.message}`); }
  }
}
process.on('SIGINT', () => { log('interrupted'); failures.push('interrupted'); cleanup().then(() => process.exit(130)); });
process.on('SIGTERM', () => { log('terminated'); failures.push('terminated'); cleanup().then(() => process.exit(143)); });

main()
  .catch((e) => { failures.push(`error: ${e.message}`); console.error(e.stack || e); })
  .finally(async () => {
    await cleanup();
    log(`total ${since(t0)}`);
    if (failures.length) {
      log(`${failures.length} check(s) failed:\n - ${failures.join('\n - ')}`);
      process.exit(1);
    }
    log('all queue-mode checks passed');
    process.exit(0);
  });
