#!/usr/bin/env node
'use strict';
// `npm run dev`: the developer loop. Edit a .ts file and see the change in a running n8n, without
// reinstalling anything:
//   - TypeScript in watch mode (tsc --watch) writes dist/ on every save, gulp watches icons and
//     codex files;
//   - the cached real n8n 2.x (e2e/install-n8n.sh v2, no download once cached) runs with
//     N8N_DEV_RELOAD=true and loads the package straight from this repository: the user folder's
//     community-package folder (.n8n/nodes/node_modules/n8n-nodes-vishwa) is a symlink to the repo,
//     so node types keep their published names (n8n-nodes-vishwa.vishwa) and the examples work;
//   - n8n's hot reload (n8n 2.41.1, LoadNodesAndCredentials.setupHotReload) watches the real path
//     of every loaded package, drops its modules from require's cache and loads it again when a
//     file changes; the editor is told (push "nodeDescriptionUpdated") and refreshes node types;
//   - the Vishwa stand-in, an owner account and a "Vishwa API (stand-in)" credential, as in the
//     playground, so a workflow can run straight away.
// Options: --port N (n8n, default 5678, else a free port), --user-folder DIR (default
//   ~/.cache/n8n-nodes-vishwa-e2e/dev-v2: kept between runs), --fresh, --no-examples, --quiet-tsc.
// Exported for scripts/dev-check.js: startDev(options) -> { url, cookie, userFolder, log(), stop() }.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const n8n = require('../e2e/lib/n8n');
const vishwa = require('../e2e/lib/vishwa');
const { startStandin } = require('../test/standin/server');

const REPO = path.resolve(__dirname, '..');
const OWNER = { email: 'dev@example.com', firstName: 'Node', lastName: 'Developer', password: 'Developer-1' };
const STANDIN_KEY = 'dev-key';

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A child process in its own process group (so stopping it stops what it started), output to `onLine`. */
function spawnTool(name, args, { cwd, onLine }) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let pending = '';
  const feed = (data) => {
    pending += data;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) if (line.trim() !== '') onLine(`[${name}] ${line.replace(/\x1b\[[0-9;]*m/g, '')}`); // eslint-disable-line no-control-regex
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      await exited;
    }
  };
  return { child, exited, stop };
}

/** n8n's community-package folder holds a symlink to the repository (what `npm link` would do). */
function linkPackage(userFolder, repoDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, 'package.json'), 'utf8'));
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  const link = path.join(nodesDir, 'node_modules', ...pkg.name.split('/'));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(repoDir, link, 'dir');
  return { name: pkg.name, link };
}

async function startDev({
  repoDir = REPO,
  userFolder = path.join(n8n.cacheRoot(), 'dev-v2'),
  port = 5678,
  fresh = false,
  examples = true,
  say = (line) => process.stdout.write(`${line}\n`),
  onToolLine = say,
} = {}) {
  const started = Date.now();
  const resources = [];
  const stop = async () => {
    for (const resource of resources.reverse()) await resource().catch(() => undefined);
    resources.length = 0;
  };
  try {
    say('[1/5] building the package (tsc + gulp)');
    const build = spawnTool('build', [path.join(repoDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: repoDir, onLine: onToolLine });
    if ((await build.exited).code !== 0) throw new Error('tsc failed: fix the errors above, then run npm run dev again');
    const icons = spawnTool('gulp', [path.join(repoDir, 'node_modules/gulp/bin/gulp.js'), '--cwd', repoDir], { cwd: repoDir, onLine: () => undefined });
    if ((await icons.exited).code !== 0) throw new Error('gulp (icons, codex files) failed');

    say('[2/5] watching the sources (tsc --watch, gulp watch)');
    const tsc = spawnTool('tsc', [path.join(repoDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], { cwd: repoDir, onLine: onToolLine });
    resources.push(tsc.stop);
    const gulp = spawnTool('gulp', [path.join(repoDir, 'node_modules/gulp/bin/gulp.js'), '--cwd', repoDir, 'watch'], { cwd: repoDir, onLine: onToolLine });
    resources.push(gulp.stop);

    const paths = n8n.n8nPaths('v2');
    say(`[3/5] n8n 2.x: ${paths.installed ? 'the cached install' : `installing into ${paths.dir} (first run only, from the npm registry; see e2e/README.md)`}`);
    n8n.ensureInstalled('v2', { quiet: true });
    if (fresh) fs.rmSync(userFolder, { recursive: true, force: true });
    if (!port || !(await portFree(port))) port = await n8n.freePort();
    const inst = n8n.createInstance({
      version: 'v2',
      userFolder,
      port,
      brokerPort: await n8n.freePort(),
      extra: { N8N_DEV_RELOAD: 'true' },
    });
    const linked = linkPackage(userFolder, repoDir);

    say('[4/5] the Vishwa stand-in, its credential' + (examples ? ' and the example workflows' : ''));
    const standin = await startStandin({ apiKey: STANDIN_KEY });
    resources.push(() => standin.close());
    await n8n.importCredentials(inst, [vishwa.standinCredential(standin)]);
    if (examples) await n8n.importWorkflows(inst, vishwa.loadExamples().map(({ file, ...wf }) => wf)); // eslint-disable-line no-unused-vars

    say(`[5/5] starting n8n 2.x on 127.0.0.1:${port} with hot reload`);
    const srv = await n8n.startN8n(inst, { timeoutMs: 180000 });
    resources.push(() => n8n.stopN8n(srv));
    const cookie = await vishwa.setupOwner(srv.baseUrl, OWNER);
    say(`
Ready in ${((Date.now() - started) / 1000).toFixed(0)} s.
  n8n:        ${srv.baseUrl}   log in: ${OWNER.email} / ${OWNER.password}
  package:    ${linked.link} -> ${repoDir}
  stand-in:   ${standin.url}  (API key "${STANDIN_KEY}"), credential "${vishwa.CREDENTIAL_NAME}"
Edit a file under nodes/ or credentials/: tsc rebuilds dist/, n8n logs "Hot reload triggered for ${linked.name}"
and the editor picks the change up (reopen the node's panel). Ctrl-C stops everything.`);
    return { url: srv.baseUrl, cookie, userFolder, packageName: linked.name, log: () => srv.output(), srv, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = argv[i].split(/=(.*)/s);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (name === '--port') opts.port = Number(value());
    else if (name === '--user-folder') opts.userFolder = path.resolve(value());
    else if (name === '--fresh') opts.fresh = true;
    else if (name === '--no-examples') opts.examples = false;
    else if (name === '--quiet-tsc') opts.onToolLine = () => undefined;
    else throw new Error(`unknown argument ${argv[i]} (options: --port N, --user-folder DIR, --fresh, --no-examples, --quiet-tsc)`);
  }
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) throw new Error('--port takes a port number');
  return opts;
}

if (require.main === module) {
  (async () => {
    const dev = await startDev(parseArgs(process.argv.slice(2)));
    let stopping = false;
    const shutdown = async (why) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${why}: stopping n8n, the watchers and the stand-in\n`);
      await dev.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => shutdown('Ctrl-C'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    // n8n's own lines about the package (hot reloads, load errors) are worth seeing here.
    const relay = (data) => {
      for (const line of String(data).split('\n')) if (/reload|n8n-nodes-vishwa|error/i.test(line)) process.stdout.write(`[n8n] ${line}\n`);
    };
    dev.srv.child.stdout.on('data', relay);
    dev.srv.child.stderr.on('data', relay);
    dev.srv.exited.then((info) => {
      if (!stopping) {
        process.stdout.write(`n8n exited (${JSON.stringify(info)}):\n${dev.log().split('\n').slice(-40).join('\n')}\n`);
        shutdown('n8n stopped');
      }
    });
  })().catch((error) => {
    process.stderr.write(`dev: ${error.message}\n`);
    vishwa.killChildProcessGroups('SIGKILL');
    process.exit(1);
  });
}

module.exports = { startDev, linkPackage, OWNER };
