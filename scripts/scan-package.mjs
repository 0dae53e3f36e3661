// Runs n8n's community package scanner (@n8n/scan-community-package) offline.
//
// The scanner's CLI downloads the published package and the GitHub source its npm provenance
// points at, then lints both. Here the same two legs run on local files instead:
//   - the tarball leg: `npm pack` of the built package, unpacked into a temp dir (what users install);
//   - the source leg: this repository's package.json, nodes/ and credentials/ (what provenance
//     would point at), with the scanner's own SOURCE_FILE_PATTERNS.
// Each leg gets the scanner's verdict (`analyzePackage`, fails on errors) and, with the scanner's
// own ESLint config, a count of warnings too: any finding fails this script.
//
// Usage: node scripts/scan-package.mjs (after `npm run build`; `npm run scan` does both).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { runNpm } = require('../e2e/lib/npm.js');
const scannerPackageDir = path.dirname(require.resolve('@n8n/scan-community-package/package.json'));
const scannerVersion = require('@n8n/scan-community-package/package.json').version;
const scanner = await import(pathToFileURL(path.join(scannerPackageDir, 'scanner/scanner.mjs')).href);
// The scanner lints with its own ESLint; use the same one for the warning count.
const { ESLint } = createRequire(path.join(scannerPackageDir, 'scanner/scanner.mjs'))('eslint');

/**
 * analyzePackage's default file set: everything in the tarball that ESLint can read. (The CLI's
 * tarball leg narrows this to the .js files and package.json; the default also covers the codex
 * JSON files.)
 */
const TARBALL_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];

function run(command, args, options) {
	const result = spawnSync(command, args, { encoding: 'utf8', ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
	}
	return result.stdout;
}

function packAndUnpack(workDir) {
	if (!fs.existsSync(path.join(repoRoot, 'dist'))) {
		throw new Error('dist/ does not exist: run `npm run build` first (or use `npm run scan`).');
	}
	const packed = JSON.parse(runNpm(['pack', '--json', '--ignore-scripts=true', '--pack-destination', workDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }));
	const tarball = path.join(workDir, packed[0].filename);
	const packageDir = path.join(workDir, 'package');
	fs.mkdirSync(packageDir);
	run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	return { packageDir, files: packed[0].files.map((file) => file.path) };
}

/** Warnings do not fail the scanner, but they are findings all the same. */
async function countWarnings(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
		errorOnUnmatchedPattern: false,
	});
	const results = await eslint.lintFiles(patterns);
	const formatter = await eslint.loadFormatter('stylish');
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	return { warnings, details: warnings > 0 ? await formatter.format(results) : '' };
}

async function scanLeg(label, dir, patterns) {
	const verdict = await scanner.analyzePackage(dir, patterns);
	const { warnings, details } = await countWarnings(dir, patterns);
	const passed = verdict.passed && warnings === 0;
	console.log(`${passed ? 'PASS' : 'FAIL'}  ${label}${verdict.message ? `: ${verdict.message}` : ''}`);
	if (!verdict.passed && verdict.details) console.log(verdict.details);
	else if (details) console.log(`${warnings} warning(s):${details}`);
	return passed;
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-vishwa-scan-'));
let passed = false;
try {
	const { packageDir, files } = packAndUnpack(workDir);
	console.log(`@n8n/scan-community-package ${scannerVersion}: scanning the packed tarball (${files.length} files)`);
	const tarballPassed = await scanLeg('tarball (npm pack output)', packageDir, TARBALL_PATTERNS);
	const sourcePassed = await scanLeg('source (package.json, nodes/, credentials/)', repoRoot, scanner.SOURCE_FILE_PATTERNS);
	passed = tarballPassed && sourcePassed;
} catch (error) {
	console.error(`Scan could not run: ${error.message}`);
} finally {
	fs.rmSync(workDir, { recursive: true, force: true });
}
process.exitCode = passed ? 0 : 1;
