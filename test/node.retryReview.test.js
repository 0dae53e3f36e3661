'use strict';
// Issue 13, second review (v13), proven through n8n-core's WorkflowExecute over real sockets:
// D1. Retry On Fail + Attach Files starts each item's run at most once across all tries.
// D2. Node version 1.1: a successful item carries Vishwa's `error` as `run_error`, so n8n's
//     Retry On Fail (which re-runs a node whose first output item has json.error) does not re-run it.
// D3. The API key is masked in every message and item built from Vishwa's answers.
// D4. Max Unfinished Runs is read by the same rule as every other numeric option.
// Controls: the assertions marked "control" fail on the code before this change.
const http = require('http');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'retry-review-key-9x8y7z';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

const oneFilePer = (n) => Array.from({ length: n }, () => ({ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hello' } }));

/** Manual Trigger -> Items (json, optional files) -> Vishwa with `settings` (retryOnFail, onError, typeVersion...). */
function run(parameters, { items = [{}], files, settings = {}, baseUrl = standin.url, apiKey = API_KEY } = {}) {
	const wf = linearWorkflow([
		{
			name: 'Items',
			type: TYPES.items,
			parameters: { items: JSON.stringify(items), ...(files ? { files: JSON.stringify(files) } : {}) },
		},
		{ name: 'Vishwa', type: TYPES.vishwa, parameters, ...settings },
	]);
	return harness.runWorkflow(wf, { credentials: { vishwaApi: { apiKey, baseUrl } } });
}

const attachParameters = {
	resource: 'run',
	operation: 'start',
	flowId: '={{ $json.flow }}',
	attachFiles: true,
	attachments: { file: [{ binaryProperty: 'data', inputName: 'document' }] },
};

describe('D1: Retry On Fail + Attach Files starts every item at most once across all tries', () => {
	// The unknown flow's 404 fails the node (or, with Continue, is the first item's json.error), so
	// n8n runs the whole node maxTries times; flow-ok's run must be started on the first try only.
	const onErrors = [undefined, 'continueRegularOutput', 'continueErrorOutput'];
	const cases = [];
	for (const maxTries of [2, 3, 4, 5]) for (const onError of onErrors) for (const wait of [false, true]) cases.push([maxTries, onError ?? 'stop', wait]);

	test.each(cases)('maxTries %i, On Error %s, Wait for Completion %s: flow-ok runs once, uploads once', async (maxTries, onError, wait) => {
		standin.state.setFlow({ id: 'flow-ok', durationMs: 0 });
		const parameters = { ...attachParameters, waitForCompletion: wait, waitOptions: { pollInterval: 0.1 } };
		const settings = { retryOnFail: true, maxTries, waitBetweenTries: 10, ...(onError === 'stop' ? {} : { onError }) };
		// Bad item first: with Continue, n8n retries only when the first output item has json.error.
		const result = await run(parameters, { items: [{ flow: 'flow-missing' }, { flow: 'flow-ok' }], files: oneFilePer(2), settings });
		// Without Continue the node fails at the first failed item (issue 15), so flow-ok's item may be
		// stopped before its start-run in a try; it is never started twice.
		const okRuns = onError === 'stop' ? [0, 1] : [1];
		expect(okRuns).toContain(standin.state.runsOf('flow-ok').length); // control: 2 for maxTries 3, 3 for maxTries 5
		expect(standin.state.requestsFor('start-run').filter((request) => /flow-ok/.test(request.path))).toHaveLength(standin.state.runsOf('flow-ok').length);
		// Each item's upload went out at most once; the unknown flow's 404 is a refusal, re-sent every try.
		expect(standin.state.requestsFor('start-run').filter((request) => /flow-missing/.test(request.path))).toHaveLength(maxTries);
		const uploads = standin.state.requestsFor('upload').length;
		expect(uploads).toBeLessThanOrEqual(2);
		expect(uploads).toBeGreaterThanOrEqual(1 + standin.state.runsOf('flow-ok').length);
		if (onError !== 'stop') {
			expect(result.status).toBe('success');
			const ok = result.output('Vishwa', 0).find((item) => item.json.run_id !== undefined);
			expect(ok.json.run_id).toBe(standin.state.runsOf('flow-ok')[0].run_id);
		} else {
			expect(result.status).toBe('error');
		}
	});

	test.each([false, true])('one item, Start + Wait whose wait times out, maxTries 4, Attach Files %s: one run', async (attachFiles) => {
		standin.state.setFlow({ id: 'flow-long', durationMs: 60000 });
		const parameters = { ...attachParameters, flowId: 'flow-long', attachFiles, waitForCompletion: true, waitOptions: { pollInterval: 0.1, maxWait: 0.3 } };
		const result = await run(parameters, { files: oneFilePer(1), settings: { retryOnFail: true, maxTries: 4, waitBetweenTries: 10 } });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/did not finish within 0\.3 s/);
		expect(standin.state.runsOf('flow-long')).toHaveLength(1); // control: 2 with Attach Files
		expect(standin.state.requestsFor('upload')).toHaveLength(attachFiles ? 1 : 0);
	});
});

/** A small Vishwa of our own: `answer(request)` -> [status, body (object or text), headers]; every request logged. */
async function ownServer(answer) {
	const requests = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const request = { method: req.method, url: req.url, key: req.headers['xp-api-key'], body };
			requests.push(request);
			const [status, payload, headers = {}] = answer(request);
			const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
			res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/html' : 'application/json', ...headers });
			res.end(text);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		count: (pattern) => requests.filter((request) => pattern.test(`${request.method} ${request.url}`)).length,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

const locator = (value) => ({ __rl: true, mode: 'id', value });

describe("D2: node version 1.1 keeps Vishwa's `error` field as `run_error`, so Retry On Fail does not re-run a success", () => {
	let server;
	let statusError; // the `error` value of the status answer
	let started = 0;
	beforeAll(async () => {
		server = await ownServer((request) => {
			if (/start-run$/.test(request.url)) return [200, { run_id: `run_${++started}`, run_status: 'queued', error: statusError }];
			if (/\/status$/.test(request.url)) {
				const failed = typeof statusError === 'string' && statusError !== '';
				return [200, { run_id: 'run_1', run_status: failed ? 'failed' : 'completed', error: statusError }];
			}
			return [404, { detail: 'Not Found' }];
		});
	});
	afterAll(async () => server.close());
	beforeEach(() => {
		server.requests.length = 0;
	});

	const retry = (onError) => ({ retryOnFail: true, maxTries: 5, waitBetweenTries: 10, ...(onError === 'stop' ? {} : { onError }) });
	const getStatus = (typeVersion) => ({
		parameters: typeVersion === 1 ? { resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'run_1' } : { resource: 'run', operation: 'getStatus', flowId: locator('f'), runId: locator('run_1') },
		typeVersion,
	});
	const startAndWait = (typeVersion) => ({
		parameters: {
			resource: 'run',
			operation: 'start',
			flowId: typeVersion === 1 ? 'f' : locator('f'),
			waitForCompletion: true,
			onFailedRun: 'return',
			waitOptions: { pollInterval: 0.1 },
		},
		typeVersion,
	});

	// [case, Vishwa's `error` value]: both are read as a failure by n8n-core 2.41's checkFailure.
	const errorValues = [
		['"Flow failed" (a failed run)', 'Flow failed'],
		['"" (a completed run)', ''],
	];
	const cases = [];
	for (const [name, value] of errorValues) for (const onError of ['stop', 'continueRegularOutput', 'continueErrorOutput']) cases.push([name, onError, value]);

	test.each(cases)('Get Status, error %s, On Error %s: version 1.1 asks once; version 1 is re-run 5 times', async (_name, onError, value) => {
		statusError = value;
		const v11 = getStatus(1.1);
		let result = await run(v11.parameters, { settings: { ...retry(onError), typeVersion: 1.1 }, baseUrl: server.url });
		expect(result.status).toBe('success');
		expect(server.count(/\/status$/)).toBe(1); // control: 5 before the change
		const [item] = result.output('Vishwa', 0);
		expect(item.json).not.toHaveProperty('error');
		expect(item.json.run_error).toBe(value);
		expect(item.json.run_id).toBe('run_1');

		// Version 1 keeps its shape, and n8n re-runs it (documented in docs/operations/get-status.md).
		server.requests.length = 0;
		const v1 = getStatus(1);
		result = await run(v1.parameters, { settings: retry(onError), baseUrl: server.url });
		expect(result.status).toBe('success');
		expect(result.output('Vishwa', 0)[0].json.error).toBe(value);
		expect(server.count(/\/status$/)).toBe(5);
	});

	test.each(['stop', 'continueRegularOutput', 'continueErrorOutput'])('Start + Wait, On Failed Run "Return the Item", On Error %s: one run, one wait, run_error', async (onError) => {
		statusError = 'Flow failed';
		const v11 = startAndWait(1.1);
		const result = await run(v11.parameters, { settings: { ...retry(onError), typeVersion: 1.1 }, baseUrl: server.url });
		expect(result.status).toBe('success');
		expect(server.count(/start-run$/)).toBe(1);
		expect(server.count(/\/status$/)).toBe(1); // control: 5 before the change
		const [item] = result.output('Vishwa', 0);
		expect(item.json.run_status).toBe('failed');
		expect(item.json.run_error).toBe('Flow failed');
		expect(item.json).not.toHaveProperty('error');
	});

	test('a null `error` (n8n 1.x retries on anything but undefined) is renamed too; Start without wait', async () => {
		statusError = null;
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: locator('f') },
			{ settings: { ...retry('continueRegularOutput'), typeVersion: 1.1 }, baseUrl: server.url },
		);
		expect(server.count(/start-run$/)).toBe(1);
		const [item] = result.output('Vishwa', 0);
		expect(Object.keys(item.json)).toEqual(['run_id', 'run_status', 'run_error', 'flow_id']);
		expect(item.json.run_error).toBeNull();
	});

	test("Continue On Fail (On Failed Run = Fail the Item): the error item keeps Vishwa's reason as run_error beside the node's error", async () => {
		statusError = 'Flow failed';
		const result = await run(
			{ ...startAndWait(1.1).parameters, onFailedRun: 'error' },
			{ settings: { onError: 'continueRegularOutput', typeVersion: 1.1 }, baseUrl: server.url },
		);
		const [item] = result.output('Vishwa', 0);
		expect(item.json.error).toMatch(/failed \(status "failed"\)/);
		expect(item.json.run_error).toBe('Flow failed');
	});
});

describe('D3: the API key is masked wherever an answer that echoes it is shown', () => {
	const { revealsKey } = require('../dist/nodes/Vishwa/core/redirects');
	const KEY = 'echo-key-Zq7Wm3Rt9Lp2';
	let server;
	let reply; // (request) => [status, body, headers]
	beforeAll(async () => {
		server = await ownServer((request) => reply(request));
	});
	afterAll(async () => server.close());
	beforeEach(() => {
		server.requests.length = 0;
	});

	/** Everything a result shows (items of both outputs, the node's error with description and stack), as text. */
	const shown = (result) =>
		JSON.stringify(
			{ out0: safeOutput(result, 0), out1: safeOutput(result, 1), error: result.error && { m: result.error.message, d: result.error.description, s: result.error.stack } },
		);
	const safeOutput = (result, index) => {
		try {
			return result.output('Vishwa', index);
		} catch {
			return null;
		}
	};

	// [case, how the server answers a start-run, given the key it received]
	const echoes = [
		['400 with the key in detail', (key) => [400, { detail: `bad key ${key}` }]],
		['401 with the key upper-cased', (key) => [401, { detail: `unknown key ${key.toUpperCase()}` }]],
		['404 with the key percent-encoded', (key) => [404, { detail: `no flow for key=${encodeURIComponent(key)}` }]],
		['422 FastAPI list with the key', (key) => [422, { detail: [{ loc: ['header', 'XP-API-Key'], msg: `invalid ${key}`, type: 'value_error' }] }]],
		['500 HTML page with the key in its title', (key) => [500, `<html><head><title>err ${key}</title></head><body>${key}</body></html>`]],
		['200 that is not JSON, quoting the key', (key) => [200, `oops ${key} not json`]],
		['200 start answer with the key in a field', (key) => [200, { run_id: 'run_9', run_status: 'queued', echo: key, [`k_${key}`]: 1 }]],
	];
	const cases = [];
	for (const [name, answer] of echoes) for (const onError of ['stop', 'continueRegularOutput', 'continueErrorOutput']) cases.push([name, onError, answer]);

	test.each(cases)('Run > Start, %s, On Error %s: "[redacted]" instead of the key', async (_name, onError, answer) => {
		reply = (request) => (/start-run$/.test(request.url) ? answer(request.key) : [404, { detail: 'Not Found' }]);
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'f' },
			{ settings: onError === 'stop' ? {} : { onError }, baseUrl: server.url, apiKey: KEY },
		);
		expect(server.requests[0].key).toBe(KEY); // the server did get the key, and echoed it
		const text = shown(result);
		expect(revealsKey(text, KEY)).toBe(false); // control: true before the change
		expect(text).toContain('[redacted]');
	});

	test.each(['stop', 'continueRegularOutput', 'continueErrorOutput'])('a failed run whose error quotes the key (On Failed Run = Fail the Item), On Error %s', async (onError) => {
		reply = (request) =>
			/start-run$/.test(request.url)
				? [200, { run_id: 'run_1', run_status: 'queued' }]
				: [200, { run_id: 'run_1', run_status: 'failed', error: `boom ${request.key}` }];
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'f', waitForCompletion: true, waitOptions: { pollInterval: 0.1 } },
			{ settings: onError === 'stop' ? {} : { onError }, baseUrl: server.url, apiKey: KEY },
		);
		const text = shown(result);
		expect(text).toMatch(/Vishwa said: boom \[redacted\]/);
		expect(revealsKey(text, KEY)).toBe(false); // control: true before the change
	});

	test('Get Status passes the answer through with the key masked in the values only', async () => {
		reply = (request) => [200, { run_id: 'run_1', run_status: 'completed', outputs: { note: `for ${request.key}`, other: 'kept' } }];
		const result = await run({ resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'run_1' }, { baseUrl: server.url, apiKey: KEY });
		expect(result.json('Vishwa')[0].outputs).toEqual({ note: 'for [redacted]', other: 'kept' });
	});

	test('the trigger: a listing error and Fetch Test Event (with Fetch Full Status) show no key', async () => {
		const runFields = (key) => ({ run_id: 'run_1', run_status: 'failed', start_time: new Date().toISOString(), error: `boom ${key}` });
		reply = (request) => {
			if (/\/runs(\?|$)/.test(request.url)) return [200, { runs: [runFields(request.key)] }];
			if (/\/status$/.test(request.url)) return [200, { ...runFields(request.key), outputs: { echo: request.key } }];
			return [404, { detail: 'Not Found' }];
		};
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'f', options: { fetchFullStatus: true } }, credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } },
			{ credentials: { vishwaApi: { apiKey: KEY, baseUrl: server.url } } },
		);
		const items = await poller.poll({ pollMode: 'manual' });
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toBe('boom [redacted]');
		expect(revealsKey(JSON.stringify(items), KEY)).toBe(false); // control: true before the change

		reply = (request) => [400, { detail: `listing refused for ${request.key}` }];
		const failure = await poller.poll({ pollMode: 'manual' }).then(
			() => undefined,
			(error) => error,
		);
		expect(failure.message).toContain('[redacted]');
		expect(revealsKey(`${failure.message} ${failure.description} ${failure.stack}`, KEY)).toBe(false);
	});

	test('the masking itself: only where the key shows, every spelling revealsKey detects', () => {
		const { maskKey } = require('../dist/nodes/Vishwa/core/keyMask');
		expect(maskKey('nothing here', KEY)).toBe('nothing here');
		expect(maskKey(`a ${KEY} b ${KEY.toLowerCase()}`, KEY)).toBe('a [redacted] b [redacted]');
		expect(maskKey(`x=${encodeURIComponent(KEY)}&y=1`, KEY)).toBe('x=[redacted]&y=1');
		expect(maskKey(`part ${KEY.slice(2, 12)} end`, KEY)).toBe('part [redacted] end');
		expect(maskKey(`host ${KEY.toLowerCase().replace(/-/g, '')}.example.com ok`, KEY)).toBe('host [redacted] ok');
		// Spread over words (punctuation and spaces dropped still show it): the whole text goes.
		expect(maskKey(KEY.split('').join(' '), KEY)).toBe('[redacted]');
	});
});

describe('D4: Max Unfinished Runs is read like every other numeric option', () => {
	test.each([['"0x10"', '0x10'], ['"0b11"', '0b11'], ['[2]', [2]], ['[]', []], ['true', true], ['-1', -1], ['1.5', 1.5]])(
		'%s from an expression is refused, naming item and field, before any request',
		async (_shown, value) => {
			const parameters = {
				resource: 'run',
				operation: 'start',
				flowId: 'flow-ok',
				waitForCompletion: true,
				waitOptions: { pollInterval: 0.1, maxUnfinishedRuns: `={{ $json.limit }}` },
			};
			const result = await run(parameters, { items: [{ limit: 1 }, { limit: value }] });
			expect(result.status).toBe('error');
			expect(result.error.message).toMatch(/^Item 1: Max Unfinished Runs must be a whole number, 0 for no limit \(got /); // control: accepted before
			expect(standin.state.requests.filter((request) => request.route !== null)).toHaveLength(0);
		},
	);

	test('"1e3" and " 2 " are read as numbers; 0 is no limit', async () => {
		const parameters = {
			resource: 'run',
			operation: 'start',
			flowId: 'flow-instant',
			waitForCompletion: true,
			waitOptions: { pollInterval: 0.1, maxUnfinishedRuns: `={{ $json.limit }}` },
		};
		const result = await run(parameters, { items: [{ limit: '1e3' }, { limit: ' 2 ' }, { limit: 0 }] });
		expect(result.status).toBe('success');
		expect(standin.state.runsOf('flow-instant')).toHaveLength(3);
	});
});

describe('a 200 that names no run or no stored file is an error, not a success', () => {
	let server;
	let reply;
	beforeAll(async () => {
		server = await ownServer((request) => reply(request));
	});
	afterAll(async () => server.close());
	beforeEach(() => {
		server.requests.length = 0;
	});

	test.each([false, true])('Start (Wait for Completion %s): no run ID is an error saying the run has probably started', async (wait) => {
		reply = () => [200, { ok: true }];
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'f', waitForCompletion: wait, waitOptions: { pollInterval: 0.1 } },
			{ settings: { onError: 'continueRegularOutput' }, baseUrl: server.url },
		);
		const [item] = result.output('Vishwa', 0);
		expect(item.json.error).toBe(`Vishwa's answer to starting a run of flow "f" has no run ID${wait ? ', so the node cannot wait for it' : ''}`); // control: a success item without wait
		expect(item.json.errorDescription).toMatch(/^The run has probably started: check the flow's runs in Vishwa before starting it again\. Vishwa answered \{"ok":true\}\.$/);
		expect(item.json.ok).toBe(true); // the answer is kept on the error item
		expect(item.json.flow_id).toBe('f');
		expect(server.count(/start-run$/)).toBe(1);
	});

	test('Start without a run ID under Retry On Fail: the retries report it again and start nothing', async () => {
		reply = () => [200, { ok: true }];
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'f' },
			{ settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 }, baseUrl: server.url },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/has no run ID$/);
		expect(server.count(/start-run$/)).toBe(1);
	});

	test.each([
		['no files list', { ok: true }],
		['an empty files list', { files: [] }],
		['entries without ID or URL', { files: [{ name: 'a.txt' }] }],
	])('Asset > Upload answered 200 with %s: an error (Retry On Fail does not upload again)', async (_name, answer) => {
		reply = () => [200, answer];
		const result = await run(
			{ resource: 'asset', operation: 'upload' },
			{ files: oneFilePer(1), settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 }, baseUrl: server.url },
		);
		expect(result.status).toBe('error'); // control: success before
		expect(result.error.message).toBe("Vishwa's answer to the upload names no stored file (no files list, file ID or URL)");
		expect(result.error.description).toContain('The files may be stored in Vishwa anyway');
		expect(server.count(/upload/)).toBe(1);
	});

	test('Asset > Upload answered with one ID is accepted as before', async () => {
		reply = () => [200, { file_id: 'f1' }];
		const result = await run({ resource: 'asset', operation: 'upload' }, { files: oneFilePer(1), baseUrl: server.url });
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0]).toEqual({ file_id: 'f1' });
	});
});
