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
	'startRunRatioVsHttpRequestNodeSamePeak',
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
const NEEDS_N8N_NODES_BASE = ['startRunRatioVsHttpRequestNode', 'startRunRatioVsHttpRequestNodeSamePeak'];

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

// `npm run bench -- --update-docs` (formerly --update-readme) writes the table into docs/performance.md;
// a full run takes 20 minutes, so the writing is checked here with the quick run's figures, on a copy.
test('--update-docs replaces the table between the markers of docs/performance.md and nothing else', () => {
	const { updateDoc, PERFORMANCE_DOC } = require('../bench/run');
	expect(path.relative(ROOT, PERFORMANCE_DOC)).toBe(path.join('docs', 'performance.md'));
	const original = fs.readFileSync(PERFORMANCE_DOC, 'utf8');
	const copy = path.join(dir, 'performance.md');
	fs.writeFileSync(copy, original);
	const details = JSON.parse(fs.readFileSync(path.join(dir, 'results.details.json'), 'utf8'));
	expect(updateDoc(results, details, copy)).toBe(true);
	const updated = fs.readFileSync(copy, 'utf8');
	const outside = (text) => text.replace(/<!-- bench-table:start -->[\s\S]*<!-- bench-table:end -->/, '<table>');
	expect(outside(updated)).toBe(outside(original));
	expect(updated).not.toBe(original);
	expect(updated).toContain(`Measured ${results.machine.date.slice(0, 10)}`);
	expect(updated).toContain('| Figure | Vishwa node | Baseline | Ratio | Target | Met |');
	// Control: a document without the markers is left alone.
	fs.writeFileSync(copy, '# no table here\n');
	expect(updateDoc(results, details, copy)).toBe(false);
	expect(fs.readFileSync(copy, 'utf8')).toBe('# no table here\n');
});
