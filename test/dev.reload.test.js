'use strict';
// The pieces of `npm run dev` (scripts/dev.js) that n8n's hot reload depends on, through n8n-core
// 2.41.1's own loader code: the symlink in the community-package folder is found as n8n-nodes-vishwa,
// loaded from the repository's real path (what n8n 2.41.1's setupHotReload watches, since the
// package is not lazy-loaded), and a changed file in dist/ shows after the reload steps n8n runs on
// a file event (drop the modules under the watched path from require's cache, reset, loadAll).
// The whole loop in a running n8n, file watcher included, is `npm run dev:check` (about a minute).
// In a child process: Jest's module registry would stand in for Node's require cache.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

let work;
beforeAll(() => {
	if (!fs.existsSync(path.join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-dev-reload-'));
	// A copy of the built package, so the edit below never touches the real dist/.
	const pkg = path.join(work, 'pkg');
	fs.mkdirSync(pkg);
	fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
	fs.cpSync(path.join(root, 'dist'), path.join(pkg, 'dist'), { recursive: true });
	fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the linked package loads under its published name and reloads from its real path', () => {
	const script = `
		const fs = require('fs');
		const path = require('path');
		const { scanDirectoryForPackages } = require('n8n-core');
		const { linkPackage } = require(${JSON.stringify(path.join(root, 'scripts/dev.js'))});
		(async () => {
			const work = ${JSON.stringify(work)};
			const pkg = path.join(work, 'pkg');
			const linked = linkPackage(path.join(work, 'user'), pkg);
			const loaders = await scanDirectoryForPackages(path.join(work, 'user', '.n8n', 'nodes', 'node_modules'));
			const loader = loaders[0];
			await loader.loadAll();
			const describe = () => loader.types.nodes.filter((t) => t.name === 'vishwa').map((t) => t.description);
			const before = describe();
			const nodeFile = path.join(pkg, 'dist/nodes/Vishwa/Vishwa.node.js');
			fs.writeFileSync(nodeFile, fs.readFileSync(nodeFile, 'utf8').replace(before[0], before[0] + ' (edited)'));
			// What n8n 2.41.1 does on a file event under the watched path (setupHotReload, reloadLoader).
			const watchPath = loader.isLazyLoaded ? path.join(loader.directory, 'dist') : loader.directory;
			for (const module of Object.keys(require.cache)) if (module.startsWith(watchPath)) delete require.cache[module];
			loader.reset();
			await loader.loadAll();
			process.stdout.write(JSON.stringify({
				link: fs.readlinkSync(linked.link), names: loaders.map((l) => l.packageName), directory: loader.directory,
				lazy: loader.isLazyLoaded, nodes: Object.keys(loader.known.nodes).sort(), before, after: describe(),
			}));
		})().catch((e) => { console.error(e); process.exit(1); });`;
	const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } }));
	expect(result.link).toBe(path.join(work, 'pkg'));
	expect(result.names).toEqual(['n8n-nodes-vishwa']);
	expect(result.directory).toBe(fs.realpathSync(path.join(work, 'pkg')));
	expect(result.lazy).toBe(false);
	expect(result.nodes).toEqual(expect.arrayContaining(['vishwa', 'vishwaTrigger']));
	expect(result.before).toHaveLength(1);
	expect(result.before[0]).not.toContain('(edited)');
	expect(result.after).toEqual([`${result.before[0]} (edited)`]);
});
