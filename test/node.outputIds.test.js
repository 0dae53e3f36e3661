'use strict';
// Every run operation's output names its flow and run (`flow_id`, `run_id`), so a chain
// Start -> Get Status -> Wait for Completion picks both up with {{ $json.flow_id }} and
// {{ $json.run_id }} instead of retyping them (issue 19, point 2). Run through n8n's WorkflowExecute
// against the stand-in; a small rewriting proxy in front of it draws the ASSUMED shapes of the
// answers at random (run id as run_id, id or runId; a status answer without run_id; Vishwa sending
// its own flow_id), since docs/api.md (FACT) only states the status answer's fields.
const http = require('http');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'output-ids-key-5c4d3e';
const harness = createHarness();
let standin;
let proxy;

/** Forwards to the stand-in; `proxy.rewrite(route, json)` may change a 200 JSON answer. */
async function startProxy(target) {
	const state = { rewrite: undefined, url: '', server: undefined };
	state.server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const forward = http.request(
				`${target}${req.url}`,
				{ method: req.method, headers: { ...req.headers, host: new URL(target).host } },
				(answer) => {
					const answerChunks = [];
					answer.on('data', (chunk) => answerChunks.push(chunk));
					answer.on('end', () => {
						let text = Buffer.concat(answerChunks).toString('utf8');
						const route = /\/start-run$/.test(req.url) ? 'start-run' : /\/status$/.test(req.url) ? 'status' : 'other';
						if (answer.statusCode === 200 && state.rewrite) text = JSON.stringify(state.rewrite(route, JSON.parse(text)));
						res.writeHead(answer.statusCode, { 'content-type': 'application/json' });
						res.end(text);
					});
				},
			);
			forward.on('error', () => res.destroy());
			forward.end(Buffer.concat(chunks));
		});
	});
	await new Promise((resolve) => state.server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${state.server.address().port}`;
	return state;
}

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
	proxy = await startProxy(standin.url);
});
afterAll(async () => {
	await new Promise((resolve) => proxy.server.close(resolve));
	await standin.close();
});
beforeEach(() => {
	standin.reset();
	proxy.rewrite = undefined;
});

const credentials = (baseUrl = standin.url) => ({ vishwaApi: { apiKey: API_KEY, baseUrl } });
const fastWait = { waitOptions: { pollInterval: 0.1, maxPollInterval: 0.2, maxWait: 30 } };
const vishwa = (name, parameters) => ({ name, type: TYPES.vishwa, parameters: { options: {}, ...parameters } });

/**
 * Start (waiting or not) -> Get Status -> Wait for Completion, the ids only ever typed in Start. Node
 * version 1 has text fields; 1.1 has resource locators (By ID mode holding the expression).
 */
function chain({ wait, version = 1 }) {
	const id = (value) => (version === 1 ? value : { __rl: true, mode: 'id', value });
	const workflow = linearWorkflow([
		vishwa('Start', { resource: 'run', operation: 'start', flowId: id('  flow-ok '), waitForCompletion: wait, ...(wait ? fastWait : {}) }),
		vishwa('Get Status', { resource: 'run', operation: 'getStatus', flowId: id('={{ $json.flow_id }}'), runId: id('={{ $json.run_id }}') }),
		vishwa('Wait', { resource: 'run', operation: 'waitForCompletion', flowId: id('={{ $json.flow_id }}'), runId: id('={{ $json.run_id }}'), ...fastWait }),
	]);
	for (const node of workflow.nodes) if (node.type === TYPES.vishwa) node.typeVersion = version;
	return workflow;
}

test.each([
	[false, 1],
	[true, 1],
	[false, 1.1],
	[true, 1.1],
])('Start (wait %s, node version %s) -> Get Status -> Wait for Completion: each output carries flow_id and run_id', async (wait, version) => {
	const result = await harness.runWorkflow(chain({ wait, version }), { credentials: credentials() });
	expect(result.error && result.error.message).toBeUndefined();
	expect(result.status).toBe('success');
	const [run] = standin.state.runs;
	expect(standin.state.runs).toHaveLength(1);
	for (const node of ['Start', 'Get Status', 'Wait']) {
		const [json] = result.json(node);
		expect({ node, flow_id: json.flow_id, run_id: json.run_id }).toEqual({ node, flow_id: 'flow-ok', run_id: run.run_id });
	}
	// The downstream nodes asked for exactly that run (no retyped or empty id reached Vishwa).
	const statusPaths = new Set(standin.state.requestsFor('status').map((r) => r.path));
	expect([...statusPaths]).toEqual([`/v1/workflow/flow-ok/run/${run.run_id}/status`]);
	expect(result.json('Wait')[0].run_status).toBe('completed');
});

test('Upload output is left as Vishwa answered (an upload belongs to no flow or run)', async () => {
	const result = await harness.runWorkflow(
		linearWorkflow([
			{ name: 'Items', type: TYPES.items, parameters: { items: '[{}]', files: JSON.stringify([{ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hi' } }]) } },
			vishwa('Upload', { resource: 'asset', operation: 'upload', binaryProperties: 'data' }),
		]),
		{ credentials: credentials() },
	);
	expect(result.status).toBe('success');
	const [json] = result.json('Upload');
	expect(json).not.toHaveProperty('flow_id');
	expect(json).not.toHaveProperty('run_id');
	expect(json.files[0].file_name).toBe('a.txt');
});

// The ASSUMED shapes, drawn at random per run of this test (seed printed on failure).
const seed = Number(process.env.OUTPUT_IDS_SEED || Date.now() % 100000);
let rnd = seed;
const random = () => {
	rnd = (rnd * 1103515245 + 12345) % 2147483648;
	return rnd / 2147483648;
};
const pick = (list) => list[Math.floor(random() * list.length)];

test(`randomized answer shapes keep flow_id and run_id right (seed ${seed})`, async () => {
	for (let round = 0; round < 12; round += 1) {
		standin.reset();
		const startKey = pick(['run_id', 'id', 'runId']);
		const statusHasRunId = pick([true, false]);
		// If Vishwa ever sends flow_id itself, it is the flow's id: passed through untouched.
		const vishwaFlowId = pick([undefined, 'flow-ok']);
		const wait = pick([false, true]);
		const shape = { round, startKey, statusHasRunId, vishwaFlowId, wait };
		proxy.rewrite = (route, json) => {
			const out = { ...json };
			if (route === 'start-run' && startKey !== 'run_id') {
				out[startKey] = out.run_id;
				delete out.run_id;
			}
			if (route === 'status' && !statusHasRunId) delete out.run_id;
			if (vishwaFlowId !== undefined && route !== 'other') out.flow_id = vishwaFlowId;
			return out;
		};
		const result = await harness.runWorkflow(chain({ wait }), { credentials: credentials(proxy.url) });
		expect({ ...shape, error: result.error && result.error.message }).toEqual({ ...shape, error: undefined });
		const [run] = standin.state.runs;
		for (const node of ['Start', 'Get Status', 'Wait']) {
			const [json] = result.json(node);
			expect({ ...shape, node, flow_id: json.flow_id, run_id: json.run_id }).toEqual({ ...shape, node, flow_id: 'flow-ok', run_id: run.run_id });
		}
		const startJson = result.json('Start')[0];
		if (!wait && startKey !== 'run_id') expect(startJson[startKey]).toBe(run.run_id); // Vishwa's own field kept too
	}
});

test('Continue On Fail: a failed item still names the flow it was given (no run id: none started), the others keep theirs', async () => {
	const result = await harness.runWorkflow(
		linearWorkflow([
			{ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify([{ flow: 'flow-ok' }, { flow: 'no-such-flow' }]) } },
			{ ...vishwa('Start', { resource: 'run', operation: 'start', flowId: '={{ $json.flow }}' }), continueOnFail: true },
		]),
		{ credentials: credentials() },
	);
	expect(result.status).toBe('success');
	const [ok, failed] = result.json('Start');
	expect(ok).toMatchObject({ flow_id: 'flow-ok', run_id: standin.state.runs[0].run_id });
	expect(failed.error).toBe('Flow "no-such-flow" was not found');
	expect(failed.flow_id).toBe('no-such-flow');
	expect(failed).not.toHaveProperty('run_id');
});

test('Continue On Fail: a failed wait and a failed Get Status keep flow_id and run_id, so a later Get Status needs no retyping', async () => {
	standin.state.setFlow({ id: 'flow-doomed', durationMs: 50, outcome: 'failed' });
	const result = await harness.runWorkflow(
		linearWorkflow([
			{ ...vishwa('Start', { resource: 'run', operation: 'start', flowId: 'flow-doomed', waitForCompletion: true, ...fastWait }), continueOnFail: true },
			{ ...vishwa('Get Status', { resource: 'run', operation: 'getStatus', flowId: '={{ $json.flow_id }}', runId: '={{ $json.run_id }}' }), continueOnFail: true },
			{ ...vishwa('Missing', { resource: 'run', operation: 'getStatus', flowId: '={{ $json.flow_id }}', runId: 'no-such-run' }), continueOnFail: true },
		]),
		{ credentials: credentials() },
	);
	expect(result.status).toBe('success');
	const [run] = standin.state.runs;
	const [started] = result.json('Start');
	expect(started.error).toMatch(/failed/);
	expect(started).toMatchObject({ flow_id: 'flow-doomed', run_id: run.run_id });
	expect(result.json('Get Status')[0]).toMatchObject({ flow_id: 'flow-doomed', run_id: run.run_id, run_status: 'failed' });
	const [missing] = result.json('Missing');
	expect(missing.error).toMatch(/not found/i);
	expect(missing).toMatchObject({ flow_id: 'flow-doomed', run_id: 'no-such-run' });
});

test('a run id Vishwa leaves null or empty is filled from the answer\'s other id field', async () => {
	for (const blank of [null, '']) {
		standin.reset();
		proxy.rewrite = (route, json) => (route === 'start-run' ? { ...json, id: json.run_id, run_id: blank, flow_id: blank } : json);
		const result = await harness.runWorkflow(
			linearWorkflow([vishwa('Start', { resource: 'run', operation: 'start', flowId: 'flow-ok' })]),
			{ credentials: credentials(proxy.url) },
		);
		expect(result.status).toBe('success');
		const [run] = standin.state.runs;
		expect({ blank, ...result.json('Start')[0] }).toMatchObject({ blank, run_id: run.run_id, id: run.run_id, flow_id: 'flow-ok' });
	}
});

test('Flow ID / Run ID of Get Status and Wait for Completion show the expression that picks the ids up (both node versions); Start\'s Flow ID does not', async () => {
	const { nodeTypes } = await harness.load();
	const { NodeHelpers } = harness.workflowLib;
	const nodeType = nodeTypes[TYPES.vishwa];
	const shown = (typeVersion, operation, name) => {
		const node = { name: 'V', type: TYPES.vishwa, typeVersion, parameters: {} };
		const property = NodeHelpers.findDisplayedProperty(name, nodeType.description.properties, { resource: 'run', operation }, node, nodeType.description);
		// Text field (version 1) or the locator's By ID mode (1.1): what the user types into.
		const typed = property.type === 'resourceLocator' ? property.modes.find((mode) => mode.name === 'id') : property;
		return `${typed.placeholder} | ${typed.hint}`;
	};
	for (const version of [1, 1.1]) {
		for (const operation of ['getStatus', 'waitForCompletion']) {
			expect({ version, operation, flow: shown(version, operation, 'flowId') }).toEqual({ version, operation, flow: expect.stringMatching(/e\.g\. \{\{ \$json\.flow_id \}\} \|.*type \{\{ \$json\.flow_id \}\}/) });
			expect({ version, operation, run: shown(version, operation, 'runId') }).toEqual({ version, operation, run: expect.stringMatching(/e\.g\. \{\{ \$json\.run_id \}\} \|.*type \{\{ \$json\.run_id \}\}/) });
		}
		expect(shown(version, 'start', 'flowId')).not.toContain('$json');
	}
});

test('Run ID (1.1): the mode a new node opens on shows {{ $json.run_id }}, and the hints name the operation as the editor lists it', async () => {
	const { nodeTypes } = await harness.load();
	const { NodeHelpers } = harness.workflowLib;
	const nodeType = nodeTypes[TYPES.vishwa];
	const properties = nodeType.description.properties;
	const startName = properties
		.find((p) => p.name === 'operation' && p.displayOptions.show.resource.includes('run'))
		.options.find((option) => option.value === 'start').name;
	expect(startName).toBe('Start');
	for (const operation of ['getStatus', 'waitForCompletion']) {
		const node = { name: 'V', type: TYPES.vishwa, typeVersion: 1.1, parameters: {} };
		const runId = NodeHelpers.findDisplayedProperty('runId', properties, { resource: 'run', operation }, node, nodeType.description);
		// n8n 2.41.1's ParameterInputFull shows the current mode's hint, else the parameter's.
		const opened = runId.modes.find((mode) => mode.name === runId.default.mode);
		const hint = opened.hint ?? runId.hint;
		expect({ operation, mode: opened.name, hint }).toEqual({ operation, mode: 'list', hint: expect.stringContaining('{{ $json.run_id }}') });
		for (const mode of runId.modes) {
			expect(mode.hint ?? runId.hint).toMatch(new RegExp(`\\b${startName}\\b`));
			expect(mode.hint ?? runId.hint).not.toMatch(/Start Run/);
		}
	}
});
