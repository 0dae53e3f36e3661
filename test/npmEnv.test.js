'use strict';
// Issue 18: every nested npm step (the n8n installer's sqlite3 rebuild, npm run build / npm pack
// in the e2e, playground, editor check, scanner and tests) must do the same thing whatever
// npm_config_* it inherits. Under `npm test`, npm exports the project's .npmrc
// (ignore-scripts=true) to every child; a nested `npm rebuild` then "succeeds" and builds nothing,
// which only a warm cache hid. These tests run the real steps under that hostile environment.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cleanNpmEnv, runNpm, KEEP } = require('../e2e/lib/npm');

const root = path.resolve(__dirname, '..');
const NPM_ENV_SH = path.join(root, 'e2e', 'lib', 'npm-env.sh');

/** What `npm test` hands its children (measured: `npm run env` under this repo's .npmrc), plus worse. */
const HOSTILE = {
	npm_config_ignore_scripts: 'true',
	NPM_CONFIG_IGNORE_SCRIPTS: 'true',
	npm_config_dry_run: 'true',
	npm_config_omit: 'dev',
	npm_config_foreground_scripts: 'false',
	npm_config_nodedir: '/nonexistent-node-headers',
	npm_config_local_prefix: '/nonexistent-prefix',
};

/** Worse still (found by review): settings that break a plain npm outright, one bash cannot unset. */
const WORSE = {
	...HOSTILE,
	npm_config_global: 'true',
	NPM_CONFIG_PRODUCTION: 'true',
	'npm_config_script-shell': '/bin/false', // a name bash cannot unset; npm still reads it
	NODE_OPTIONS: '--require /nonexistent-preload.js',
};

let dir;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-npmenv-'));
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
		name: 'host', version: '1.0.0', private: true,
		scripts: { prebuild: 'node -e "require(\'fs\').writeFileSync(\'prebuilt.txt\',\'ok\')"', build: 'node -e "0"' },
	}));
	// A dependency with a native-build-like install script, laid out the way `npm ci --ignore-scripts` leaves it.
	const dep = path.join(dir, 'node_modules', 'fake-native');
	fs.mkdirSync(dep, { recursive: true });
	fs.writeFileSync(path.join(dep, 'package.json'), JSON.stringify({
		name: 'fake-native', version: '1.0.0',
		scripts: { install: 'node -e "require(\'fs\').writeFileSync(\'built.txt\',\'ok\')"' },
	}));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const built = () => fs.existsSync(path.join(dir, 'node_modules', 'fake-native', 'built.txt'));
const nodeDir = path.resolve(path.dirname(process.execPath), '..');

function bash(script, env) {
	const res = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
	return res;
}

describe("the installer's native rebuild (e2e/lib/npm-env.sh rebuild_native)", () => {
	test('control: a plain nested `npm rebuild` under the inherited setting builds nothing (the original fault)', () => {
		const res = bash(`cd "${dir}" && npm rebuild fake-native --foreground-scripts`, HOSTILE);
		expect(res.status).toBe(0); // npm says it rebuilt...
		expect(built()).toBe(false); // ...and ran no install script
	});

	test('runs the install script under every hostile npm_config_* setting', () => {
		const res = bash(`. "${NPM_ENV_SH}" && rebuild_native "${dir}" fake-native "${nodeDir}"`, WORSE);
		expect(res.stderr + res.stdout).not.toMatch(/ERR!/);
		expect(res.status).toBe(0);
		expect(built()).toBe(true);
	});

	test('a user config that says global=true (kept: userconfig is a where-to-fetch setting) does not turn the rebuild into a no-op', () => {
		const userconfig = path.join(dir, 'user.npmrc');
		fs.writeFileSync(userconfig, 'global=true\n');
		const res = bash(`. "${NPM_ENV_SH}" && rebuild_native "${dir}" fake-native "${nodeDir}"`, { ...HOSTILE, npm_config_userconfig: userconfig });
		expect(res.status).toBe(0);
		expect(built()).toBe(true);
	});

	test('clean_npm_env drops behaviour settings, keeps where-to-fetch ones', () => {
		const res = bash(`. "${NPM_ENV_SH}" && clean_npm_env && env | grep -i '^npm_config_' | sort`, {
			...HOSTILE, npm_config_cache: '/tmp/some-cache', npm_config_registry: 'http://127.0.0.1:9/',
		});
		expect(res.status).toBe(0);
		const names = res.stdout.trim().split('\n').map((l) => l.split('=')[0].toLowerCase());
		for (const name of Object.keys(HOSTILE)) expect(names).not.toContain(name.toLowerCase());
		expect(names).toEqual(expect.arrayContaining(['npm_config_cache', 'npm_config_registry']));
	});

	test('e2e/install-n8n.sh cleans its environment before any npm and builds sqlite3 only through rebuild_native', () => {
		const script = fs.readFileSync(path.join(root, 'e2e', 'install-n8n.sh'), 'utf8');
		const lines = script.split('\n').filter((l) => !/^\s*#/.test(l));
		const cleanAt = lines.findIndex((l) => /^\s*clean_npm_env\s*$/.test(l));
		const npmLines = lines.map((l, i) => [l, i]).filter(([l]) => /(^|[\s(&;])npm(_clean)?\s/.test(l));
		expect(cleanAt).toBeGreaterThanOrEqual(0);
		expect(npmLines.length).toBeGreaterThan(0);
		for (const [line, i] of npmLines) {
			expect(i).toBeGreaterThan(cleanAt);
			expect(line).toMatch(/--ignore-scripts=(true|false)/); // every npm call says what it wants
		}
		expect(script).toMatch(/rebuild_native "\$dest" sqlite3 "\$node_dir"/);
		expect(script).not.toMatch(/npm rebuild/);
		// Every npm call goes through npm_clean (drops what bash cannot unset, e.g. dashed names).
		for (const [line] of npmLines) expect(line).toMatch(/npm_clean /);
	});
});

describe('runNpm (e2e/lib/npm.js), used for every nested npm in e2e/, bench/, scripts/ and test/', () => {
	test('control: a nested `npm run build` under the inherited setting skips the pre-script', () => {
		const res = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...HOSTILE } });
		expect(res.status).toBe(0);
		expect(fs.existsSync(path.join(dir, 'prebuilt.txt'))).toBe(false);
	});

	test('runs npm as configured by its own command line, whatever the parent exported', () => {
		const saved = { ...process.env };
		Object.assign(process.env, WORSE);
		try {
			runNpm(['run', 'build'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
		} finally {
			for (const key of Object.keys(WORSE)) if (!(key in saved)) delete process.env[key]; else process.env[key] = saved[key];
		}
		expect(fs.existsSync(path.join(dir, 'prebuilt.txt'))).toBe(true);
	});

	test('cleanNpmEnv keeps the same keys as the shell helper', () => {
		// The two lists are twins (Node scripts and shell steps): held to one text here.
		const shellKeep = /^NPM_ENV_KEEP='([^']+)'$/m.exec(fs.readFileSync(NPM_ENV_SH, 'utf8'))[1];
		expect(KEEP.source).toBe(shellKeep);
		const env = cleanNpmEnv({ ...WORSE, npm_config_cache: '/c', npm_config_registry: 'r', npm_config_https_proxy: 'p', PATH: '/bin' });
		expect(Object.keys(env).sort()).toEqual(['PATH', 'npm_config_cache', 'npm_config_https_proxy', 'npm_config_registry']);
	});

	test('a failing npm call throws with its exit status', () => {
		expect(() => runNpm(['run', 'no-such-script'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })).toThrow(/failed \(exit \d+\)/);
	});

	test('no script in the repo spawns npm or the installer without the clean environment', () => {
		const offenders = [];
		const walk = (d) => {
			for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
				if (['node_modules', 'n8n-v1', 'n8n-v2', 'dist', '.git'].includes(entry.name)) continue;
				const p = path.join(d, entry.name);
				if (entry.isDirectory()) walk(p);
				else if (/\.(c?js|mjs|ts)$/.test(entry.name) && p !== path.join(root, 'e2e', 'lib', 'npm.js') && p !== __filename) {
					const src = fs.readFileSync(p, 'utf8');
					if (/(spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"`]npm['"`]/.test(src)) offenders.push(`${path.relative(root, p)}: spawns npm directly`);
					if (/(execSync|exec)\(\s*['"`]npm\s/.test(src)) offenders.push(`${path.relative(root, p)}: runs npm through a shell`);
					for (const m of src.matchAll(/install-n8n\.sh'\),[^\n]*\n?[^\n]*/g)) {
						if (!/cleanNpmEnv\(\)/.test(m[0])) offenders.push(`${path.relative(root, p)}: runs install-n8n.sh with the inherited environment`);
					}
				}
			}
		};
		for (const top of ['e2e', 'bench', 'scripts', 'test']) walk(path.join(root, top));
		expect(offenders).toEqual([]);
	});
});

test('n8n processes the e2e, playground and editor check start get no inherited npm behaviour settings (n8n runs npm itself)', () => {
	const { n8nEnv } = require('../e2e/lib/n8n');
	const saved = { ...process.env };
	Object.assign(process.env, HOSTILE, { npm_config_cache: '/tmp/kept-cache' });
	let env;
	try {
		env = n8nEnv({ version: 'v2', userFolder: os.tmpdir() });
	} finally {
		for (const key of [...Object.keys(HOSTILE), 'npm_config_cache']) if (!(key in saved)) delete process.env[key]; else process.env[key] = saved[key];
	}
	const npmKeys = Object.keys(env).filter((key) => key.toLowerCase().startsWith('npm_config_'));
	expect(npmKeys).toContain('npm_config_cache');
	expect(npmKeys.filter((key) => !KEEP.test(key.toLowerCase()))).toEqual([]);
});
