#!/usr/bin/env node
'use strict';
// `npm run dev:check`: proves the developer loop (scripts/dev.js) end to end, on a temporary copy
// of the repository so no real file is touched:
//   1. starts the loop there (tsc --watch, gulp watch, the cached n8n 2.x with N8N_DEV_RELOAD=true
//      loading the package through a symlink), logs in, reads the Vishwa node's description from
//      n8n's /types/nodes.json (what the editor loads);
//   2. edits the node's description string in nodes/Vishwa/Vishwa.node.ts of the copy;
//   3. waits until the running n8n serves the new description (tsc recompiles, n8n's watcher
//      reloads the package), without any reinstall or restart; the same n8n process throughout.
// Control: the description before the edit does not carry the marker. Exit code 0 when it passes.
// Takes about a minute (n8n's start dominates), so it is not part of `npm test`.
const fs = require('fs');
const os = require('os');
const path = require('path');
const vishwa = require('../e2e/lib/vishwa');
const { startDev } = require('./dev');

const REPO = path.resolve(__dirname, '..');
const NODE_FILE = 'nodes/Vishwa/Vishwa.node.ts';
const NODE_TYPE = 'n8n-nodes-vishwa.vishwa';
const SKIP = new Set(['node_modules', 'dist', '.git', 'test-artifacts', 'coverage', '.e2e-cache']);

const say = (line) => process.stdout.write(`${line}\n`);

/** The repository as it is on disk now (uncommitted edits included), node_modules linked, not copied. */
function copyRepo(target) {
  fs.cpSync(REPO, target, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(REPO, source);
      return relative === '' || !(SKIP.has(relative.split(path.sep)[0]) || relative.startsWith(path.join('bench', 'tmp')));
    },
  });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(target, 'node_modules'), 'dir');
}

/**
 * The Vishwa node's descriptions in n8n's /types/nodes.json (what the editor loads), or undefined
 * when the answer did not come whole: n8n rewrites that file while it reloads a package, and a
 * download under way then breaks off. fetch with a deadline, so a broken answer cannot hang us.
 */
async function nodeDescriptions(dev) {
	let res;
	let types;
	try {
		res = await fetch(`${dev.url}/types/nodes.json`, { headers: { cookie: dev.cookie }, signal: AbortSignal.timeout(30000) });
		types = await res.json();
	} catch {
		return undefined;
	}
	if (res.status !== 200 || !Array.isArray(types)) throw new Error(`GET /types/nodes.json: HTTP ${res.status}`);
	const versions = types.filter((type) => type.name === NODE_TYPE);
	if (versions.length === 0) throw new Error(`n8n does not list ${NODE_TYPE}: the package did not load (see the n8n log)`);
	return versions.map((type) => type.description);
}

async function main() {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-dev-check-'));
  const repoCopy = path.join(work, 'repo');
  let dev;
  try {
    copyRepo(repoCopy);
    dev = await startDev({
      repoDir: repoCopy,
      userFolder: path.join(work, 'n8n'),
      port: 0, // any free port
      examples: false,
      say: (line) => say(line.split('\n')[0]),
      onToolLine: () => undefined,
    });
    const before = await nodeDescriptions(dev);
    if (!before) throw new Error('GET /types/nodes.json failed right after n8n started');
    const pid = dev.srv.pid;
    say(`before the edit, n8n serves the description ${JSON.stringify(before[0])}`);

    const marker = `edited at ${new Date().toISOString()}`;
    const file = path.join(repoCopy, NODE_FILE);
    const source = fs.readFileSync(file, 'utf8');
    const pattern = /(\n\t\tdescription: ')([^'\n]*)(',)/;
    if (!pattern.test(source)) throw new Error(`${NODE_FILE}: no "description: '...'" line to edit; update scripts/dev-check.js`);
    if (before.some((text) => text.includes(marker))) throw new Error('control failed: the marker is there before the edit');
    const edited = Date.now();
    fs.writeFileSync(file, source.replace(pattern, `$1$2 (${marker})$3`));
    say(`edited ${NODE_FILE} in the copy: description + " (${marker})"`);

    let after = before;
    while (!after.some((text) => text.includes(marker))) {
      if (Date.now() - edited > 120000) throw new Error(`n8n still serves the old description 120 s after the edit. n8n log:\n${dev.log().split('\n').slice(-30).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = (await nodeDescriptions(dev)) ?? after;
    }
    const seconds = ((Date.now() - edited) / 1000).toFixed(1);
    const reloads = (dev.log().match(/Hot reload triggered for n8n-nodes-vishwa/g) ?? []).length;
    if (dev.srv.pid !== pid || dev.srv.child.exitCode !== null) throw new Error('n8n was restarted: that is not a hot reload');
    say(`PASSED: ${seconds} s after the edit the same n8n process (pid ${pid}) serves ${JSON.stringify(after[0])} (${NODE_TYPE} listed ${before.length} time(s) before the edit, ${after.length} after); n8n logged ${reloads} hot reload(s) of the package; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  } finally {
    if (dev) await dev.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`dev-check FAILED: ${error.message}\n`);
  vishwa.killChildProcessGroups('SIGKILL');
  process.exit(1);
});
