'use strict';
/** Small helpers shared by the benchmark figures: statistics, arguments, machine and versions. */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const MIB = 1024 * 1024;

function median(values) {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round = (value, digits = 0) => Number(value.toFixed(digits));

/** `--name value` / `--flag` arguments. */
function parseArgs(argv = process.argv.slice(2)) {
	const args = { _: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) {
			args._.push(arg);
			continue;
		}
		const [name, inline] = arg.slice(2).split(/=(.*)/s);
		if (inline !== undefined) args[name] = inline;
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) args[name] = argv[++i];
		else args[name] = true;
	}
	return args;
}

/**
 * n8n-nodes-base from the real n8n the e2e tests install (e2e/install-n8n.sh v2), whose n8n-core
 * and n8n-workflow versions match this package's dev dependencies. Undefined when not installed.
 */
function findN8nNodesBase() {
	const cache = process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-vishwa-e2e');
	const candidates = [process.env.VISHWA_BENCH_N8N_NODES_BASE, path.join(cache, 'v2', 'node_modules', 'n8n-nodes-base')];
	for (const dir of candidates) {
		if (dir && fs.existsSync(path.join(dir, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js'))) return dir;
	}
	return undefined;
}

function packageVersion(name, from = ROOT) {
	try {
		return require(require.resolve(`${name}/package.json`, { paths: [from] })).version;
	} catch {
		return undefined;
	}
}

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
		cores: cpus.length,
		memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
	};
}

function versions() {
	// VISHWA_BENCH_COMMIT: when benchmarking an exported copy of a commit (git archive), which has no .git.
	let commit = process.env.VISHWA_BENCH_COMMIT;
	if (!commit) {
		try {
			commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
		} catch {
			commit = undefined;
		}
	}
	const nodesBase = findN8nNodesBase();
	return {
		node: process.version,
		package: require(path.join(ROOT, 'package.json')).version,
		commit,
		'n8n-core': packageVersion('n8n-core'),
		'n8n-workflow': packageVersion('n8n-workflow'),
		'n8n-nodes-base': nodesBase ? require(path.join(nodesBase, 'package.json')).version : undefined,
		'form-data': packageVersion('form-data'),
	};
}

/** A figure script's answer: written as JSON to the file its parent named in --result. */
function writeResult(args, result) {
	if (args.result) fs.writeFileSync(args.result, JSON.stringify(result, null, 2));
	else console.log(JSON.stringify(result, null, 2));
}

/** The harness's temporary n8n user folder (it holds n8n's binary data store: big copies). */
function removeHarnessFolder() {
	const folder = process.env.N8N_USER_FOLDER;
	if (folder && path.basename(folder).startsWith('vishwa-harness-') && path.dirname(folder) === os.tmpdir()) {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

/** Runs a figure script's main, exiting 0 or 1 (benchmarks never fail on a number, only on errors). */
function runMain(main) {
	main().then(
		() => {
			removeHarnessFolder();
			process.exit(0);
		},
		(error) => {
			removeHarnessFolder();
			console.error(`FAIL ${error && error.stack ? error.stack : error}`);
			process.exit(1);
		},
	);
}

function log(...parts) {
	process.stderr.write(`[bench] ${parts.join(' ')}\n`);
}

module.exports = {
	ROOT,
	MIB,
	median,
	round,
	parseArgs,
	findN8nNodesBase,
	machine,
	versions,
	writeResult,
	runMain,
	removeHarnessFolder,
	log,
};
