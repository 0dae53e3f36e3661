'use strict';
// Issue 13: failures behave the way n8n's own execution code expects, proven through n8n-core's
// WorkflowExecute against the stand-in (and small servers of our own) over real sockets:
// - "On Error: Continue (using error output)" routes failed items to the error output (n8n's
//   handleNodeErrorOutput), with pairedItem and the input item's fields; "Continue (regular
//   output)" keeps one useful flat item; both carry httpCode.
// - "Retry On Fail" re-runs the whole node: no item's run is ever started twice.
// - Every numeric option is checked before any request, including values from expressions.
// - Retry-After: negative values ignored; HTTP dates against the answer's own Date header.
// - Integers JSON cannot hold exactly are refused, naming item and field.
const http = require('http');
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'errors-test-key-1d2e3f';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

const credentials = (baseUrl = standin.url) => ({ vishwaApi: { apiKey: API_KEY, baseUrl } });

/**
 * Manual Trigger -> Items -> Vishwa [-> "Succeeded" on output 0, "Failed" on output 1 when the
 * node uses the error output]. `settings` are node settings (onError, retryOnFail, maxTries...).
 */
function workflow(parameters, { items = [{}], settings = {}, type = TYPES.vishwa } = {}) {
	const wf = linearWorkflow([
		{ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(items) } },
		{ name: 'Vishwa', type, parameters, ...settings },
	]);
	if (settings.onError === 'continueErrorOutput') {
		const sink = (name, index) => ({
			id: `sink-${index}`,
			name,
			type: TYPES.items,
			typeVersion: 1,
			position: [900, index * 200],
			parameters: { items: '[{"reached": true}]' },
		});
		wf.nodes.push(sink('Succeeded', 0), sink('Failed', 1));
		wf.connections.Vishwa = {
			main: [[{ node: 'Succeeded', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]],
		};
	}
	return wf;
}

const run = (parameters, options = {}) =>
	harness.runWorkflow(workflow(parameters, options), { credentials: credentials(options.baseUrl) });

const startRuns = (flowId) => standin.state.runs.filter((r) => r.flowId === flowId);
const startRequests = (flowId) =>
	standin.state.requests.filter((r) => r.path === `/v1/workflow/${flowId}/start-run`);

describe('On Error: Continue (using error output)', () => {
	const items = [{ flow: 'flow-ok', tag: 'good' }, { flow: 'nope', tag: 'bad' }];
	const startParams = { resource: 'run', operation: 'start', flowId: '={{ $json.flow }}' };

	test('the good item leaves on the success output, the bad one on the error output, each paired', async () => {
		const result = await run(startParams, { items, settings: { onError: 'continueErrorOutput' } });
		expect(result.status).toBe('success');
		const [good] = result.output('Vishwa', 0);
		const errors = result.output('Vishwa', 1);
		expect(result.output('Vishwa', 0)).toHaveLength(1);
		expect(good.json).toMatchObject({ run_id: startRuns('flow-ok')[0].run_id, run_status: 'queued' });
		expect(good.pairedItem).toEqual({ item: 0 });
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		// n8n adds the input item's fields next to `error`.
		expect(errors[0].json).toEqual({
			flow: 'nope',
			tag: 'bad',
			error: {
				flow_id: 'nope', // the flow the item named (issue 19: every output names its flow)
				message: 'Flow "nope" was not found',
				description: expect.stringContaining('Check the ids'),
				httpCode: 404,
			},
		});
		// Each branch really ran with its item.
		expect(result.json('Succeeded')).toEqual([{ reached: true }]);
		expect(result.json('Failed')).toEqual([{ reached: true }]);
		expect(startRuns('flow-ok')).toHaveLength(1);
	});

	test('an input error goes to the error output too (no httpCode: nothing was sent)', async () => {
		const result = await run(
			{ ...startParams, specifyInputs: 'json', inputsJson: '={{ $json.body }}' },
			{
				items: [{ flow: 'flow-ok', body: '{"a": 1}' }, { flow: 'flow-ok', body: '[1]' }],
				settings: { onError: 'continueErrorOutput' },
			},
		);
		expect(result.output('Vishwa', 0).map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		const [bad] = result.output('Vishwa', 1);
		expect(bad.pairedItem).toEqual({ item: 1 });
		expect(bad.json.error.message).toMatch(/^Item 1: Inputs \(JSON\) must be a JSON object/);
		expect(bad.json.error).not.toHaveProperty('httpCode');
		expect(startRequests('flow-ok')).toHaveLength(1);
	});

	test('control: an item shaped {error, errorDescription} (the old error item) stays on the success output', async () => {
		// The rule the node relies on, shown with n8n's own code: a test-only node returning the old shape.
		const { nodeTypes } = await harness.load();
		nodeTypes['test.oldErrorItem'] = {
			description: {
				displayName: 'Old Error Item',
				name: 'oldErrorItem',
				group: ['transform'],
				version: 1,
				defaults: { name: 'Old' },
				inputs: ['main'],
				outputs: ['main'],
				properties: [],
			},
			async execute() {
				return [this.getInputData().map((_, item) => ({ json: { error: 'x', errorDescription: 'y' }, pairedItem: { item } }))];
			},
		};
		const result = await harness.runWorkflow(
			workflow({}, { items, type: 'test.oldErrorItem', settings: { onError: 'continueErrorOutput' } }),
		);
		expect(result.output('Vishwa', 0)).toHaveLength(2);
		expect(result.output('Vishwa', 1)).toHaveLength(0);
	});
});

describe('On Error: Continue (regular output)', () => {
	test('the failed item is one flat item among the others: error, errorDescription, httpCode', async () => {
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: '={{ $json.flow }}' },
			{ items: [{ flow: 'flow-ok' }, { flow: 'nope' }], settings: { onError: 'continueRegularOutput' } },
		);
		const out = result.output('Vishwa');
		expect(out).toHaveLength(2);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json.run_id).toBe(startRuns('flow-ok')[0].run_id);
		expect(out[1].json).toEqual({
			flow_id: 'nope',
			error: 'Flow "nope" was not found',
			errorDescription: expect.stringContaining('Check the ids'),
			httpCode: 404,
		});
	});

	test('httpCode tells a rate limit (429) from a refused key (401) without parsing text', async () => {
		standin.state.addFault({ route: 'status', kind: 429, retryAfter: 120 });
		const limited = await run(
			{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1' },
			{ settings: { onError: 'continueRegularOutput' } },
		);
		expect(limited.json('Vishwa')[0]).toMatchObject({ httpCode: 429, error: expect.stringMatching(/HTTP 429/) });
		const refused = await harness.runWorkflow(
			workflow(
				{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1' },
				{ settings: { onError: 'continueRegularOutput' } },
			),
			{ credentials: { vishwaApi: { apiKey: 'wrong-key-errors-test', baseUrl: standin.url } } },
		);
		expect(refused.json('Vishwa')[0]).toMatchObject({ httpCode: 401 });
	});
});

describe('Retry On Fail never starts a run twice', () => {
	const retry = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 };

	test('items [good flow, unknown flow], 3 tries: the good flow is started once, the unknown one tried 3 times', async () => {
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: '={{ $json.flow }}' },
			{ items: [{ flow: 'flow-ok' }, { flow: 'nope' }], settings: retry },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Flow "nope" was not found');
		// n8n really ran the node 3 times (the control: each try asked for the unknown flow again)...
		expect(startRequests('nope')).toHaveLength(3);
		// ...but the run of the good item was started by the first try only.
		expect(startRequests('flow-ok')).toHaveLength(1);
		expect(startRuns('flow-ok')).toHaveLength(1);
	});

	test('with Continue (regular output) too (n8n retries when the first item is an error item)', async () => {
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: '={{ $json.flow }}' },
			{ items: [{ flow: 'nope' }, { flow: 'flow-ok' }], settings: { ...retry, onError: 'continueRegularOutput' } },
		);
		expect(result.status).toBe('success');
		expect(startRequests('nope')).toHaveLength(3);
		expect(startRuns('flow-ok')).toHaveLength(1);
		const out = result.json('Vishwa');
		expect(out[0].httpCode).toBe(404);
		expect(out[1].run_id).toBe(startRuns('flow-ok')[0].run_id);
	});

	test('a start-run whose answer was lost is not sent again by a retry', async () => {
		standin.state.addFault({ route: 'start-run', kind: 'drop-after' });
		const result = await run({ resource: 'run', operation: 'start', flowId: 'flow-ok' }, { settings: retry });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^The request to start a run of flow "flow-ok" was sent but its answer was lost/);
		expect(result.error.description).toContain('Retry On Fail did not send it again');
		expect(startRequests('flow-ok')).toHaveLength(1);
		expect(startRuns('flow-ok')).toHaveLength(1);
	});

	test('a wait that ran out is retried on the same run, never by starting another', async () => {
		standin.state.setFlow({ id: 'flow-slowish', durationMs: 1500 });
		const result = await run(
			{
				resource: 'run',
				operation: 'start',
				flowId: 'flow-slowish',
				waitForCompletion: true,
				waitOptions: { pollInterval: 0.1, maxWait: 0.3 },
			},
			{ settings: { retryOnFail: true, maxTries: 5, waitBetweenTries: 1000 } },
		);
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_status).toBe('completed');
		expect(startRuns('flow-slowish')).toHaveLength(1);
	});

	test('Asset > Upload: an item uploaded by an earlier try is not uploaded again', async () => {
		const wf = linearWorkflow([
			{
				name: 'Items',
				type: TYPES.items,
				parameters: {
					items: JSON.stringify([{ n: 0 }, { n: 1 }]),
					files: JSON.stringify([{ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hello' } }]),
				},
			},
			{ name: 'Vishwa', type: TYPES.vishwa, parameters: { resource: 'asset', operation: 'upload' }, ...retry },
		]);
		const result = await harness.runWorkflow(wf, { credentials: credentials() });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^Item 1: /);
		expect(standin.state.files).toHaveLength(1);
		expect(standin.state.requests.filter((r) => r.path.startsWith('/v1/assets/upload'))).toHaveLength(1);
	});

	test('without Retry On Fail nothing is remembered: two executions start two runs', async () => {
		await run({ resource: 'run', operation: 'start', flowId: 'flow-ok' });
		await run({ resource: 'run', operation: 'start', flowId: 'flow-ok' });
		expect(startRuns('flow-ok')).toHaveLength(2);
	});
});

describe('numeric options are checked before any request, naming item and field', () => {
	const bad = [
		['"abc"', 'abc'],
		['"-1"', '-1'],
		['0', 0],
		['-1', -1],
		['1e309 (Infinity)', '1e309'],
		['true', true],
	];
	const cases = [
		['Start: Request Timeout', { resource: 'run', operation: 'start', flowId: 'flow-ok', options: { timeout: '={{ $json.v }}' } }, 'Request Timeout (Ms)'],
		['Start: Concurrency', { resource: 'run', operation: 'start', flowId: 'flow-ok', options: { concurrency: '={{ $json.v }}' } }, 'Concurrency'],
		['Start: Poll Interval', { resource: 'run', operation: 'start', flowId: 'flow-ok', waitForCompletion: true, waitOptions: { pollInterval: '={{ $json.v }}' } }, 'Poll Interval (Seconds)'],
		['Start: Max Poll Interval', { resource: 'run', operation: 'start', flowId: 'flow-ok', waitForCompletion: true, waitOptions: { maxPollInterval: '={{ $json.v }}' } }, 'Max Poll Interval (Seconds)'],
		['Start: Maximum Wait', { resource: 'run', operation: 'start', flowId: 'flow-ok', waitForCompletion: true, waitOptions: { maxWait: '={{ $json.v }}' } }, 'Maximum Wait (Seconds)'],
		['Get Status: Request Timeout', { resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: { timeout: '={{ $json.v }}' } }, 'Request Timeout (Ms)'],
		['Wait for Completion: Request Timeout', { resource: 'run', operation: 'waitForCompletion', flowId: 'flow-ok', runId: 'run_1', options: { timeout: '={{ $json.v }}' } }, 'Request Timeout (Ms)'],
		['Wait for Completion: Maximum Wait', { resource: 'run', operation: 'waitForCompletion', flowId: 'flow-ok', runId: 'run_1', waitOptions: { maxWait: '={{ $json.v }}' } }, 'Maximum Wait (Seconds)'],
		['Upload: Request Timeout', { resource: 'asset', operation: 'upload', binaryProperties: 'data', options: { timeout: '={{ $json.v }}' } }, 'Request Timeout (Ms)'],
	];
	const escape = (text) => text.replace(/[()]/g, '\\$&');

	test.each(cases)('%s', async (_name, parameters, field) => {
		for (const [, value] of bad) {
			standin.reset();
			const result = await run(parameters, { items: [{ v: value }] });
			expect(result.status).toBe('error');
			expect(result.error.message).toMatch(new RegExp(`^Item 0: ${escape(field)} must be `));
			expect(result.error.message).toContain('(got ');
			expect(standin.state.requests).toHaveLength(0);
		}
	});

	test('whole numbers are required where a fraction makes no sense (ms, counts); seconds may have decimals', async () => {
		for (const [parameters, field] of [
			[{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: { timeout: '={{ 1500.5 }}' } }, 'Request Timeout (Ms)'],
			[{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: { concurrency: 2.5 } }, 'Concurrency'],
			[{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: { concurrency: 51 } }, 'Concurrency'],
		]) {
			const result = await run(parameters);
			expect(result.error.message).toBe(
				field === 'Concurrency'
					? `Item 0: Concurrency must be a whole number from 1 to 50 (got ${parameters.options.concurrency})`
					: 'Item 0: Request Timeout (Ms) must be a whole number of milliseconds from 1 to 2147483647 (got 1500.5)',
			);
		}
		expect(standin.state.requests).toHaveLength(0);
		const run1 = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		const ok = await run({
			resource: 'run',
			operation: 'waitForCompletion',
			flowId: 'flow-ok',
			runId: run1.run_id,
			waitOptions: { pollInterval: '0.15', maxWait: '={{ "2.5" }}' },
			options: { timeout: '={{ "5000" }}' },
		});
		expect(ok.status).toBe('success');
	});

	test('a bad value in a later item stops the node before the first item is sent', async () => {
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'flow-ok', options: { timeout: '={{ $json.v }}' } },
			{ items: [{ v: 5000 }, { v: 5000 }, { v: 'soon' }] },
		);
		expect(result.error.message).toBe(
			'Item 2: Request Timeout (Ms) must be a whole number of milliseconds from 1 to 2147483647 (got "soon")',
		);
		expect(standin.state.requests).toHaveLength(0);
	});

	test('with Continue On Fail the bad item becomes its error item and the others go on', async () => {
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'flow-ok', options: { timeout: '={{ $json.v }}' } },
			{ items: [{ v: 5000 }, { v: -1 }], settings: { onError: 'continueRegularOutput' } },
		);
		const out = result.json('Vishwa');
		expect(out[0].run_id).toBeDefined();
		expect(out[1].error).toBe(
			'Item 1: Request Timeout (Ms) must be a whole number of milliseconds from 1 to 2147483647 (got -1)',
		);
		expect(startRuns('flow-ok')).toHaveLength(1);
	});

	test('trigger: Request Timeout and Page Size from expressions, refused before any request', async () => {
		for (const [options, message] of [
			[{ timeout: '={{ "abc" }}' }, 'Request Timeout (Ms) must be a whole number of milliseconds from 1 to 2147483647 (got "abc")'],
			[{ timeout: '={{ -5 }}' }, 'Request Timeout (Ms) must be a whole number of milliseconds from 1 to 2147483647 (got -5)'],
			[{ pageSize: '={{ 2.5 }}' }, 'Page Size must be a whole number from 2 to 100 (got 2.5)'],
			[{ pageSize: '={{ 0 }}' }, 'Page Size must be a whole number from 2 to 100 (got 0)'],
			[{ pageSize: '={{ 1 }}' }, 'Page Size must be a whole number from 2 to 100 (got 1)'], // pages must overlap
		]) {
			const poller = await harness.createPoller(
				{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok', options }, credentials: { vishwaApi: { id: 'c', name: 'c' } } },
				{ credentials: credentials() },
			);
			await expect(poller.poll()).rejects.toThrow(message);
		}
		expect(standin.state.requests).toHaveLength(0);
	});
});

describe('Retry-After', () => {
	/** A status endpoint answering 429 first (with the given headers), then 200. Records request times. */
	async function rateLimitedServer(headersOf429) {
		const times = [];
		const server = http.createServer((request, response) => {
			times.push(Date.now());
			request.resume();
			if (times.length === 1) {
				response.writeHead(429, { 'Content-Type': 'application/json', ...headersOf429() });
				response.end('{"detail":"slow down"}');
				return;
			}
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end('{"run_id":"r1","run_status":"running"}');
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		return {
			url: `http://127.0.0.1:${server.address().port}`,
			times,
			close: () => new Promise((resolve) => server.close(resolve)),
		};
	}
	const getStatus = (baseUrl) =>
		run({ resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'r1' }, { baseUrl });

	test.each(['-5', '-1'])('Retry-After: %s is invalid: the normal backoff (at least 0.25 s) is used, not 0', async (value) => {
		const server = await rateLimitedServer(() => ({ 'Retry-After': value }));
		try {
			const result = await getStatus(server.url);
			expect(result.status).toBe('success');
			expect(server.times).toHaveLength(2);
			// A lower bound only: a slow machine makes the gap longer, never shorter.
			expect(server.times[1] - server.times[0]).toBeGreaterThanOrEqual(240);
		} finally {
			await server.close();
		}
	});

	test("an HTTP date is read against the answer's Date header: a server clock 1 h ahead still gets 1 s", async () => {
		// Against n8n's clock this date is an hour away, over the 60 s the node waits: it would fail.
		const server = await rateLimitedServer(() => {
			const serverNow = Date.now() + 3600 * 1000;
			return { Date: new Date(serverNow).toUTCString(), 'Retry-After': new Date(serverNow + 2000).toUTCString() };
		});
		try {
			const result = await getStatus(server.url);
			expect(result.status).toBe('success');
			expect(server.times).toHaveLength(2);
			expect(server.times[1] - server.times[0]).toBeGreaterThanOrEqual(900);
		} finally {
			await server.close();
		}
	});

	test('a server clock 1 h behind: the wait is still the one asked for, not 0', async () => {
		const server = await rateLimitedServer(() => {
			const serverNow = Date.now() - 3600 * 1000;
			return { Date: new Date(serverNow).toUTCString(), 'Retry-After': new Date(serverNow + 2000).toUTCString() };
		});
		try {
			const result = await getStatus(server.url);
			expect(result.status).toBe('success');
			expect(server.times[1] - server.times[0]).toBeGreaterThanOrEqual(900);
		} finally {
			await server.close();
		}
	});
});

describe('integers JSON cannot hold exactly', () => {
	const big = '12345678901234567890';
	test.each([
		['Inputs (JSON)', { specifyInputs: 'json', inputsJson: `{"id": ${big}}` }, `Item 0: Inputs (JSON) holds the number ${big}`],
		[
			'Override Config (JSON)',
			{ specifyOverrideConfig: 'json', overrideConfigJson: `{"node_1": {"seed": ${big}}}` },
			`Item 0: Override Config (JSON) holds the number ${big}`,
		],
		[
			'Inputs, a field of type JSON',
			{ inputFields: { input: [{ name: 'ids', value: `[1, ${big}]`, type: 'json' }] } },
			`Item 0: The value of "ids" in Inputs holds the number ${big}`,
		],
	])('%s: refused before sending, suggesting a string', async (_name, parameters, message) => {
		const result = await run({ resource: 'run', operation: 'start', flowId: 'flow-ok', ...parameters });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`${message}, too large to be sent exactly (it would arrive as 12345678901234567000)`);
		expect(result.error.description).toContain(`Send it as a string instead: "${big}"`);
		expect(standin.state.requests).toHaveLength(0);
	});

	test('as a string it is sent exactly; the largest exact integer is sent as a number', async () => {
		const result = await run({
			resource: 'run',
			operation: 'start',
			flowId: 'flow-ok',
			specifyInputs: 'json',
			inputsJson: `{"id": "${big}", "max": 9007199254740991, "note": "a ${big} in text"}`,
		});
		expect(result.status).toBe('success');
		expect(startRequests('flow-ok')[0].bodyExcerpt).toBe(
			`{"id":"${big}","max":9007199254740991,"note":"a ${big} in text"}`,
		);
	});
});

test('the editor shows a notice under Wait for Completion: the execution stays busy', async () => {
	const { nodeTypes } = await harness.load();
	const { properties } = nodeTypes[TYPES.vishwa].description;
	const notices = properties.filter((p) => p.type === 'notice' && /stays busy/.test(p.displayName));
	expect(notices.map((p) => p.displayOptions.show.operation)).toEqual([['start'], ['waitForCompletion']]);
	expect(notices[0].displayOptions.show.waitForCompletion).toEqual([true]);
	expect(notices[0].displayName).toMatch(/queue mode a worker slot/);
});
