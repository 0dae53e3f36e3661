'use strict';
// Messages that send the user to the credential name the one the node uses, as the user named it in
// n8n (issue 19, point 8), not a generic "Vishwa API credential". Through n8n's WorkflowExecute and a
// real PollContext, against the stand-in and a plain-HTTP server reached with https://.
const http = require('http');
const net = require('net');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'credential-name-key-7a6b5c';
const NAME = 'Vishwa – production (ops team)';
const harness = createHarness();
let standin;

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

/** Run > Get Status with the node's credential reference named `name`. */
async function getStatus({ name = NAME, apiKey = API_KEY, baseUrl = standin.url } = {}) {
	const workflow = linearWorkflow([
		{ name: 'Vishwa', type: TYPES.vishwa, parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: {} } },
	]);
	workflow.nodes[1].credentials = { vishwaApi: { id: 'cred-9', name } };
	return await harness.runWorkflow(workflow, { credentials: { vishwaApi: { apiKey, baseUrl } } });
}

async function closedPort() {
	const server = net.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

test('a refused key names the credential', async () => {
	const result = await getStatus({ apiKey: 'wrong-key' });
	expect(result.error.message).toBe('The Vishwa API key was refused (HTTP 401)');
	expect(result.error.description).toMatch(/^Check the API key in the credential "Vishwa – production \(ops team\)", and that/);
});

test('an unreachable base URL names the credential', async () => {
	const result = await getStatus({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
	expect(result.error.message).toMatch(/^Could not reach Vishwa at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/);
	expect(result.error.description).toBe(`4 attempts made. Check the Base URL in the credential "${NAME}" and that the server is up.`);
});

test('https:// against a plain-HTTP server: the TLS hint names the credential', async () => {
	const result = await getStatus({ baseUrl: standin.url.replace(/^http:/, 'https:') });
	expect(result.error.message).toMatch(/\(TLS handshake failed\)$/);
	expect(result.error.description).toContain(`start the Base URL in the credential "${NAME}" with http://`);
});

test('an invalid base URL names the credential', async () => {
	const result = await getStatus({ baseUrl: 'ftp://files.example.com' });
	expect(result.error.description).toBe(`Fix the Base URL in the credential "${NAME}".`);
	expect(standin.state.requests).toHaveLength(0);
});

test('another name gives another message (the name is read from the node, not fixed)', async () => {
	const result = await getStatus({ name: 'staging key', apiKey: 'wrong-key' });
	expect(result.error.description).toMatch(/^Check the API key in the credential "staging key", and that/);
});

test('the trigger names its credential when the listing is not a list', async () => {
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"hello":"a proxy page, not Vishwa"}');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok' }, credentials: { vishwaApi: { id: 'cred-9', name: NAME } } },
			{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${server.address().port}` } } },
		);
		const error = await poller.poll().then(() => undefined, (caught) => caught);
		expect(error && error.message).toBe('Vishwa\'s answer to list the runs of flow "flow-ok" is not a list of runs');
		expect(error.description).toMatch(new RegExp(`Check the Base URL in the credential "${NAME.replace(/[()]/g, '\\$&')}"\\.$`));
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
});
