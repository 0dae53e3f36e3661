'use strict';
// `npm run lint` covers every source file of the repository, not only the shipped ones: the shipped
// code (credentials/, nodes/, package.json) with n8n's community-node config (eslint.config.mjs, the
// template unchanged), everything else with eslint.tooling.config.mjs (ESLint recommended, Node).
// The probes show each configuration really reports something in each folder (a config that
// matched a file but enabled no rule would pass any lint run).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = require('../package.json');

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'test-artifacts', 'coverage', '.e2e-cache']);
function sourceFiles(dir = root) {
	const out = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		if (entry.isDirectory()) {
			if (!SKIP_DIRS.has(entry.name) && !(dir === path.join(root, 'bench') && entry.name === 'tmp')) out.push(...sourceFiles(path.join(dir, entry.name)));
		} else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) {
			out.push(path.relative(root, path.join(dir, entry.name)));
		}
	}
	return out.sort();
}

// ESLint loads its .mjs configs with import(), which Jest's module sandbox does not support: ask a
// plain Node process instead.
function eslintReport(request) {
	const script = `
		const { ESLint } = require('eslint');
		(async () => {
			const request = JSON.parse(process.argv[1]);
			const out = { files: {}, probes: {} };
			for (const [name, configFile] of Object.entries({ shipped: 'eslint.config.mjs', tooling: 'eslint.tooling.config.mjs' })) {
				const eslint = new ESLint({ cwd: request.root, overrideConfigFile: configFile });
				out.files[name] = {};
				for (const file of request.files) {
					const ignored = await eslint.isPathIgnored(file);
					const config = ignored ? undefined : await eslint.calculateConfigForFile(file);
					out.files[name][file] = { ignored, rules: config ? Object.values(config.rules || {}).filter((r) => (Array.isArray(r) ? r[0] : r) !== 0 && (Array.isArray(r) ? r[0] : r) !== 'off').length : 0 };
				}
				out.probes[name] = {};
				for (const probe of request.probes[name]) {
					const [result] = await eslint.lintText(probe.code, { filePath: probe.filePath });
					out.probes[name][probe.filePath] = result.messages.map((m) => m.ruleId);
				}
			}
			process.stdout.write(JSON.stringify(out));
		})().catch((e) => { console.error(e); process.exit(1); });`;
	return JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(request)], { cwd: root, encoding: 'utf8' }));
}

const files = sourceFiles();
const toolingFolders = ['e2e', 'e2e/lib', 'bench', 'bench/lib', 'scripts', 'test', 'test/harness', 'test/standin', 'test/support'];
const probes = {
	tooling: [
		...toolingFolders.map((folder) => ({ filePath: path.join(root, folder, 'lint-probe.js'), code: "'use strict';\nconst unused = 1;\n" })),
		{ filePath: path.join(root, 'scripts', 'lint-probe.mjs'), code: 'const unused = 1;\n' },
	],
	shipped: [
		{ filePath: path.join(root, 'nodes', 'Vishwa', 'lintProbe.ts'), code: 'export const wait = () => setTimeout(() => undefined, 1);\n' },
		{ filePath: path.join(root, 'credentials', 'lintProbe.ts'), code: 'export const wait = () => setTimeout(() => undefined, 1);\n' },
	],
};
let report;
beforeAll(() => {
	report = eslintReport({ root, files, probes });
});

test('the lint script runs both configurations over the whole repository', () => {
	const commands = pkg.scripts.lint.split('&&').map((c) => c.trim());
	expect(commands).toEqual([
		'eslint --max-warnings 0 credentials nodes package.json',
		'eslint --max-warnings 0 --config eslint.tooling.config.mjs .',
	]);
});

test('every TypeScript file is shipped code, linted by n8n\'s rules', () => {
	const ts = files.filter((f) => f.endsWith('.ts'));
	expect(ts.length).toBeGreaterThan(20);
	expect(ts.filter((f) => !/^(credentials|nodes)\//.test(f))).toEqual([]);
	expect(ts.filter((f) => report.files.shipped[f].ignored || report.files.shipped[f].rules < 50)).toEqual([]);
});

test('every JavaScript file (tests, stand-in, e2e, bench, scripts, root configs) is linted with rules on', () => {
	const js = files.filter((f) => !f.endsWith('.ts'));
	for (const folder of ['e2e/', 'bench/', 'scripts/', 'test/', 'test/standin/', 'test/harness/']) {
		expect({ folder, files: js.filter((f) => f.startsWith(folder)).length > 0 }).toEqual({ folder, files: true });
	}
	expect(js.filter((f) => report.files.tooling[f].ignored || report.files.tooling[f].rules < 30)).toEqual([]);
});

test('probes: an unused variable is reported in every tooling folder, a forbidden global in shipped code', () => {
	for (const [file, rules] of Object.entries(report.probes.tooling)) {
		expect({ file: path.relative(root, file), rules }).toEqual({ file: path.relative(root, file), rules: ['no-unused-vars'] });
	}
	for (const [file, rules] of Object.entries(report.probes.shipped)) {
		expect({ file: path.relative(root, file), rules }).toEqual({ file: path.relative(root, file), rules: expect.arrayContaining(['@n8n/community-nodes/no-restricted-globals']) });
	}
});
