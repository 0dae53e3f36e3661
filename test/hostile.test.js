'use strict';
// Hostile input, through n8n's WorkflowExecute against the stand-in: every hostile value runs as
// item 1 between two good items (Continue On Fail), and must either work exactly (reaching only
// its own flow, run or file) or fail with a clear error naming the item and the parameter — never
// crash the workflow, never touch items 0 and 2. Also the trigger's Flow ID, base URLs (trailing slash, path prefix, /v1,
// no scheme, invalid) and odd but valid JSON answers. Empty, HTML, malformed and very large
// answers are cells of the fault matrix (faults.matrix.test.js).
const http = require('http');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');
const { startFaultyProxy } = require('./support/faultyProxy');
const { normalizeBaseUrl, idSegment } = require('../dist/nodes/Vishwa/core/paths');
const { assertJsonDepth, MAX_JSON_DEPTH } = require('../dist/nodes/Vishwa/core/startRun');
const { parseBinaryPropertyNames } = require('../dist/nodes/Vishwa/core/upload');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

const API_KEY = 'hostile-test-key-7f6e5d';
const harness = createHarness();
let standin;

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
	const { nodeTypes } = await harness.load();
	nodeTypes['test.rawItems'] = rawItemsNode(harness.workflowLib);
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

/** Test-only node: emits items exactly as given (json and binary objects, however malformed). */
function rawItemsNode(workflowLib) {
	return {
		description: {
			displayName: 'Raw Items',
			name: 'rawItems',
			group: ['transform'],
			version: 1,
			defaults: { name: 'Raw Items' },
			inputs: [workflowLib.NodeConnectionTypes.Main],
			outputs: [workflowLib.NodeConnectionTypes.Main],
			properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
		},
		async execute() {
			const items = JSON.parse(this.getNodeParameter('items', 0));
			return [items.map((item) => ({ json: {}, ...item, pairedItem: { item: 0 } }))];
		},
	};
}

/** Raw Items ([good, hostile, good]) -> Vishwa with `parameters`. */
function run(parameters, items, { baseUrl = standin.url, continueOnFail = true } = {}) {
	return harness.runWorkflow(
		linearWorkflow([
			{ name: 'Raw Items', type: 'test.rawItems', parameters: { items: JSON.stringify(items) } },
			{ name: 'Vishwa', type: TYPES.vishwa, parameters, ...(continueOnFail ? { continueOnFail: true } : {}) },
		]),
		{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl } } },
	);
}

const sandwich = (hostile, good = (i) => ({ json: { i } })) => [good(0), hostile, good(2)];
const apiRuns = () => standin.state.runs.filter((r) => r.createdBy === 'api');

/** The workflow did not fail, every item has an output paired with it, items 0 and 2 are intact. */
function expectNeighboursIntact(result, checkGood) {
	expect(result.status).toBe('success');
	const output = result.output('Vishwa');
	expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	checkGood(output[0].json, 0);
	checkGood(output[2].json, 2);
	return output[1].json;
}

describe('Run > Start', () => {
	const START = {
		resource: 'run',
		operation: 'start',
		flowId: '={{ $json.flow ?? "flow-ok" }}',
		specifyInputs: 'json',
		inputsJson: '={{ $json.inputs ?? { i: $json.i } }}',
		specifyOverrideConfig: 'json',
		overrideConfigJson: '={{ $json.override ?? {} }}',
	};
	const goodRun = (json, i) => {
		expect(json).toMatchObject({ run_id: expect.stringMatching(/^run_\d+$/), run_status: 'queued' });
		const runs = apiRuns().filter((r) => r.inputs && r.inputs.i === i);
		expect(runs).toEqual([expect.objectContaining({ run_id: json.run_id, flowId: 'flow-ok', override_config: null })]);
	};

	test.each([
		['a/b'],
		['%2F'],
		['  spaced id  '],
		['ü/ß?#'],
		['../../assets/upload'],
		['x?y=1&z#frag'],
		['100% a%00b'],
		[4242],
	])('Flow ID %p reaches exactly that flow', async (flow) => {
		const id = String(flow).trim();
		standin.state.setFlow({ id, durationMs: 0 });
		const result = await run(START, sandwich({ json: { flow, inputs: { hostile: true } } }));
		const json = expectNeighboursIntact(result, goodRun);
		const runs = apiRuns().filter((r) => r.flowId === id);
		expect(runs).toEqual([expect.objectContaining({ run_id: json.run_id, inputs: { hostile: true } })]);
		expect(standin.state.requestsFor('start-run').map((r) => r.path)).toContain(`/v1/workflow/${encodeURIComponent(id)}/start-run`);
		expect(apiRuns()).toHaveLength(3);
	});

	test.each([
		['..', 'Item 1: Flow ID ".." is not a valid id'],
		['.', 'Item 1: Flow ID "." is not a valid id'],
		['  \n ', 'Item 1: Flow ID is empty'],
		[{ id: 'flow-ok' }, 'Item 1: Flow ID must be text, not an object'],
		[['flow-ok'], 'Item 1: Flow ID must be text, not an array'],
		[true, 'Item 1: Flow ID must be text, not a boolean'],
	])('Flow ID %p is refused naming item and field, and sends nothing', async (flow, message) => {
		const result = await run(START, sandwich({ json: { flow } }));
		const json = expectNeighboursIntact(result, goodRun);
		expect(json.error).toBe(message);
		expect(json.errorDescription).toMatch(/Flow ID/);
		expect(standin.state.requestsFor('start-run')).toHaveLength(2);
	});

	test('Flow ID as an object names the fix', async () => {
		const result = await run(START, sandwich({ json: { flow: { a: 1 } } }));
		expect(result.output('Vishwa')[1].json.errorDescription).toBe(
			'If Flow ID comes from an expression, make it give the id itself (for example $json.run_id rather than $json).',
		);
	});

	const nested = (levels) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
	test.each([
		['invalid JSON', '{"a": 1', /^Item 1: Inputs \(JSON\) is not valid JSON \(.+\)$/],
		['an array', [1, 2], 'Item 1: Inputs (JSON) must be a JSON object such as {"input_1": "value"}, not an array'],
		['a number', 7, 'Item 1: Inputs (JSON) must be a JSON object such as {"input_1": "value"}, not a number'],
		[`nested ${MAX_JSON_DEPTH + 1} levels`, nested(MAX_JSON_DEPTH + 1), `Item 1: Inputs (JSON) is nested more than ${MAX_JSON_DEPTH} levels deep`],
		// Deep enough to exhaust the stack while serializing, which used to fail with a bare
		// "Maximum call stack size exceeded" naming nothing.
		['nested 100000 levels', nested(100000), `Item 1: Inputs (JSON) is nested more than ${MAX_JSON_DEPTH} levels deep`],
		['an override_config string inside', { a: 1, override_config: 'fast' }, 'Item 1: "override_config" in Inputs (JSON) must be a JSON object mapping node IDs to values, not a string'],
	])('Inputs that are %s are refused naming item and field, and send nothing', async (_what, inputs, message) => {
		const result = await run(START, sandwich({ json: { inputs } }));
		const json = expectNeighboursIntact(result, goodRun);
		if (message instanceof RegExp) expect(json.error).toMatch(message);
		else expect(json.error).toBe(message);
		expect(standin.state.requestsFor('start-run')).toHaveLength(2);
		expect(apiRuns()).toHaveLength(2);
	});

	test(`Inputs nested exactly ${MAX_JSON_DEPTH} levels are sent`, async () => {
		const result = await run(START, sandwich({ json: { inputs: nested(MAX_JSON_DEPTH) } }));
		const json = expectNeighboursIntact(result, goodRun);
		expect(json.run_id).toMatch(/^run_\d+$/);
		const sent = apiRuns().find((r) => r.run_id === json.run_id);
		let depth = 1;
		for (let value = sent.inputs.a; Array.isArray(value); value = value[0]) depth += 1;
		expect(depth).toBe(MAX_JSON_DEPTH);
	});

	test('5 MB of inputs just work, intact', async () => {
		const blob = 'x'.repeat(5 * 1024 * 1024);
		const result = await run(START, sandwich({ json: { inputs: JSON.stringify({ blob, n: 1 }) } }));
		const json = expectNeighboursIntact(result, goodRun);
		const sent = apiRuns().find((r) => r.run_id === json.run_id);
		expect(sent.inputs.n).toBe(1);
		expect(sent.inputs.blob).toBe(blob);
	});

	test('inputs over the server\'s size limit (11 MB) get a clear 413 error, and the neighbours run', async () => {
		const result = await run(START, sandwich({ json: { inputs: { blob: 'x'.repeat(11 * 1024 * 1024) } } }));
		const json = expectNeighboursIntact(result, goodRun);
		expect(json.error).toBe('Vishwa refused the request to start a run of flow "flow-ok" as too large (HTTP 413)');
		expect(json.errorDescription).toBe(
			'Send less in one request: smaller inputs, or big content uploaded as assets and passed by reference. Vishwa said: Request body larger than 10485760 bytes',
		);
		expect(apiRuns()).toHaveLength(2);
	});

	test.each([
		['a number', 5, 'not a number'],
		['a string that is not JSON', 'fast please', 'is not valid JSON'],
		['a JSON array', '[{"node_1": {}}]', 'not an array'],
		['a boolean', true, 'not a boolean'],
		['an array', [{ node_1: {} }], 'not an array'],
	])('override_config that is %s is refused naming item and field', async (_what, override, problem) => {
		const result = await run(START, sandwich({ json: { override } }));
		const json = expectNeighboursIntact(result, goodRun);
		expect(json.error).toMatch(/^Item 1: Override Config \(JSON\) /);
		expect(json.error).toContain(problem);
		expect(apiRuns()).toHaveLength(2);
	});

	test('without Continue On Fail the node fails with the hostile item\'s error before any run is started', async () => {
		const result = await run(START, sandwich({ json: { flow: '..' } }), { continueOnFail: false });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 1: Flow ID ".." is not a valid id');
		expect(result.error.name).toBe('NodeOperationError');
		// Every item's request is checked before the first is sent (formerly items 0 and 2 ran first).
		expect(apiRuns()).toHaveLength(0);
		expect(standin.state.requests).toHaveLength(0);
	});
});

describe('Run > Get Status', () => {
	const STATUS = { resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: '={{ $json.run ?? "run_1" }}' };
	const goodStatus = (json) => expect(json).toMatchObject({ run_id: 'run_1', run_status: 'completed' });
	beforeEach(() => standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 }));

	test.each([['a/b'], ['..%2F..'], ['ü ?#'], ['run_1/../run_1'], ['run_1?x=1'], ['run_1#x']])(
		'Run ID %p is one path segment: a 404 naming it, nothing else asked',
		async (runId) => {
			const result = await run(STATUS, sandwich({ json: { run: runId } }));
			const json = expectNeighboursIntact(result, goodStatus);
			expect(json.error).toBe(`Run "${runId}" of flow "flow-ok" was not found`);
			expect(standin.state.requestsFor('status').map((r) => r.path)).toEqual([
				'/v1/workflow/flow-ok/run/run_1/status',
				`/v1/workflow/flow-ok/run/${encodeURIComponent(runId)}/status`,
				'/v1/workflow/flow-ok/run/run_1/status',
			]);
		},
	);

	test.each([
		['..', 'Item 1: Run ID ".." is not a valid id'],
		[{ run_id: 'run_1' }, 'Item 1: Run ID must be text, not an object'],
		[[], 'Item 1: Run ID must be text, not an array'],
	])('Run ID %p is refused naming item and field', async (runId, message) => {
		const result = await run(STATUS, sandwich({ json: { run: runId } }));
		const json = expectNeighboursIntact(result, goodStatus);
		expect(json.error).toBe(message);
		expect(standin.state.requestsFor('status')).toHaveLength(2);
	});
});

describe('Asset > Upload', () => {
	const UPLOAD = { resource: 'asset', operation: 'upload', binaryProperties: '={{ $json.props ?? "data" }}' };
	const goodFile = (i) => ({
		json: { i },
		binary: { data: { data: Buffer.from(`good ${i}`).toString('base64'), mimeType: 'text/plain', fileName: `good-${i}.txt` } },
	});
	const goodUpload = (json, i) => {
		expect(json.files).toEqual([expect.objectContaining({ file_name: `good-${i}.txt`, size: `good ${i}`.length })]);
		expect(standin.state.files.filter((f) => f.file_name === `good-${i}.txt`)).toHaveLength(1);
	};
	const uploadSandwich = (hostile) => sandwich(hostile, goodFile);

	test.each([
		['no data and no id', {}],
		['data null', { data: null, mimeType: 'text/plain' }],
		['data a number', { data: 12, mimeType: 'text/plain' }],
	])('a binary property with %s is refused naming item and property', async (_what, binary) => {
		const result = await run(UPLOAD, uploadSandwich({ json: {}, binary: { data: binary } }));
		const json = expectNeighboursIntact(result, goodUpload);
		expect(json.error).toBe('Item 1: Binary property "data" holds no file (no data and no stored file)');
		expect(json.errorDescription).toMatch(/Binary Properties/);
		expect(standin.state.requestsFor('upload')).toHaveLength(2);
	});

	test('a binary property pointing at a stored file that is gone is refused naming item and property', async () => {
		const binary = { id: 'filesystem-v2:workflows/none/executions/none/binary_data/gone', mimeType: 'text/plain', fileName: 'gone.txt' };
		const result = await run(UPLOAD, uploadSandwich({ json: {}, binary: { data: binary } }));
		const json = expectNeighboursIntact(result, goodUpload);
		expect(json.error).toMatch(/^Item 1: Could not read the stored file of binary property "data": .+/);
		expect(standin.state.requestsFor('upload')).toHaveLength(2);
	});

	test('an empty (zero-byte) binary property is uploaded as an empty file', async () => {
		const result = await run(UPLOAD, uploadSandwich({ json: {}, binary: { data: { data: '', mimeType: 'text/plain', fileName: 'empty.txt' } } }));
		const json = expectNeighboursIntact(result, goodUpload);
		expect(json.files).toEqual([expect.objectContaining({ file_name: 'empty.txt', size: 0 })]);
	});

	test.each([
		['an object', { data: true }, 'Item 1: Binary Properties must be names separated by commas, not an object'],
		['a number', 5, 'Item 1: No binary property "5" (its binary properties are "data")'],
		['an empty list', [], 'Item 1: Binary Properties is empty'],
	])('Binary Properties that is %s gives a clear error', async (_what, props, message) => {
		const hostile = { ...goodFile(1), json: { props } };
		const result = await run(UPLOAD, uploadSandwich(hostile));
		const json = expectNeighboursIntact(result, goodUpload);
		expect(json.error).toBe(message);
		expect(standin.state.requestsFor('upload')).toHaveLength(2);
	});
});

describe('Vishwa Trigger', () => {
	const poller = (flowId) =>
		harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId, event: 'any', options: {} }, credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } },
			{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } } },
		);

	test('a Flow ID with /, space, ?, #, % and non-ASCII lists exactly that flow and emits only its runs', async () => {
		const flowId = 'a/b ?#%ü';
		standin.state.setFlow({ id: flowId, durationMs: 0 });
		const trigger = await poller(` ${flowId} `);
		expect(await trigger.poll()).toBeNull();
		const own = standin.state.createRun({ flowId, durationMs: 0 });
		standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		const items = await trigger.poll();
		expect(items.map((item) => [item.json.run_id, item.json.flow_id])).toEqual([[own.run_id, flowId]]);
		expect(new Set(standin.state.requestsFor('runs').map((r) => r.path))).toEqual(new Set([`/v1/workflow/${encodeURIComponent(flowId)}/runs`]));
	});

	test.each([
		['..', 'Flow ID ".." is not a valid id'],
		['  ', 'Flow ID is empty'],
	])('Flow ID %p fails the poll with a clear error before any request', async (flowId, message) => {
		const trigger = await poller(flowId);
		const error = await trigger.poll().then(() => undefined, (caught) => caught);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(message);
		expect(standin.state.requests).toHaveLength(0);
	});
});

describe('base URLs', () => {
	const START_ONE = { resource: 'run', operation: 'start', flowId: 'flow-ok' };
	const single = [{ json: {} }];

	test.each([
		['a trailing slash', (url) => `${url}/`],
		['several trailing slashes and spaces', (url) => `  ${url}///  `],
		['the /v1 suffix', (url) => `${url}/v1/`],
	])('%s works', async (_what, baseUrl) => {
		const result = await run(START_ONE, single, { baseUrl: baseUrl(standin.url), continueOnFail: false });
		expect(result.status).toBe('success');
		expect(standin.state.requestsFor('start-run').map((r) => r.path)).toEqual(['/v1/workflow/flow-ok/start-run']);
		expect(apiRuns()).toHaveLength(1);
	});

	test('a path prefix (Vishwa behind a reverse proxy) is kept', async () => {
		const proxy = await startFaultyProxy(standin.url, { stripPrefix: '/gateway/vishwa' });
		try {
			const baseUrl = `${proxy.url}/gateway/vishwa/`;
			const started = await run(START_ONE, single, { baseUrl, continueOnFail: false });
			expect(started.status).toBe('success');
			const runId = started.json('Vishwa')[0].run_id;
			const status = await run({ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId }, single, { baseUrl, continueOnFail: false });
			expect(status.status).toBe('success');
			expect(proxy.log.map((entry) => entry.path)).toEqual([
				'/gateway/vishwa/v1/workflow/flow-ok/start-run',
				`/gateway/vishwa/v1/workflow/flow-ok/run/${runId}/status`,
			]);
		} finally {
			await proxy.close();
		}
	});

	test('no scheme means https://: against a plain-HTTP server that is a TLS error saying nothing was sent, not retried, not "answer lost"', async () => {
		const baseUrl = standin.url.replace(/^http:\/\//, '');
		const started = Date.now();
		const result = await run(START_ONE, single, { baseUrl });
		expect(Date.now() - started).toBeLessThan(2000);
		const [item] = result.json('Vishwa');
		expect(item.error).toBe(`Could not reach Vishwa at https://${baseUrl} (TLS handshake failed)`);
		expect(item.errorDescription).toBe(
			'Nothing was sent: the secure (TLS) connection failed. If the server speaks plain HTTP, start the Base URL in the credential "Vishwa API" with http://; otherwise check the server\'s certificate.',
		);
		expect(apiRuns()).toHaveLength(0);
		expect(standin.state.requestsFor('start-run')).toHaveLength(0);
	});

	test.each([
		['not a url', 'The credential\'s Base URL "not a url" is not a valid URL'],
		['ftp://files.example.com', 'The credential\'s Base URL must start with http:// or https:// (got "ftp:")'],
		['https://api.example.com/?key=1', 'The credential\'s Base URL must not contain a query string or a fragment'],
	])('%p fails the node once, naming the credential field, before any request', async (baseUrl, message) => {
		const result = await run(START_ONE, [{ json: {} }, { json: {} }], { baseUrl });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(message);
		expect(result.error.description).toBe('Fix the Base URL in the credential "Vishwa API".');
		expect(standin.state.requests).toHaveLength(0);
	});
});

describe('odd but valid JSON answers are passed through, wrapped into an item', () => {
	let server;
	let baseUrl;
	const answers = { 'run-null': 'null', 'run-array': '[1,"two"]', 'run-string': '"done"', 'run-number': '42' };
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			const runId = decodeURIComponent(req.url.split('/')[5] || '');
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(answers[runId] ?? JSON.stringify({ run_id: runId, run_status: 'completed' }));
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${server.address().port}`;
	});
	afterAll(async () => new Promise((resolve) => server.close(resolve)));

	test.each(Object.entries(answers))('%s answers %s', async (runId, body) => {
		const params = { resource: 'run', operation: 'getStatus', flowId: 'f', runId: '={{ $json.run }}' };
		const good = (i) => ({ json: { run: `good-${i}` } });
		const result = await run(params, sandwich({ json: { run: runId } }, good), { baseUrl });
		const json = expectNeighboursIntact(result, (answer, i) => expect(answer).toEqual({ run_id: `good-${i}`, run_status: 'completed', flow_id: 'f' }));
		expect(json).toEqual({ status: JSON.parse(body), flow_id: 'f', run_id: runId });
	});
});

describe('pure checks behind the errors above', () => {
	test.each([
		['https://api.vishwa.ai/v1', 'https://api.vishwa.ai'],
		['https://api.vishwa.ai/V1/', 'https://api.vishwa.ai'],
		['https://gw.example.com/vishwa/v1', 'https://gw.example.com/vishwa'],
		['https://gw.example.com/v10', 'https://gw.example.com/v10'],
		['https://gw.example.com/xv1', 'https://gw.example.com/xv1'],
	])('base URL %p -> %p', (input, expected) => {
		expect(normalizeBaseUrl(input)).toBe(expected);
	});

	test.each([[{}], [[]], [true], [() => 'x']])('id %p is refused', (value) => {
		expect(() => idSegment(value, 'Run ID')).toThrow(VishwaInputError);
	});

	test('depth: exactly the limit passes, one more fails, and a very deep value does not overflow the stack', () => {
		const deep = (levels) => {
			let value = {};
			for (let i = 1; i < levels; i++) value = { v: value };
			return value;
		};
		expect(() => assertJsonDepth(deep(MAX_JSON_DEPTH), 'Inputs')).not.toThrow();
		expect(() => assertJsonDepth(deep(MAX_JSON_DEPTH + 1), 'Inputs')).toThrow('Inputs is nested more than 1000 levels deep');
		expect(() => assertJsonDepth(deep(200000), 'Inputs')).toThrow(VishwaInputError);
		expect(() => assertJsonDepth({ wide: Array.from({ length: 100000 }, (_v, i) => ({ i })) }, 'Inputs')).not.toThrow();
	});

	test('binary property names: numbers are names, objects are refused', () => {
		expect(parseBinaryPropertyNames(5)).toEqual(['5']);
		expect(parseBinaryPropertyNames(' a, b ')).toEqual(['a', 'b']);
		expect(() => parseBinaryPropertyNames({ a: 1 })).toThrow('Binary Properties must be names separated by commas, not an object');
	});
});
