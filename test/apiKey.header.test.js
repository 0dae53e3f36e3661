'use strict';
// Review 15b, D5: an API key holding characters outside Latin-1 was mangled on its way into the
// XP-API-Key header (n8n's HTTP client drops them) and reached Vishwa as another key. The node (every
// path: items, list search, trigger) and the credential's Test button now refuse it with a clear
// error, before any request, never showing the key. Through n8n-core (test/harness) against a small
// recording server; the secret scan checks that no key appears in any output.
const http = require('http');
const { createHarness, linearWorkflow, TYPES } = require('./harness');

const harness = createHarness();
let server;
let baseUrl;
const seen = [];

beforeAll(async () => {
	server = http.createServer((req, res) => {
		seen.push({ url: req.url, key: req.headers['xp-api-key'] });
		res.writeHead(req.url.includes('n8n-credential-test') ? 404 : 200, { 'content-type': 'application/json' });
		const now = new Date().toISOString();
		if (req.url.includes('/runs')) return res.end(JSON.stringify({ runs: [{ run_id: 'run_1', run_status: 'completed', run_start_time: now, run_type: 'api' }], total: 1 }));
		res.end(JSON.stringify({ run_id: 'run_1', run_status: 'completed', run_start_time: now, run_type: 'api' }));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${server.address().port}`;
});
afterAll(async () => new Promise((resolve) => server.close(resolve)));
beforeEach(() => (seen.length = 0));

const UNSENDABLE = 'holds characters that cannot be sent in an HTTP header (only Latin-1 characters can: letters, digits, punctuation, no line breaks)';

async function getStatus(apiKey) {
	const workflow = linearWorkflow([
		{
			name: 'Vishwa',
			type: TYPES.vishwa,
			parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-a', runId: 'run_1' },
		},
	]);
	return await harness.runWorkflow(workflow, { credentials: { vishwaApi: { apiKey, baseUrl } } });
}

// Cyrillic, the euro sign (outside Latin-1 although common on keyboards), an emoji, a line break.
describe.each([['kluch-ключ-key'], ['key-€-9f8e'], ['key-🔑-1234'], ['key-line\nbreak']])('the key %j', (apiKey) => {
	test('fails the node before any request, naming the credential, not the key', async () => {
		const result = await getStatus(apiKey);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`The API key in the credential "Vishwa API" ${UNSENDABLE}`);
		expect(seen).toEqual([]);
		expect(JSON.stringify(result.run)).not.toContain(apiKey);
	});

	test('list search and the trigger refuse it too, before any request', async () => {
		await expect(
			harness.listSearch('searchRuns', {
				parameters: { resource: 'run', operation: 'getStatus', flowId: { __rl: true, mode: 'id', value: 'flow-a' } },
				credentials: { vishwaApi: { apiKey, baseUrl } },
			}),
		).rejects.toThrow(`The API key in the credential "Vishwa API" ${UNSENDABLE}`);
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-a' }, credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } },
			{ credentials: { vishwaApi: { apiKey, baseUrl } } },
		);
		await expect(poller.poll()).rejects.toThrow(UNSENDABLE);
		expect(seen).toEqual([]);
	});

	test("the credential's Test button says so (and sends nothing)", async () => {
		const result = await harness.testCredential({ apiKey, baseUrl });
		expect(result).toEqual({
			status: 'Error',
			message: `The API key ${UNSENDABLE}. Copy the key again from Vishwa and paste it alone.`,
		});
		expect(seen).toEqual([]);
	});
});

// Control: keys Node can send as they are reach the server unchanged (Latin-1 é, inner space, tab).
test.each([['plain-key-0123'], ['clé-latin1-é'], ['key with spaces'], ['key\twith-tab']])('the key %j is sent unchanged', async (apiKey) => {
	const result = await getStatus(apiKey);
	expect(result.status).toBe('success');
	expect(seen.map((request) => request.key)).toEqual([apiKey]);
	expect((await harness.testCredential({ apiKey, baseUrl })).status).toBe('OK');
});
