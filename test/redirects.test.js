'use strict';
// Issue 20: the API key never leaves the Base URL's origin. Every request kind the package makes
// (Get Status, Wait for Completion, Start + Wait, Start, Upload, the trigger's listing and full
// status, the credential's Test) runs through n8n-core (test/harness) against a proxy in front of
// the stand-in that answers with redirects, and a second server at another origin records
// everything that reaches it: it must see nothing. Same-origin redirects: followed for reads, never
// for start-run and upload, never by the credential Test. https -> http is refused (a real
// self-signed https server as the Base URL). A control shows what n8n's own client does when left
// to follow: it carries XP-API-Key to the other origin.
const { execFileSync } = require('child_process');
const fs = require('fs');
const https = require('https');
const tls = require('tls');
const os = require('os');
const path = require('path');
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');
const { startFaultyProxy, startRecordingServer, MOVED_PREFIX } = require('./support/faultyProxy');

const API_KEY = 'redirect-test-key-4b3a29';
const harness = createHarness();
let standin;
let proxy;
let elsewhere;

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
	elsewhere = await startRecordingServer();
});
afterAll(async () => {
	await elsewhere.close();
	await standin.close();
});
beforeEach(async () => {
	standin.reset();
	proxy = await startFaultyProxy(standin.url);
});
afterEach(async () => {
	await proxy.close();
	// Whatever reached the other origin is output of the package for the secret scan: a key there
	// fails the file even if an assertion below were missing.
	global.__vishwaSecretScan.record(elsewhere.requests);
	expect(elsewhere.requests).toEqual([]);
	elsewhere.requests.length = 0;
});

const credentials = (baseUrl = proxy.url) => ({ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl } } });

function runNode(parameters, { baseUrl, items } = {}) {
	const nodes = [];
	if (items) nodes.push({ name: 'Items', type: TYPES.items, parameters: items });
	nodes.push({ name: 'Vishwa', type: TYPES.vishwa, continueOnFail: true, parameters });
	return harness.runWorkflow(linearWorkflow(nodes), credentials(baseUrl));
}

/** The one item's error, as Continue On Fail puts it in the output. */
async function itemError(parameters, options) {
	const result = await runNode(parameters, options);
	expect(result.status).toBe('success');
	const [item, ...rest] = result.output('Vishwa');
	expect(rest).toEqual([]);
	expect(item.json.error).toEqual(expect.any(String));
	return { message: item.json.error, description: item.json.errorDescription, json: item.json };
}

const redirectAway = (route, extra = {}) => proxy.addFault({ route, kind: 'redirect', to: elsewhere.url, ...extra });
const redirectHere = (route, extra = {}) => proxy.addFault({ route, kind: 'redirect', to: 'self', ...extra });
const statusPath = (flow, run) => `/v1/workflow/${flow}/run/${run}/status`;
const otherOrigin = (message, target, code = 307) =>
	expect(message).toBe(`${message.split(' was redirected')[0]} was redirected to another origin (HTTP ${code} to ${target}); the API key is not sent there`);

describe('a redirect to another origin is never followed with the key', () => {
	test.each([301, 302, 303, 307, 308])('Get Status, HTTP %i: the item fails naming the target and the Base URL to use', async (code) => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		redirectAway('status', { status: code });
		const error = await itemError({ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: run.run_id });
		const target = `${elsewhere.url}${statusPath('flow-ok', run.run_id)}`;
		expect(error.message).toBe(`The request to get the status of run "${run.run_id}" was redirected to another origin (HTTP ${code} to ${target}); the API key is not sent there`);
		expect(error.description).toBe(
			`The API key goes only to the origin (scheme, host and port) of the Base URL, ${proxy.url}, and nothing was sent to the redirect target. If Vishwa now lives there, put ${elsewhere.url} in the Base URL of the credential "Vishwa API".`,
		);
		expect(error.json).not.toHaveProperty('run_status');
		// Not retried: the one status request was the redirected one.
		expect(proxy.log.filter((entry) => entry.route === 'status')).toHaveLength(1);
	});

	test('Wait for Completion: the first poll is redirected, the item fails, no later poll is sent', async () => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 60000 });
		redirectAway('status', { times: 100 });
		const error = await itemError({ resource: 'run', operation: 'waitForCompletion', flowId: 'flow-ok', runId: run.run_id, waitOptions: { pollInterval: 0.1 } });
		expect(error.message).toContain(`redirected to another origin (HTTP 307 to ${elsewhere.url}${statusPath('flow-ok', run.run_id)})`);
		expect(proxy.log.filter((entry) => entry.route === 'status')).toHaveLength(1);
	});

	test('Start with Wait for Completion: the run starts, its status poll is redirected, the item fails once', async () => {
		redirectAway('status', { times: 100 });
		const error = await itemError({ resource: 'run', operation: 'start', flowId: 'flow-ok', waitForCompletion: true, waitOptions: { pollInterval: 0.1 } });
		const [created] = standin.state.runs.filter((r) => r.createdBy === 'api');
		expect(standin.state.runs.filter((r) => r.createdBy === 'api')).toHaveLength(1);
		expect(error.message).toContain(`redirected to another origin (HTTP 307 to ${elsewhere.url}${statusPath('flow-ok', created.run_id)})`);
		expect(proxy.log.filter((entry) => entry.route === 'start-run')).toHaveLength(1);
	});

	test('Start: the start-run is redirected, no run is created anywhere', async () => {
		redirectAway('start-run', { status: 308 });
		const error = await itemError({ resource: 'run', operation: 'start', flowId: 'flow-ok' });
		otherOrigin(error.message, `${elsewhere.url}/v1/workflow/flow-ok/start-run`, 308);
		expect(error.message.startsWith('The request to start a run of flow "flow-ok" was redirected')).toBe(true);
		expect(standin.state.runs.filter((r) => r.createdBy === 'api')).toHaveLength(0);
	});

	test('Upload: the upload is redirected, no file is stored anywhere', async () => {
		redirectAway('upload');
		const error = await itemError(
			{ resource: 'asset', operation: 'upload', binaryProperties: 'data' },
			{ items: { items: JSON.stringify([{}]), files: JSON.stringify([{ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hello' } }]) } },
		);
		otherOrigin(error.message, `${elsewhere.url}/v1/assets/upload`);
		expect(standin.state.files).toHaveLength(0);
	});

	test('Trigger: a redirected listing fails the poll and saves nothing; the next poll emits the run once', async () => {
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok' }, credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } },
			credentials(),
		);
		expect(await poller.poll()).toBeNull();
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		redirectAway('runs');
		const failure = await poller.poll().then(() => undefined, (error) => error);
		expect(failure.message).toMatch(/^The request to list the runs of flow "flow-ok" was redirected to another origin \(HTTP 307 to http:\/\/127\.0\.0\.1:\d+\/v1\/workflow\/flow-ok\/runs\); the API key is not sent there$/);
		global.__vishwaSecretScan.record(failure);
		expect((await poller.poll()).map((item) => item.json.run_id)).toEqual([run.run_id]);
	});

	test('Trigger with Fetch Full Status: a redirected status request is not followed; the run is emitted once, marked', async () => {
		// Issue 14: one failing Fetch Full Status request no longer fails the poll (nor is it sent again):
		// the run keeps its listing entry, with full_status_error naming the refused redirect.
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok', options: { fetchFullStatus: true } }, credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } },
			credentials(),
		);
		expect(await poller.poll()).toBeNull();
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		redirectAway('status');
		const items = await poller.poll();
		expect(items.map((item) => item.json.run_id)).toEqual([run.run_id]);
		expect(items[0].json.full_status_error).toBe(`not fetched: The request to get the status of run "${run.run_id}" was redirected to another origin (HTTP 307 to ${elsewhere.url}${statusPath('flow-ok', run.run_id)}); the API key is not sent there`);
		global.__vishwaSecretScan.record(items);
		expect(proxy.log.filter((entry) => entry.route === 'runs').length).toBeGreaterThan(0);
		expect(await poller.poll()).toBeNull();
	});

	test.each([302, 307])('credential Test, HTTP %i: fails with the redirect message', async (code) => {
		proxy.addFault({ route: '*', kind: 'redirect', to: elsewhere.url, status: code });
		const result = await harness.testCredential({ apiKey: API_KEY, baseUrl: proxy.url });
		expect(result).toEqual({
			status: 'Error',
			message: `The Base URL answered with a redirect (HTTP ${code}), which is not followed: the API key goes only to the Base URL. Put the address Vishwa answers on (where the redirect leads) in the Base URL.`,
		});
		expect(proxy.log).toHaveLength(1);
	});

	test('a Location carrying the key in its query (a hostile server) is shown without the query', async () => {
		const http = require('http');
		const hostile = http.createServer((req, res) => {
			res.writeHead(302, { location: `${elsewhere.url}/steal?k=${encodeURIComponent(req.headers['xp-api-key'])}&raw=${req.headers['xp-api-key']}#${req.headers['xp-api-key']}` });
			res.end();
		});
		await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));
		try {
			const error = await itemError(
				{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1' },
				{ baseUrl: `http://127.0.0.1:${hostile.address().port}` },
			);
			expect(error.message).toBe(`The request to get the status of run "run_1" was redirected to another origin (HTTP 302 to ${elsewhere.url}/steal); the API key is not sent there`);
		} finally {
			await new Promise((resolve) => hostile.close(resolve));
		}
	});

	// D6 (review): a key with a character URLs re-encode, echoed back in every spelling a hostile
	// server could choose. The old code masked only the verbatim and encodeURIComponent forms, and
	// cut non-http Locations at 200 characters after masking, leaving a piece of the key.
	describe('a Location that reveals the key in another spelling replaces the whole target', () => {
		const ODD_KEY = "Ab'Cd-SECRET-9f8e7d";
		const HIDDEN = 'an address not shown because it contains (part of) the API key';
		const keyPattern = /ab(%27|'|%2527)?cd-?secret-?9f8e7d|secret-?9f8e|ab(%27|')?cd-?secr/i;
		const locations = [
			['in the path, "\'" as %27', (e) => `${e}/x/Ab%27Cd-SECRET-9f8e7d/y`, HIDDEN],
			['in the path, double-encoded', (e) => `${e}/x/Ab%2527Cd-SECRET-9f8e7d`, HIDDEN],
			['in the path, upper-cased', () => `http://127.0.0.1:1/AB'CD-SECRET-9F8E7D`, HIDDEN],
			['as a host name (lower-cased, without the "\'")', () => 'http://AbCd-SECRET-9f8e7d.example.invalid/x', HIDDEN],
			['a piece of it in the path', (e) => `${e}/x/SECRET-9f8e`, HIDDEN],
			['in the query, re-encoded', (e) => `${e}/x?k=Ab'Cd-SECRET-9f8e7d`, null],
			['in the user:password part', () => "http://u:Ab'Cd-SECRET-9f8e7d@127.0.0.1:1/x", 'http://127.0.0.1:1/x'],
		];
		test.each(locations)('key %s', async (_kind, locationOf, expected) => {
			const http = require('http');
			const hostile = http.createServer((req, res) => {
				res.writeHead(302, { location: locationOf(elsewhere.url) });
				res.end();
			});
			await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));
			const baseUrl = `http://127.0.0.1:${hostile.address().port}`;
			try {
				const result = await harness.runWorkflow(
					linearWorkflow([{ name: 'Vishwa', type: TYPES.vishwa, continueOnFail: true, parameters: { resource: 'run', operation: 'getStatus', flowId: 'f1', runId: 'r1' } }]),
					{ credentials: { vishwaApi: { apiKey: ODD_KEY, baseUrl } } },
				);
				const [item] = result.output('Vishwa');
				const text = JSON.stringify(item.json);
				expect(text).not.toMatch(keyPattern);
				expect(item.json.error).toMatch(/^The request to get the status of run "r1" was redirected to another origin \(HTTP 302 to (.*)\); the API key is not sent there$/);
				const shown = /HTTP 302 to (.*)\);/.exec(item.json.error)[1];
				expect(shown).toBe(expected ?? `${elsewhere.url}/x`);
			} finally {
				await new Promise((resolve) => hostile.close(resolve));
			}
		});

		test('a non-http Location is described by its scheme only, never cut inside the key', async () => {
			const http = require('http');
			const hostile = http.createServer((req, res) => {
				res.writeHead(302, { location: `ftp://${'a'.repeat(180)}${ODD_KEY}` });
				res.end();
			});
			await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));
			try {
				const result = await harness.runWorkflow(
					linearWorkflow([{ name: 'Vishwa', type: TYPES.vishwa, continueOnFail: true, parameters: { resource: 'run', operation: 'getStatus', flowId: 'f1', runId: 'r1' } }]),
					{ credentials: { vishwaApi: { apiKey: ODD_KEY, baseUrl: `http://127.0.0.1:${hostile.address().port}` } } },
				);
				const [item] = result.output('Vishwa');
				expect(JSON.stringify(item.json)).not.toMatch(keyPattern);
				expect(item.json.error).toBe('The request to get the status of run "r1" was redirected to an address that is not an http(s) URL (HTTP 302 to a ftp: address)');
			} finally {
				await new Promise((resolve) => hostile.close(resolve));
			}
		});
	});
});

describe('a redirect within the Base URL origin', () => {
	test.each([
		['absolute', false],
		['relative', true],
	])('is followed for Get Status (%s Location): the answer is the stand-in\'s, the key went only there', async (_kind, relative) => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		redirectHere('status', { status: 302, relative });
		const result = await runNode({ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: run.run_id });
		expect(result.json('Vishwa')).toEqual([{ ...standin.state.runStatus(run.run_id), flow_id: 'flow-ok' }]);
		expect(proxy.log.map((entry) => [entry.path, entry.fault])).toEqual([
			[statusPath('flow-ok', run.run_id), 'redirect'],
			[`${MOVED_PREFIX}${statusPath('flow-ok', run.run_id)}`, null],
		]);
		expect(standin.state.requestsFor('status').map((r) => r.keyOk)).toEqual([true]);
	});

	test('is followed by the trigger\'s listing', async () => {
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok' }, credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } },
			credentials(),
		);
		expect(await poller.poll()).toBeNull();
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		redirectHere('runs');
		expect((await poller.poll()).map((item) => item.json.run_id)).toEqual([run.run_id]);
		expect(proxy.log.filter((entry) => entry.hop)).toHaveLength(1);
	});

	test('is not followed for Start: the item fails, no run is created', async () => {
		redirectHere('start-run');
		const error = await itemError({ resource: 'run', operation: 'start', flowId: 'flow-ok' });
		expect(error.message).toBe(`The request to start a run of flow "flow-ok" was redirected (HTTP 307 to ${proxy.url}${MOVED_PREFIX}/v1/workflow/flow-ok/start-run); a request that creates something is not sent again to another address`);
		expect(error.description).toBe(`A redirect answer means it was not carried out there, and it was not repeated. To avoid the redirect, put ${proxy.url}${MOVED_PREFIX} in the Base URL of the credential "Vishwa API".`);
		expect(standin.state.runs.filter((r) => r.createdBy === 'api')).toHaveLength(0);
		expect(proxy.log.filter((entry) => entry.hop)).toHaveLength(0);
	});

	test('is not followed for Upload: the item fails, no file is stored', async () => {
		redirectHere('upload');
		const error = await itemError(
			{ resource: 'asset', operation: 'upload', binaryProperties: 'data' },
			{ items: { items: JSON.stringify([{}]), files: JSON.stringify([{ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hello' } }]) } },
		);
		expect(error.message).toMatch(/^The request to upload 1 file \("a\.txt"\) was redirected \(HTTP 307 to .*\); a request that creates something is not sent again to another address$/);
		expect(standin.state.files).toHaveLength(0);
		expect(proxy.log.filter((entry) => entry.hop)).toHaveLength(0);
	});

	test('is not followed by the credential Test (it says to fix the Base URL)', async () => {
		redirectHere('*');
		const result = await harness.testCredential({ apiKey: API_KEY, baseUrl: proxy.url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The Base URL answered with a redirect \(HTTP 307\)/);
		expect(proxy.log.filter((entry) => entry.hop)).toHaveLength(0);
	});

	test('a redirect loop ends after 5 hops with an error', async () => {
		// A server that sends /a/... to /b/... and back, forever.
		const http = require('http');
		let hits = 0;
		const looping = http.createServer((req, res) => {
			hits += 1;
			res.writeHead(302, { location: req.url.startsWith('/a/') ? req.url.replace(/^\/a/, '/b') : req.url.replace(/^\/b/, '/a') });
			res.end();
		});
		await new Promise((resolve) => looping.listen(0, '127.0.0.1', resolve));
		try {
			const base = `http://127.0.0.1:${looping.address().port}/a`;
			const error = await itemError({ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1' }, { baseUrl: base });
			expect(error.message).toMatch(/^The request to get the status of run "run_1" was redirected more than 5 times \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/[ab]\/v1\/workflow\/flow-ok\/run\/run_1\/status\)$/);
			expect(hits).toBe(6); // the first request and 5 followed hops
		} finally {
			await new Promise((resolve) => looping.close(resolve));
		}
	});
});

describe('https to http is refused', () => {
	let dir;
	let secure;
	const originalConnect = tls.connect;

	beforeAll(async () => {
		// A self-signed certificate for 127.0.0.1, made now. n8n's client verifies certificates; this
		// one is trusted by adding it as a CA to the TLS connections made to this server's port only
		// (n8n's agents open them through tls.connect; Jest's process.env is a copy, so
		// NODE_TLS_REJECT_UNAUTHORIZED would not reach Node's TLS code).
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-tls-'));
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
		const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
		secure = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
			secure.log.push({ path: req.url, keyOk: req.headers['xp-api-key'] === API_KEY });
			if (req.url.startsWith('/ok/')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ run_id: 'run_tls', run_status: 'completed' }));
				return;
			}
			// Downgrade: the same host (127.0.0.1), plain http.
			res.writeHead(301, { location: `${elsewhere.url}${req.url}` });
			res.end();
		});
		secure.log = [];
		await new Promise((resolve) => secure.listen(0, '127.0.0.1', resolve));
		const port = secure.address().port;
		tls.connect = function connectTrustingTestCert(...args) {
			const [options] = args;
			if (options && typeof options === 'object' && Number(options.port) === port) args[0] = { ...options, ca: cert };
			return originalConnect.apply(this, args);
		};
	});
	afterAll(async () => {
		tls.connect = originalConnect;
		await new Promise((resolve) => secure.close(resolve));
		fs.rmSync(dir, { recursive: true, force: true });
	});
	beforeEach(() => {
		secure.log.length = 0;
	});

	test('control: the https server answers the node directly (the TLS set-up works)', async () => {
		const result = await runNode({ resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'r' }, { baseUrl: `https://127.0.0.1:${secure.address().port}/ok` });
		expect(result.json('Vishwa')).toEqual([{ run_id: 'run_tls', run_status: 'completed', flow_id: 'f' }]);
		expect(secure.log).toEqual([{ path: '/ok/v1/workflow/f/run/r/status', keyOk: true }]);
	});

	test('Get Status: the downgrade fails the item and nothing reaches the http server', async () => {
		const error = await itemError({ resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'r' }, { baseUrl: `https://127.0.0.1:${secure.address().port}` });
		expect(error.message).toBe(`The request to get the status of run "r" was redirected from https to plain http (HTTP 301 to ${elsewhere.url}/v1/workflow/f/run/r/status); the API key is not sent unencrypted`);
		expect(error.description).toMatch(/^Nothing was sent to the http:\/\/ address\./);
		expect(secure.log).toHaveLength(1);
	});

	test('credential Test: the downgrade fails the test', async () => {
		const result = await harness.testCredential({ apiKey: API_KEY, baseUrl: `https://127.0.0.1:${secure.address().port}` });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The Base URL answered with a redirect \(HTTP 301\)/);
	});
});

test('control: n8n\'s own HTTP client, left to follow, carries XP-API-Key to the other origin', async () => {
	// What the package did before: the same request through n8n's request code with redirects
	// followed. A key of its own (not the suite's, so the recording below is no leak of it).
	// n8n-core's helpers send through this same service (Container.get(OutboundHttp).requests()).
	const { Container } = require('@n8n/di');
	const { OutboundHttp } = require('@n8n/backend-network');
	const controlKey = 'control-only-key';
	redirectAway('status');
	const answer = await Container.get(OutboundHttp)
		.requests()
		.request({ method: 'GET', url: `${proxy.url}${statusPath('f', 'r')}`, headers: { 'XP-API-Key': controlKey }, json: true });
	expect(answer).toMatchObject({ run_id: 'run_elsewhere' });
	expect(elsewhere.carriedKey(controlKey)).toBe(1);
	elsewhere.requests.length = 0; // expected here; afterEach checks the other tests
});
