'use strict';
/**
 * Secret hygiene across the whole suite (jest setupFilesAfterEnv: runs in every test file).
 *
 * Everything the package produces is collected while the file runs: every workflow result and poll
 * result the harness sees (output items, error messages, descriptions, stacks, causes), every
 * credential-test answer, and everything written to stdout/stderr (n8n's logger writes there).
 * Every API key the harness hands to a node is registered. When the file ends, the collected text
 * is searched for each key (raw and URL-encoded), and every stand-in's records are checked for a
 * key sent anywhere but the XP-API-Key header. A leak fails the file.
 *
 * Figures go to a per-file JSON the summary reporter (summaryReporter.js) adds up.
 */
const fs = require('fs');
const path = require('path');

const summaryPaths = require('./summaryPaths');
const MIN_SECRET_LENGTH = 8; // shorter "keys" in tests would match ordinary words

const scan = {
	keys: new Set(),
	chunks: [],
	standins: [],
	/** Set by the harness: only files that run the package judge the stand-ins' records. */
	packageUsed: false,
	figures: { runsDoubleStarted: 0, eventsLost: 0, eventsDuplicated: 0, triggerRunsChecked: 0 },
	registerKey(key) {
		if (typeof key === 'string' && key.length >= MIN_SECRET_LENGTH) scan.keys.add(key);
	},
	registerStandin(standin) {
		scan.registerKey(standin.apiKey);
		scan.standins.push(standin);
	},
	/** Anything the package produced: collected as text (errors with message, stack and cause). */
	record(value) {
		scan.chunks.push(collectText(value));
	},
	/** Reliability figures tests measure (runs double-started, events lost or duplicated). */
	add(figure, amount) {
		scan.figures[figure] = (scan.figures[figure] || 0) + amount;
	},
};
global.__vishwaSecretScan = scan;

function collectText(value) {
	const parts = [];
	const seen = new WeakSet();
	const visit = (v, depth) => {
		if (v === null || v === undefined || depth > 40) return;
		if (typeof v === 'string') return void parts.push(v);
		if (typeof v !== 'object') return void parts.push(String(v));
		if (seen.has(v)) return;
		seen.add(v);
		if (Buffer.isBuffer(v)) return;
		if (v instanceof Error) {
			parts.push(String(v.message), String(v.stack || ''), String(v.description || ''));
			visit(v.cause, depth + 1);
		}
		for (const key of Object.keys(v)) {
			parts.push(key);
			visit(v[key], depth + 1);
		}
	};
	visit(value, 0);
	return parts.join('\n');
}

for (const stream of [process.stdout, process.stderr]) {
	const write = stream.write.bind(stream);
	stream.write = (chunk, ...rest) => {
		scan.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
		return write(chunk, ...rest);
	};
}
const originalConsole = {};
for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
	originalConsole[method] = console[method];
	console[method] = (...args) => {
		scan.record(args);
		return originalConsole[method](...args);
	};
}

// Jest knows the file only while tests run: remember it for the summary written in afterAll.
let testFile = 'unknown';
beforeAll(() => {
	testFile = expect.getState().testPath || testFile;
});

afterAll(() => {
	const text = scan.chunks.join('\n');
	const leaks = [];
	for (const key of scan.keys) {
		for (const needle of new Set([key, encodeURIComponent(key)])) {
			if (text.includes(needle)) leaks.push(`${key.slice(0, 3)}… in output, errors or logs`);
		}
	}
	let faultsServed = 0;
	let requests = 0;
	for (const standin of scan.standins) {
		const life = standin.state.lifetimeStats;
		faultsServed += life.faultsServed;
		requests += life.requests;
		// The stand-in's own tests send keys in odd places on purpose to test its redaction.
		if (scan.packageUsed && life.keyElsewhere > 0) leaks.push(`${life.keyElsewhere} request(s) carried the key outside XP-API-Key`);
	}
	const SUMMARY_DIR = summaryPaths.SUMMARY_DIR;
	fs.mkdirSync(SUMMARY_DIR, { recursive: true });
	const file = expect.getState().testPath || testFile;
	fs.writeFileSync(
		// Unique per file even when Jest could not say which file this is.
		path.join(SUMMARY_DIR, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}-${path.basename(file)}.json`),
		JSON.stringify({
			file,
			keysChecked: scan.keys.size,
			bytesScanned: text.length,
			secretsLeaked: leaks.length,
			faultsServed,
			standinRequests: requests,
			...scan.figures,
		}),
	);
	if (leaks.length > 0) throw new Error(`API key leaked: ${leaks.join('; ')}`);
});

module.exports = { collectText };
