#!/usr/bin/env node
'use strict';
// Offline playground: `npm start` (after `npm ci`).
//   builds the package, starts the Vishwa stand-in and a real n8n on 127.0.0.1 with the package
//   loaded (laid out as n8n's community-package installer does), an owner account to log in with,
//   a "Vishwa API (stand-in)" credential pointing at the stand-in and the examples imported.
//   Ctrl-C stops both.
// Options: --n8n v1|v2 (default v2), --port N (n8n, default 5678; its task broker uses N+1),
//   --standin-port N (default 5680), --fresh (start from an empty n8n user folder).
// The first run installs n8n into ~/.cache/n8n-nodes-vishwa-e2e (about 10 minutes, once).
const fs = require('fs');
const path = require('path');
const { runNpm } = require('./lib/npm');
const n8n = require('./lib/n8n');
const vishwa = require('./lib/vishwa');
const { startStandin } = require('../test/standin/server');

const OWNER = { email: 'playground@example.com', firstName: 'Play', lastName: 'Ground', password: 'Playground-1' };
const STANDIN_KEY = 'playground-key';

function parseArgs(argv) {
  const opts = { version: 'v2', port: 5678, standinPort: 5680, fresh: false };
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = argv[i].split(/=(.*)/s);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (name === '--n8n') opts.version = value();
    else if (name === '--port') opts.port = Number(value());
    else if (name === '--standin-port') opts.standinPort = Number(value());
    else if (name === '--fresh') opts.fresh = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!n8n.VERSIONS.includes(opts.version)) throw new Error(`--n8n takes ${n8n.VERSIONS.join(' or ')}`);
  for (const p of [opts.port, opts.standinPort]) if (!Number.isInteger(p) || p < 1 || p > 65534) throw new Error(`invalid port ${p}`);
  return opts;
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = require('net').createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const say = (msg) => process.stdout.write(`${msg}\n`);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const [what, port] of [['n8n', opts.port], ['n8n task broker', opts.port + 1], ['stand-in', opts.standinPort]]) {
    if (!(await portFree(port))) throw new Error(`port ${port} (${what}) is in use on 127.0.0.1: stop what uses it, or pick another with --port / --standin-port`);
  }

  say('[1/5] building the package');
  runNpm(['run', '--silent', 'build'], { cwd: vishwa.REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = n8n.packPackage(vishwa.REPO);

  const paths = n8n.n8nPaths(opts.version);
  say(`[2/5] n8n ${opts.version}: ${paths.installed ? 'checking the cached install' : `installing into ${paths.dir} (first run only: about 10 minutes, ~3 GB; see the README)`}`);
  n8n.ensureInstalled(opts.version);

  const userFolder = path.join(n8n.cacheRoot(), `playground-${opts.version}`);
  if (opts.fresh) fs.rmSync(userFolder, { recursive: true, force: true });
  const inst = n8n.createInstance({ version: opts.version, userFolder, port: opts.port, brokerPort: opts.port + 1 });
  n8n.installPackageTarball(userFolder, tgz);
  fs.rmSync(path.dirname(tgz), { recursive: true, force: true });

  say(`[3/5] starting the Vishwa stand-in on 127.0.0.1:${opts.standinPort}`);
  const standin = await startStandin({ port: opts.standinPort, apiKey: STANDIN_KEY });
  standin.state.setFlow({ id: 'flow-followup', durationMs: 300 }); // used by the trigger example
  let srv = null;
  let stopping = false;
  const stop = async (code, why) => {
    if (stopping) return;
    stopping = true;
    if (why) say(`\n${why}: stopping n8n and the stand-in`);
    try { if (srv) await n8n.stopN8n(srv); } finally {
      vishwa.killChildProcessGroups('SIGKILL'); // an import still running when Ctrl-C came
      await standin.close();
      say('stopped');
      process.exit(code);
    }
  };
  process.on('SIGINT', () => stop(0, 'Ctrl-C'));
  process.on('SIGTERM', () => stop(0, 'SIGTERM'));

  say('[4/5] importing the credential and the example workflows');
  await n8n.importCredentials(inst, [vishwa.standinCredential(standin)]);
  const examples = vishwa.loadExamples().map(({ file, ...wf }) => wf); // eslint-disable-line no-unused-vars
  await n8n.importWorkflows(inst, examples);

  say(`[5/5] starting n8n ${opts.version} on 127.0.0.1:${opts.port}`);
  srv = await n8n.startN8n(inst, { timeoutMs: 180000 });
  const logFile = path.join(userFolder, 'n8n-playground.log');
  fs.writeFileSync(logFile, srv.output());
  srv.child.stdout.on('data', (d) => fs.appendFileSync(logFile, d));
  srv.child.stderr.on('data', (d) => fs.appendFileSync(logFile, d));
  srv.exited.then((info) => {
    if (stopping) return;
    say(`\nn8n exited unexpectedly (${JSON.stringify(info)}). Its last lines:\n${srv.output().split('\n').slice(-40).join('\n')}`);
    stop(1);
  });
  await vishwa.setupOwner(srv.baseUrl, OWNER);

  say(`
Playground ready.
  n8n:        ${srv.baseUrl}   log in: ${OWNER.email} / ${OWNER.password}
  stand-in:   ${standin.url}  (API key "${STANDIN_KEY}"; flows flow-ok, flow-fail, flow-slow, flow-instant, flow-followup;
              control API ${standin.url}/__control, see test/standin/CONTRACT.md)
  credential: "${vishwa.CREDENTIAL_NAME}" (points at the stand-in)
  workflows:  ${examples.map((w) => `"${w.name}"`).join('\n              ')}
  n8n log:    ${logFile}
Open a workflow and click "Execute workflow". Press Ctrl-C to stop n8n and the stand-in.`);
}

main().catch((err) => {
  process.stderr.write(`playground: ${err.message}\n`);
  vishwa.killChildProcessGroups('SIGKILL');
  process.exit(1);
});
