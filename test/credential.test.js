'use strict';
// The credential's "Test" button, run through n8n's own CredentialTestContext against the stand-in,
// and the credential's authenticate block applied to real requests.
const http = require('http');
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const harness = createHarness();
let standin;

beforeAll(async () => {
	standin = await startStandin({ apiKey: 'good-key-0123456789' });
});
afterAll(async () => {
	await standin.close();
});

test('a valid key says OK', async () => {
	const result = await harness.testCredential({ apiKey: 'good-key-0123456789', baseUrl: standin.url });
	expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
});

test.each([
	['a trailing slash', (url) => `${url}///`],
	['a pasted /v1', (url) => `${url}/v1/`],
	['spaces around it', (url) => `  ${url} `],
])('a base URL with %s works', async (_name, decorate) => {
	const result = await harness.testCredential({ apiKey: 'good-key-0123456789', baseUrl: decorate(standin.url) });
	expect(result.status).toBe('OK');
});

test('a wrong key says the key was refused, without echoing it', async () => {
	const result = await harness.testCredential({ apiKey: 'wrong-key-secret', baseUrl: standin.url });
	expect(result).toEqual({ status: 'Error', message: 'The API key was refused (HTTP 401). Check the key.' });
});

test('a 403 says the key was refused too', async () => {
	const server = http.createServer((_req, res) => {
		res.writeHead(403, { 'content-type': 'application/json' });
		res.end('{"detail":"Forbidden"}');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const result = await harness.testCredential({ apiKey: 'k', baseUrl: `http://127.0.0.1:${server.address().port}` });
		expect(result).toEqual({
			status: 'Error',
			message: 'The API key was refused (HTTP 403). Check the key and its workspace.',
		});
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
});

test('an unreachable base URL says it cannot connect', async () => {
	// A port that was just free: nothing listens there.
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	const result = await harness.testCredential({ apiKey: 'good-key-0123456789', baseUrl: `http://127.0.0.1:${port}` });
	expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
});

test('the test asks about a flow that cannot exist and sends the key only in XP-API-Key', async () => {
	standin.reset();
	await harness.testCredential({ apiKey: 'good-key-0123456789', baseUrl: standin.url });
	const requests = standin.state.requests;
	expect(requests).toHaveLength(1);
	expect(requests[0].method).toBe('GET');
	expect(requests[0].path).toBe('/v1/workflow/n8n-credential-test/run/n8n-credential-test/status');
	expect(requests[0].keyOk).toBe(true);
	expect(requests[0].keyHeader).toBe('xp-api-key');
	expect(standin.state.stats.runsCreated).toBe(0);
});

describe('the authenticate block in a real execution', () => {
	const run = (baseUrl, apiKey = 'good-key-0123456789') =>
		harness.runWorkflow(
			linearWorkflow([
				{
					name: 'Vishwa',
					type: TYPES.vishwa,
					parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-instant', runId: 'run_1' },
				},
			]),
			{ credentials: { vishwaApi: { apiKey, baseUrl } } },
		);

	beforeEach(() => standin.reset());

	test('sends XP-API-Key from the credential, with a path-prefixed base URL behind a proxy path', async () => {
		const started = await fetch(`${standin.url}/v1/workflow/flow-instant/start-run`, {
			method: 'POST',
			headers: { 'XP-API-Key': 'good-key-0123456789', 'Content-Type': 'application/json' },
			body: '{}',
		}).then((response) => response.json());
		// A base URL without a scheme gets https://, which the stand-in does not speak; a path prefix
		// is exercised through a tiny forwarding proxy that strips it.
		const proxy = http.createServer((req, res) => {
			expect(req.url.startsWith('/vishwa/')).toBe(true);
			const forward = http.request(
				`${standin.url}${req.url.slice('/vishwa'.length)}`,
				{ method: req.method, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode, answer.headers);
					answer.pipe(res);
				},
			);
			req.pipe(forward);
		});
		await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		try {
			const result = await harness.runWorkflow(
				linearWorkflow([
					{
						name: 'Vishwa',
						type: TYPES.vishwa,
						parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-instant', runId: started.run_id },
					},
				]),
				{ credentials: { vishwaApi: { apiKey: 'good-key-0123456789', baseUrl: `http://127.0.0.1:${proxy.address().port}/vishwa/` } } },
			);
			expect(result.status).toBe('success');
			expect(result.json('Vishwa')[0]).toMatchObject({ run_id: started.run_id, run_status: 'completed' });
		} finally {
			await new Promise((resolve) => proxy.close(resolve));
		}
		const statusRequests = standin.state.requests.filter((r) => r.path.endsWith('/status'));
		expect(statusRequests).toHaveLength(1);
		expect(statusRequests[0]).toMatchObject({ keyOk: true, keyHeader: 'xp-api-key' });
	});

	test('a wrong key fails the node with the refused-key message', async () => {
		const result = await run(standin.url, 'not-the-key');
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('The Vishwa API key was refused (HTTP 401)');
		expect(JSON.stringify(result.run)).not.toContain('not-the-key');
	});
});
