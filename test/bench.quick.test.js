'use strict';
// Keeps `npm run bench` working: runs its quick mode (small counts, tiny files, the waits scaled
// down) and checks that results.json holds every figure as a number, plus the machine and
// versions. It never asserts on a measured value: benchmarks do not fail on numbers.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** The figures the performance issue names (bench/run.js writes more). */
const ISSUE_KEYS = [
	'startRunRatioVsRaw',
	'startRunRatioVsHttpRequestNode',
	'uploadPeakRssGrowthMiB',
	'uploadThroughputRatioVsRaw',
	'waitExtraLatencyMs',
	'waitRequestsFor5MinRun',
	'triggerRequestsPerPoll',
	'triggerPollMs',
	'triggerStateBytes',
	'waitManyRatioVsIdeal',
	'waitManyLanesRatioVsIdeal',
	'waitManyStatusRequestsPerRun',
];
/** Measured against n8n's own HTTP Request node, which needs the e2e n8n install (e2e/install-n8n.sh v2). */
const NEEDS_N8N_NODES_BASE = ['startRunRatioVsHttpRequestNode'];

let dir;
let run;
let results;

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-bench-test-'));
	const out = path.join(dir, 'results.json');
	run = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'run.js'), '--quick', '--out', out], {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 150000,
	});
	results = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : undefined;
}, 160000);

afterAll(() => {
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the quick benchmark run finishes and writes results.json with its details and table', () => {
	expect({ status: run.status, signal: run.signal, stderr: run.status === 0 ? '' : run.stderr }).toEqual({
		status: 0,
		signal: null,
		stderr: '',
	});
	expect(results).toBeDefined();
	expect(fs.existsSync(path.join(dir, 'results.details.json'))).toBe(true);
	expect(run.stdout).toContain('| Figure | Vishwa node | Baseline | Ratio | Target | Met |');
});

test('every figure the issue names is a number', () => {
	const expected = results.versions['n8n-nodes-base'] ? ISSUE_KEYS : ISSUE_KEYS.filter((key) => !NEEDS_N8N_NODES_BASE.includes(key));
	const types = Object.fromEntries(expected.map((key) => [key, typeof results[key]]));
	expect(types).toEqual(Object.fromEntries(expected.map((key) => [key, 'number'])));
	for (const key of expected) expect(Number.isFinite(results[key])).toBe(true);
});

test('results.json is one object: numbers only, plus machine and versions', () => {
	const notNumbers = Object.entries(results)
		.filter(([key]) => key !== 'machine' && key !== 'versions')
		.filter(([, value]) => typeof value !== 'number' || !Number.isFinite(value))
		.map(([key]) => key);
	expect(notNumbers).toEqual([]);
	expect(results.machine).toEqual(
		expect.objectContaining({ cores: expect.any(Number), cpu: expect.any(String), mode: 'quick', date: expect.any(String) }),
	);
	expect(results.versions).toEqual(expect.objectContaining({ node: process.version, 'n8n-core': expect.any(String) }));
});
