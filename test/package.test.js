'use strict';
// What `npm publish` would ship, checked against n8n's community-package rules: only the built
// code and the docs, every declared node and credential loads as n8n loads it, the manifest has
// the fields n8n's installer and verification look for, and lint runs n8n's own configuration.
const { runNpm } = require('../e2e/lib/npm');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = require('../package.json');

let packed; // npm pack --dry-run --json, first (only) entry
beforeAll(() => {
	if (!fs.existsSync(path.join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	packed = JSON.parse(runNpm(['pack', '--dry-run', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }))[0];
});

const packedPaths = () => packed.files.map((file) => file.path).sort();
const declaredFiles = () => [...pkg.n8n.nodes, ...pkg.n8n.credentials];
/** n8n loads the class named like the file: dist/nodes/Vishwa/Vishwa.node.js exports Vishwa. */
const className = (file) => path.basename(file).split('.')[0];

describe('tarball contents', () => {
	test('is only dist/, README.md, LICENSE and package.json', () => {
		const outside = packedPaths().filter(
			(file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(file),
		);
		expect(outside).toEqual([]);
		expect(packedPaths()).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
	});

	test('ships compiled JavaScript, icons and codex files only: no sources, maps, tests or secrets', () => {
		const unexpected = packedPaths().filter(
			(file) => file.startsWith('dist/') && !/\.(js|svg|png|node\.json)$/.test(file),
		);
		expect(unexpected).toEqual([]);
		const suspicious = packedPaths().filter((file) =>
			/(\.ts|\.map|\.test\.js|\.spec\.js|\.env(\..*)?|\.pem|\.key|\.p12|\.npmrc|id_rsa.*|\.tgz)$|(^|\/)(test|tests|__tests__|e2e|bench)\//.test(
				file,
			),
		);
		expect(suspicious).toEqual([]);
	});

	test('no shipped file contains a private key or an embedded credential', () => {
		const offending = packedPaths().filter((file) => {
			const text = fs.readFileSync(path.join(root, file), 'utf8');
			return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) || /XP-API-Key['"]?\s*:\s*['"](?!=)/.test(text);
		});
		expect(offending).toEqual([]);
	});

	test('ships every compiled file of nodes/ and credentials/ (the build is complete)', () => {
		const sources = [];
		const walk = (dir) => {
			for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
				const rel = `${dir}/${entry.name}`;
				if (entry.isDirectory()) walk(rel);
				else if (entry.name.endsWith('.ts')) sources.push(`dist/${rel.replace(/\.ts$/, '.js')}`);
				else if (/\.(svg|png)$|\.node\.json$/.test(entry.name)) sources.push(`dist/${rel}`);
			}
		};
		walk('nodes');
		walk('credentials');
		expect(packedPaths()).toEqual(expect.arrayContaining(sources));
	});
});

describe('package.json', () => {
	test('has the community-node fields n8n looks for', () => {
		expect(pkg.name).toMatch(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-[a-z0-9-._~]+$/);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.n8n.strict).toBe(true);
		expect(pkg.n8n.nodes.length).toBeGreaterThan(0);
		for (const file of declaredFiles()) expect(file).toMatch(/^dist\/.+\.(node|credentials)\.js$/);
	});

	test('has no runtime dependencies; n8n-workflow is the only peer dependency', () => {
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.optionalDependencies).toBeUndefined();
		expect(pkg.bundleDependencies ?? pkg.bundledDependencies).toBeUndefined();
		expect(Object.keys(pkg.peerDependencies)).toEqual(['n8n-workflow']);
	});

	test('has no install-time scripts (n8n installs community packages with scripts off)', () => {
		const lifecycle = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
		expect(Object.keys(pkg.scripts).filter((name) => lifecycle.includes(name))).toEqual([]);
	});

	test('the published manifest is the repository one', () => {
		const manifest = packed.files.find((file) => file.path === 'package.json');
		expect(manifest).toBeDefined();
		expect(packed.name).toBe(pkg.name);
		expect(packed.version).toBe(pkg.version);
	});
});

describe('declared nodes and credentials (built)', () => {
	test.each(declaredFiles())('%s is shipped, loads, and its class and name match the file', (file) => {
		expect(packedPaths()).toContain(file);
		const exported = require(path.join(root, file));
		const Class = exported[className(file)];
		expect(typeof Class).toBe('function');
		const instance = new Class();
		// Vishwa.node.js -> "vishwa"; VishwaApi.credentials.js -> "vishwaApi".
		const expectedName = className(file)[0].toLowerCase() + className(file).slice(1);
		if (file.endsWith('.node.js')) {
			expect(instance.description.name).toBe(expectedName);
			expect(typeof (instance.execute ?? instance.poll ?? instance.trigger ?? instance.webhook)).toBe('function');
			for (const credential of instance.description.credentials ?? []) {
				// Every credential a node asks for is one this package declares.
				const declared = pkg.n8n.credentials.map((cred) => {
					const base = className(cred);
					return base[0].toLowerCase() + base.slice(1);
				});
				expect(declared).toContain(credential.name);
			}
		} else {
			expect(instance.name).toBe(expectedName);
		}
	});

	test('a codex file next to a node names that node by package and node name', () => {
		for (const file of pkg.n8n.nodes) {
			const codex = path.join(root, file.replace(/\.js$/, '.json'));
			if (!fs.existsSync(codex)) continue;
			const description = new (require(path.join(root, file))[className(file)])().description;
			expect(JSON.parse(fs.readFileSync(codex, 'utf8')).node).toBe(`${pkg.name}.${description.name}`);
		}
	});

	// n8n's editor (2.41.1, NodeSettings docsUrl) opens `${primaryDocumentation[0].url}?utm_source=…`
	// unless the node sets an http(s) documentationUrl: a "#anchor" there would swallow that query and
	// miss its anchor. A credential's http(s) documentationUrl outside docs.n8n.io is opened as it is.
	test("the Docs link survives n8n's appended tracking query: no #anchor in a node's primary documentation", () => {
		for (const file of pkg.n8n.nodes) {
			const codex = JSON.parse(fs.readFileSync(path.join(root, file.replace(/\.js$/, '.json')), 'utf8'));
			const url = codex.resources.primaryDocumentation[0].url;
			const opened = new URL(`${url}?utm_source=n8n_app&utm_campaign=x`);
			expect({ file, url, hash: opened.hash, path: opened.pathname }).toEqual({
				file,
				url,
				hash: '',
				path: expect.stringMatching(/^\/vishwa-ai\/n8n-nodes-vishwa\/blob\/main\/(README|docs\/[a-z-]+)\.md$/),
			});
			const local = opened.pathname.replace(/^\/vishwa-ai\/n8n-nodes-vishwa\/blob\/main\//, '');
			expect(fs.existsSync(path.join(root, local))).toBe(true);
		}
	});

	test('icons each node and credential references exist in dist', () => {
		for (const file of declaredFiles()) {
			const instance = new (require(path.join(root, file))[className(file)])();
			const icon = file.endsWith('.node.js') ? instance.description.icon : instance.icon;
			expect(icon).toBeDefined();
			for (const ref of typeof icon === 'string' ? [icon] : Object.values(icon)) {
				const iconPath = path.resolve(path.dirname(path.join(root, file)), ref.replace(/^file:/, ''));
				expect({ file, ref, shipped: packedPaths().includes(path.relative(root, iconPath)) }).toEqual({
					file,
					ref,
					shipped: true,
				});
			}
		}
	});
});

test("lint uses n8n's default eslint config unchanged (what `n8n-node lint` requires in strict mode)", () => {
	// @n8n/node-cli's "exports" hide its files from require.resolve; it is a devDependency at the root.
	const template = path.join(root, 'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs');
	const normalize = (file) => fs.readFileSync(file, 'utf8').replace(/\s+/g, ' ').trim();
	expect(normalize(path.join(root, 'eslint.config.mjs'))).toBe(normalize(template));
});

// The README ships in the tarball and is the package's page on npm and in n8n's community-node
// listing: the community shape (install, credentials, operations, compatibility, resources, version
// history) at 150 to 300 lines; everything longer lives in docs/ and CONTRIBUTING.md.
test('the README has the community shape and length, and keeps the command CI runs', () => {
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const lines = readme.split('\n').length;
	expect({ lines, inRange: lines >= 150 && lines <= 300 }).toEqual({ lines, inRange: true });
	const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
	for (const section of ['Quick start', 'Installation', 'Credentials', 'Operations', 'Vishwa Trigger', 'Use with AI agents', 'Errors and retries', 'Compatibility', 'Try it offline (playground)', 'Examples', 'Resources', 'Version history']) {
		expect({ section, present: headings.includes(section) }).toEqual({ section, present: true });
	}
	expect(readme).toContain('npm ci && npm test');
	expect(readme).toContain('](docs/images/quick-start-start-and-wait.png)');
	expect(fs.existsSync(path.join(root, 'docs/images/quick-start-start-and-wait.png'))).toBe(true);
});

// The quick start sends a newcomer to an action by the text n8n lists it under (the operation's
// `action`); that text changed once (agent-facing wording) and the README kept the old one.
test('the README quick start names the Start action as the built node lists it', () => {
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
	const named = /pick the action \*([^*]+)\*/.exec(readme);
	const { Vishwa } = require(path.join(root, 'dist/nodes/Vishwa/Vishwa.node.js'));
	const actions = new Vishwa().description.properties.filter((p) => p.name === 'operation').flatMap((p) => p.options.map((o) => o.action));
	expect(named && named[1]).toBe(actions.find((action) => /^Start/.test(action)));
});

// Issue 19 point 5: a plain-HTTP server needs http:// written out; the credential section says so
// before anything else. Where Vishwa shows the key is no published fact (docs/api.md): the field hedges like the README.
test('the README credential section leads with the http:// advice; the API Key field hedges where the key is', () => {
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const section = readme.split(/^## Credentials$/m)[1].split(/^## /m)[0];
	const firstParagraph = section.trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ');
	expect(firstParagraph).toMatch(/^\*\*A server without TLS .*needs `http:\/\/` written out/);
	const { VishwaApi } = require(path.join(root, 'dist/credentials/VishwaApi.credentials.js'));
	const apiKey = new VishwaApi().properties.find((p) => p.name === 'apiKey');
	expect(apiKey.description).toMatch(/if yours does not show the key, ask whoever administers your Vishwa workspace/);
	expect(apiKey.description).not.toMatch(/Find it in Vishwa under/);
});
