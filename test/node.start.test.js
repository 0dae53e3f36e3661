'use strict';
// Run > Start through n8n's WorkflowExecute against the stand-in: the exact body sent (inputs and
// override_config, as fields or JSON, with expressions and typed values), exactly one run per
// item whatever goes wrong, Wait for Completion (success, failure, maximum wait, status case,
// backoff), input errors before any request, Continue On Fail and ordered concurrency.
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'start-test-key-4c3b2a';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

/** Runs Manual Trigger -> [Items] -> Vishwa (Run > Start) and returns the workflow result. */
function start(params, { items, continueOnFail } = {}) {
	const nodes = [];
	if (items) nodes.push({ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(items) } });
	nodes.push({
		name: 'Vishwa',
		type: TYPES.vishwa,
		parameters: { resource: 'run', operation: 'start', ...params },
		...(continueOnFail ? { continueOnFail: true } : {}),
	});
	return harness.runWorkflow(linearWorkflow(nodes), {
		credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } },
	});
}

/** The stand-in's recorded runs, through its control API (GET /__control/runs). */
async function recordedRuns() {
	const response = await fetch(`${standin.url}/__control/runs`);
	return await response.json();
}

const startRequests = () => standin.state.requests.filter((r) => r.path.endsWith('/start-run'));
const statusRequests = () => standin.state.requests.filter((r) => r.path.endsWith('/status'));
/** The exact JSON body of each start-run request as the stand-in received it. */
const sentBodies = () => startRequests().map((r) => JSON.parse(r.bodyExcerpt));

const fastWait = (waitOptions = {}) => ({ waitForCompletion: true, waitOptions: { pollInterval: 0.1, ...waitOptions } });

describe('the body sent', () => {
	test('inputs as fields: text as given, JSON typed, no override_config; the start answer is returned', async () => {
		const result = await start({
			flowId: '  flow-ok ',
			inputFields: {
				input: [
					{ name: 'topic', value: 'cats' },
					{ name: 'count', value: '42' },
					{ name: 'countAsNumber', value: '42', type: 'json' },
					{ name: 'options', value: '{"deep": [1, true, null]}', type: 'json' },
				],
			},
		});
		expect(result.status).toBe('success');
		const expected = { topic: 'cats', count: '42', countAsNumber: 42, options: { deep: [1, true, null] } };
		expect(sentBodies()).toEqual([expected]);
		const runs = await recordedRuns();
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({ flowId: 'flow-ok', inputs: expected, override_config: null, createdBy: 'api' });
		const [item] = result.output('Vishwa');
		expect(item.json).toEqual({
			run_id: runs[0].run_id,
			run_status: 'queued',
			run_start_time: expect.any(String),
			run_type: 'api',
			flow_id: 'flow-ok',
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(statusRequests()).toHaveLength(0);
	});

	test('no inputs at all sends {}', async () => {
		const result = await start({ flowId: 'flow-ok' });
		expect(result.status).toBe('success');
		expect(startRequests()[0].bodyExcerpt).toBe('{}');
	});

	test('inputs as JSON and override_config as JSON', async () => {
		const result = await start({
			flowId: 'flow-ok',
			specifyInputs: 'json',
			inputsJson: '{"question": "why?", "n": 3, "list": ["a"]}',
			specifyOverrideConfig: 'json',
			overrideConfigJson: '{"node_llm": {"temperature": 0.2}, "node_2": "short"}',
		});
		expect(result.status).toBe('success');
		expect(sentBodies()).toEqual([
			{
				question: 'why?',
				n: 3,
				list: ['a'],
				override_config: { node_llm: { temperature: 0.2 }, node_2: 'short' },
			},
		]);
		const [run] = await recordedRuns();
		expect(run.inputs).toEqual({ question: 'why?', n: 3, list: ['a'] });
		expect(run.override_config).toEqual({ node_llm: { temperature: 0.2 }, node_2: 'short' });
	});

	test('override_config as fields: values are JSON by default, Text on request', async () => {
		const result = await start({
			flowId: 'flow-ok',
			inputFields: { input: [{ name: 'a', value: 'x' }] },
			specifyOverrideConfig: 'keypair',
			overrideConfigFields: {
				override: [
					{ name: 'node_llm', value: '{"temperature": 0.2}' },
					{ name: 'node_prompt', value: 'Be brief', type: 'text' },
				],
			},
		});
		expect(result.status).toBe('success');
		expect(sentBodies()).toEqual([
			{ a: 'x', override_config: { node_llm: { temperature: 0.2 }, node_prompt: 'Be brief' } },
		]);
	});

	test('empty override_config (JSON {} or no fields) is left out of the body', async () => {
		await start({ flowId: 'flow-ok', specifyOverrideConfig: 'json', overrideConfigJson: '{}' });
		await start({ flowId: 'flow-ok', specifyOverrideConfig: 'keypair', overrideConfigFields: {} });
		expect(startRequests().map((r) => r.bodyExcerpt)).toEqual(['{}', '{}']);
	});

	test('expressions from the upstream item: field values keep their types, JSON inputs may be an object', async () => {
		const items = [
			{ x: 'first', n: 1, obj: { k: [1] } },
			{ x: 'second', n: 2, obj: { k: [2] } },
		];
		const fields = await start(
			{
				flowId: 'flow-ok',
				inputFields: {
					input: [
						{ name: 'text', value: '={{ $json.x }}' },
						{ name: 'number', value: '={{ $json.n }}' },
						{ name: 'object', value: '={{ $json.obj }}' },
						{ name: 'mixed', value: '=item {{ $json.n }}' },
						{ name: 'jsonText', value: '={{ JSON.stringify($json.obj) }}', type: 'json' },
					],
				},
			},
			{ items },
		);
		expect(fields.status).toBe('success');
		expect(sentBodies()).toEqual([
			{ text: 'first', number: 1, object: { k: [1] }, mixed: 'item 1', jsonText: { k: [1] } },
			{ text: 'second', number: 2, object: { k: [2] }, mixed: 'item 2', jsonText: { k: [2] } },
		]);

		standin.reset();
		const json = await start(
			{ flowId: 'flow-ok', specifyInputs: 'json', inputsJson: '={{ { topic: $json.x, ...$json.obj } }}' },
			{ items },
		);
		expect(json.status).toBe('success');
		expect(sentBodies()).toEqual([{ topic: 'first', k: [1] }, { topic: 'second', k: [2] }]);
		expect(await recordedRuns()).toHaveLength(2);
	});

	test('the flow ID is trimmed and URL-encoded', async () => {
		standin.state.setFlow({ id: 'team/flow #1', durationMs: 0 });
		const result = await start({ flowId: ' team/flow #1 ' });
		expect(result.status).toBe('success');
		expect(startRequests()[0].path).toBe(`/v1/workflow/${encodeURIComponent('team/flow #1')}/start-run`);
	});

	test('an unknown flow is a 404 naming the flow', async () => {
		const result = await start({ flowId: 'no-such-flow' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Flow "no-such-flow" was not found');
		expect(await recordedRuns()).toHaveLength(0);
	});
});

describe('bad input is refused before anything is sent, naming item and field', () => {
	test.each([
		['Inputs JSON that is not JSON', { specifyInputs: 'json', inputsJson: '{"a": 1' }, /^Item 0: Inputs \(JSON\) is not valid JSON \(.+\)$/],
		['Inputs JSON that is an array', { specifyInputs: 'json', inputsJson: '[{"a": 1}]' }, /^Item 0: Inputs \(JSON\) must be a JSON object such as \{"input_1": "value"\}, not an array$/],
		['Inputs JSON that is a string', { specifyInputs: 'json', inputsJson: '"hello"' }, /^Item 0: Inputs \(JSON\) must be a JSON object .*, not a string$/],
		['Inputs JSON that is empty', { specifyInputs: 'json', inputsJson: '' }, /^Item 0: Inputs \(JSON\) is empty$/],
		['override_config JSON that is not an object', { specifyOverrideConfig: 'json', overrideConfigJson: '[1]' }, /^Item 0: Override Config \(JSON\) must be a JSON object such as .*, not an array$/],
		['override_config JSON that is invalid', { specifyOverrideConfig: 'json', overrideConfigJson: '{x}' }, /^Item 0: Override Config \(JSON\) is not valid JSON/],
		['a duplicate input name', { inputFields: { input: [{ name: 'a', value: '1' }, { name: 'a ', value: '2' }] } }, /^Item 0: Name "a" appears twice in Inputs \(entries 1 and 2\)$/],
		['an input without a name', { inputFields: { input: [{ name: '', value: '1' }] } }, /^Item 0: Name of entry 1 in Inputs is empty$/],
		['a duplicate node override', { specifyOverrideConfig: 'keypair', overrideConfigFields: { override: [{ name: 'n', value: '1' }, { name: 'n', value: '2' }] } }, /^Item 0: Node ID "n" appears twice in Node Overrides/],
		['a JSON-typed value that is not JSON', { inputFields: { input: [{ name: 'cfg', value: '{oops', type: 'json' }] } }, /^Item 0: The value of "cfg" in Inputs is not valid JSON/],
		['override_config given twice', { specifyInputs: 'json', inputsJson: '{"override_config": {"a": 1}}', specifyOverrideConfig: 'json', overrideConfigJson: '{"b": 2}' }, /^Item 0: override_config is given twice: in Inputs \(JSON\) and in Override Config \(JSON\)$/],
		['an empty Flow ID', { flowId: '   ' }, /^Item 0: Flow ID is empty$/],
		['a maximum wait that is not positive', { waitForCompletion: true, waitOptions: { maxWait: 0 } }, /^Item 0: Maximum Wait \(Seconds\) must be a positive number of seconds \(got 0\)$/],
		['an empty success list', { waitForCompletion: true, waitOptions: { successStatuses: ' ' } }, /^Item 0: Success Statuses is empty$/],
	])('%s', async (_what, params, message) => {
		const result = await start({ flowId: 'flow-ok', ...params });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(message);
		expect(result.error.name).toBe('NodeOperationError');
		expect(standin.state.requests).toHaveLength(0);
	});

	test('the item named is the bad one', async () => {
		const result = await start(
			{ flowId: 'flow-ok', specifyInputs: 'json', inputsJson: '={{ $json.body }}' },
			{ items: [{ body: '{"a": 1}' }, { body: '{"a": 2}' }, { body: '[3]' }] },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^Item 2: Inputs \(JSON\) must be a JSON object/);
		// Found before anything is sent: the node fails, so no run is started for the good items either
		// (formerly they were started, and the node failed only after their runs existed).
		expect(sentBodies()).toEqual([]);
		expect(standin.state.requests).toHaveLength(0);
	});
});

describe('Wait for Completion', () => {
	test('waits until the run succeeds and returns the final status whole, on top of the start answer', async () => {
		const result = await start({ flowId: 'flow-ok', inputFields: { input: [{ name: 'q', value: 'hi' }] }, ...fastWait() });
		expect(result.status).toBe('success');
		const [run] = await recordedRuns();
		const [item] = result.output('Vishwa');
		expect(item.json).toEqual({ ...standin.state.runStatus(run.run_id), flow_id: 'flow-ok' });
		expect(item.json).toMatchObject({ run_id: run.run_id, run_status: 'completed', outputs: { q: 'hi' }, run_type: 'api' });
		expect(item.json.run_end_time).toEqual(expect.any(String));
		expect(item.pairedItem).toEqual({ item: 0 });
		// 300 ms run, first poll after 0.1 s then 0.15 s, 0.225 s...: a handful of requests.
		expect(statusRequests().length).toBeGreaterThanOrEqual(2);
		expect(statusRequests().length).toBeLessThanOrEqual(4);
		expect(await recordedRuns()).toHaveLength(1);
	});

	test('a failed run fails the item by default, naming the run, its status and Vishwa\'s reason', async () => {
		const result = await start({ flowId: 'flow-fail', ...fastWait() });
		expect(result.status).toBe('error');
		const [run] = await recordedRuns();
		expect(result.error.message).toBe(`Run "${run.run_id}" of flow "flow-fail" failed (status "failed")`);
		expect(result.error.description).toMatch(/^Vishwa said: Flow failed \(stand-in\)\. Set On Failed Run to "Return the Item"/);
	});

	test('On Failed Run = Return the Item outputs the failed run\'s final status', async () => {
		const result = await start({ flowId: 'flow-fail', onFailedRun: 'return', ...fastWait() });
		expect(result.status).toBe('success');
		const [item] = result.json('Vishwa');
		expect(item).toMatchObject({ run_status: 'failed', error: 'Flow failed (stand-in)' });
		expect(await recordedRuns()).toHaveLength(1);
	});

	test('a run that outlasts the maximum wait is an error naming the run and its last status, on time', async () => {
		standin.state.setFlow({ id: 'flow-forever', durationMs: null });
		const started = Date.now();
		const result = await start({ flowId: 'flow-forever', ...fastWait({ maxWait: 0.9 }) });
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(result.status).toBe('error');
		const [run] = await recordedRuns();
		expect(result.error.message).toBe(`Run "${run.run_id}" of flow "flow-forever" did not finish within 0.9 s (last status "running")`);
		expect(result.error.description).toMatch(/It may still be running in Vishwa \([345] status requests sent, last answer HTTP 200\)/);
		// Polls after 0.1, 0.25, 0.475 s (plus request latencies); the next would be at 0.81 s, but the
		// last one goes out 0.1 s before the deadline (0.8 s) so it can be answered within it. Times as
		// the stand-in received the requests.
		const polls = statusRequests();
		expect(polls.length).toBeGreaterThanOrEqual(3);
		expect(polls.length).toBeLessThanOrEqual(5);
		expect(Date.parse(polls[polls.length - 1].time) - Date.parse(startRequests()[0].time)).toBeLessThan(1250);
		expect(run.run_status).toBe('running');
	});

	test('a longer run costs few status requests thanks to backoff', async () => {
		standin.state.setFlow({ id: 'flow-2s', durationMs: 2000 });
		const result = await start({ flowId: 'flow-2s', ...fastWait() });
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_status).toBe('completed');
		// Fixed 0.1 s polling would take about 20 requests.
		expect(statusRequests().length).toBeLessThanOrEqual(8);
	});

	test('UPPER-case statuses are classified case-insensitively (success and failure)', async () => {
		standin.state.setFlow({ id: 'flow-upper-ok', durationMs: 200, statusCase: 'upper' });
		standin.state.setFlow({ id: 'flow-upper-fail', durationMs: 200, outcome: 'failed', statusCase: 'upper' });
		const ok = await start({ flowId: 'flow-upper-ok', ...fastWait() });
		expect(ok.status).toBe('success');
		expect(ok.json('Vishwa')[0].run_status).toBe('COMPLETED');
		const failed = await start({ flowId: 'flow-upper-fail', ...fastWait() });
		expect(failed.status).toBe('error');
		expect(failed.error.message).toMatch(/failed \(status "FAILED"\)$/);
	});

	test('a status on neither list keeps it waiting; custom lists decide', async () => {
		// "completed" is not a success status here, so the run looks unfinished until the maximum wait.
		const result = await start({ flowId: 'flow-ok', ...fastWait({ successStatuses: 'done', maxWait: 0.8 }) });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/did not finish within 0\.8 s \(last status "completed"\)$/);
		expect(result.error.description).toMatch(/If "completed" means the run has ended, add it to Success Statuses or Failure Statuses\./);
		standin.reset();
		const custom = await start({ flowId: 'flow-ok', ...fastWait({ successStatuses: 'Completed' }) });
		expect(custom.status).toBe('success');
	});
});

describe('start-run is never repeated blindly', () => {
	test('a lost answer (drop-after) gives the "may have started" error, and exactly one run exists', async () => {
		standin.state.addFault({ route: 'start-run', kind: 'drop-after' });
		const result = await start({ flowId: 'flow-ok', ...fastWait() });
		expect(result.status).toBe('error');
		// In words: n8n would replace a message containing "ECONNRESET" with its own "retry" advice.
		expect(result.error.message).toBe('The request to start a run of flow "flow-ok" was sent but its answer was lost (connection reset)');
		expect(result.error.description).toBe(
			'The run of flow "flow-ok" may have started anyway. Check the flow\'s runs in Vishwa (or, if you know its run ID, use Run > Get Status) before starting it again. It was not repeated automatically, so nothing is done twice.',
		);
		expect(startRequests()).toHaveLength(1);
		expect(await recordedRuns()).toHaveLength(1);
		expect(statusRequests()).toHaveLength(0);
	});

	test('a 429 is retried (nothing was started) and exactly one run exists', async () => {
		standin.state.addFault({ route: 'start-run', kind: '429', retryAfter: 0 });
		const result = await start({ flowId: 'flow-ok', inputFields: { input: [{ name: 'a', value: '1' }] } });
		expect(result.status).toBe('success');
		expect(startRequests()).toHaveLength(2);
		const runs = await recordedRuns();
		expect(runs).toHaveLength(1);
		expect(result.json('Vishwa')[0].run_id).toBe(runs[0].run_id);
	});

	test('a 500 is NOT retried: one request, an error saying so', async () => {
		standin.state.addFault({ route: 'start-run', kind: '500' });
		const result = await start({ flowId: 'flow-ok' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Vishwa had a server error (HTTP 500) while trying to start a run of flow "flow-ok"');
		expect(result.error.description).toMatch(/It was not repeated automatically\. The run of flow "flow-ok" may have started anyway\./);
		expect(startRequests()).toHaveLength(1);
	});

	test('an unreadable answer is not retried either', async () => {
		standin.state.addFault({ route: 'start-run', kind: 'malformed-json' });
		const result = await start({ flowId: 'flow-ok' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Vishwa\'s answer to start a run of flow "flow-ok" was not valid JSON');
		expect(startRequests()).toHaveLength(1);
		expect(await recordedRuns()).toHaveLength(1);
	});

	test('status polls are reads: a 503 while waiting is retried and the wait goes on', async () => {
		standin.state.addFault({ route: 'status', kind: '503', times: 2 });
		const result = await start({ flowId: 'flow-ok', ...fastWait() });
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_status).toBe('completed');
		expect(await recordedRuns()).toHaveLength(1);
	});
});

describe('many items', () => {
	test('Continue On Fail: bad and failing items become error items, the others are started once', async () => {
		const result = await start(
			{
				flowId: '={{ $json.flow }}',
				specifyInputs: 'json',
				inputsJson: '={{ $json.body }}',
				...fastWait(),
			},
			{
				continueOnFail: true,
				items: [
					{ flow: 'flow-ok', body: '{"i": 0}' },
					{ flow: 'flow-ok', body: '[1]' },
					{ flow: 'flow-fail', body: '{"i": 2}' },
					{ flow: '', body: '{}' },
					{ flow: 'flow-ok', body: '{"i": 4}' },
				],
			},
		);
		expect(result.status).toBe('success');
		const out = result.json('Vishwa');
		expect(out).toHaveLength(5);
		expect(out[0]).toMatchObject({ run_status: 'completed', outputs: { i: 0 } });
		expect(out[1].error).toMatch(/^Item 1: Inputs \(JSON\) must be a JSON object/);
		expect(out[2].error).toMatch(/^Run "run_\d+" of flow "flow-fail" failed \(status "failed"\)$/);
		expect(out[2].errorDescription).toMatch(/Vishwa said: Flow failed/);
		expect(out[3].error).toBe('Item 3: Flow ID is empty');
		expect(out[4]).toMatchObject({ run_status: 'completed', outputs: { i: 4 } });
		expect(result.output('Vishwa').map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect((await recordedRuns()).map((run) => run.inputs.i).sort()).toEqual([0, 2, 4]);
	});

	test('concurrency keeps the input order even when later items finish first, one run per item', async () => {
		const durations = [600, 100, 400, 0, 250, 50, 500, 150, 350, 0, 200, 300];
		for (const ms of new Set(durations)) standin.state.setFlow({ id: `flow-${ms}`, durationMs: ms });
		const result = await start(
			{
				flowId: '=flow-{{ $json.ms }}',
				inputFields: { input: [{ name: 'index', value: '={{ $json.index }}' }] },
				...fastWait(),
				options: { concurrency: 4 },
			},
			{ items: durations.map((ms, index) => ({ ms, index })) },
		);
		expect(result.status).toBe('success');
		const out = result.json('Vishwa');
		expect(out.map((json) => json.outputs.index)).toEqual(durations.map((_, index) => index));
		expect(out.every((json) => json.run_status === 'completed')).toBe(true);
		const runs = await recordedRuns();
		expect(runs).toHaveLength(durations.length);
		expect(runs.map((run) => run.inputs.index).sort((a, b) => a - b)).toEqual(durations.map((_, index) => index));
	});
});

test('the API key never appears in outputs or errors', async () => {
	standin.state.addFault({ route: 'start-run', kind: 'drop-after' });
	const lost = await start({ flowId: 'flow-ok' });
	const failed = await start({ flowId: 'flow-fail', ...fastWait() });
	const ok = await start({ flowId: 'flow-ok', ...fastWait() });
	for (const result of [lost, failed, ok]) expect(JSON.stringify(result.run)).not.toContain(API_KEY);
});

// Review v2r D4: every run of the node hung a listener (holding its whole batch of items) on the
// execution's Stop signal and never took it off: a loop running the node 2,000 times in one execution
// left 2,001 listeners and 21 MB more heap. Two Vishwa nodes in one execution now leave as many
// listeners on it as one.
test('the node takes its listener off the execution\'s Stop signal when its items are done', async () => {
	const { getEventListeners } = require('events');
	const context = require(require.resolve('n8n-core/dist/execution-engine/node-execution-context/base-execute-context.js', { paths: [__dirname] }));
	const original = context.BaseExecuteContext.prototype.getExecutionCancelSignal;
	let signal;
	context.BaseExecuteContext.prototype.getExecutionCancelSignal = function () {
		signal = original.call(this);
		return signal;
	};
	const vishwa = (name) => ({
		name,
		type: TYPES.vishwa,
		parameters: { resource: 'run', operation: 'start', flowId: 'flow-ok', specifyInputs: 'json', inputsJson: '={"n": 1}' },
		credentials: { vishwaApi: { id: 'vishwa-cred', name: 'Vishwa' } },
	});
	const listenersLeft = async (nodes) => {
		signal = undefined;
		const result = await harness.runWorkflow(
			linearWorkflow([{ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify([{ n: 1 }]) } }, ...nodes]),
			{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } } },
		);
		expect(result.status).toBe('success');
		expect(signal).toBeDefined();
		return getEventListeners(signal, 'abort').length;
	};
	try {
		const one = await listenersLeft([vishwa('Vishwa')]);
		const two = await listenersLeft([vishwa('Vishwa'), vishwa('Vishwa 2')]);
		expect(two).toBe(one);
	} finally {
		context.BaseExecuteContext.prototype.getExecutionCancelSignal = original;
	}
});
