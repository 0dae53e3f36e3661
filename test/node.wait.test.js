'use strict';
// Run > Wait for Completion through n8n's WorkflowExecute against the stand-in, on runs started
// elsewhere (the stand-in's control API, as Vishwa's UI or a schedule would): success, failure
// both ways, maximum wait, a run finishing while waited on, 404, status case, Continue On Fail,
// ordered concurrency, and stopping promptly when the execution is cancelled.
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'wait-test-key-8d7c6b';
const harness = createHarness();
const credentials = () => ({ vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } });
const standin = useStandin({ apiKey: API_KEY });

function waitNodes(params, { items, continueOnFail } = {}) {
	const nodes = [];
	if (items) nodes.push({ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(items) } });
	nodes.push({
		name: 'Vishwa',
		type: TYPES.vishwa,
		parameters: {
			resource: 'run',
			operation: 'waitForCompletion',
			...params,
			waitOptions: { pollInterval: 0.1, ...(params.waitOptions || {}) },
		},
		...(continueOnFail ? { continueOnFail: true } : {}),
	});
	return linearWorkflow(nodes);
}

function waitFor(params, options) {
	return harness.runWorkflow(waitNodes(params, options), { credentials: credentials() });
}

/** A run started outside n8n, through the stand-in's control API. */
async function externalRun(spec) {
	const response = await fetch(`${standin.url}/__control/runs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(spec),
	});
	expect(response.status).toBe(200);
	return await response.json();
}

const statusRequests = () => standin.state.requests.filter((r) => r.path.endsWith('/status'));
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('waits for a run started elsewhere and returns its final status whole', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: 300, runType: 'scheduled' });
	const result = await waitFor({ flowId: 'flow-ok', runId: run.run_id });
	expect(result.status).toBe('success');
	const [item] = result.output('Vishwa');
	expect(item.json).toEqual({ ...standin.state.runStatus(run.run_id), flow_id: 'flow-ok' });
	expect(item.json).toMatchObject({ run_id: run.run_id, run_status: 'completed', run_type: 'scheduled' });
	expect(item.json.run_end_time).toEqual(expect.any(String));
	expect(item.pairedItem).toEqual({ item: 0 });
	// No new run was started.
	expect(standin.state.requests.filter((r) => r.path.endsWith('/start-run'))).toHaveLength(0);
	expect(standin.state.runs).toHaveLength(1);
});

test('a run that has already finished costs one status request', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: 0 });
	const started = Date.now();
	const result = await waitFor({ flowId: 'flow-ok', runId: ` ${run.run_id} ` });
	expect(result.status).toBe('success');
	expect(statusRequests()).toHaveLength(1);
	expect(Date.now() - started).toBeLessThan(1000);
});

test('a failed run fails the item by default, naming the run and Vishwa\'s reason', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: 100, outcome: 'failed' });
	const result = await waitFor({ flowId: 'flow-ok', runId: run.run_id });
	expect(result.status).toBe('error');
	expect(result.error.message).toBe(`Run "${run.run_id}" of flow "flow-ok" failed (status "failed")`);
	expect(result.error.description).toMatch(/^Vishwa said: Flow failed \(stand-in\)\./);
});

test('On Failed Run = Return the Item returns the failed run\'s final status', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: 100, outcome: 'failed' });
	const result = await waitFor({ flowId: 'flow-ok', runId: run.run_id, onFailedRun: 'return' });
	expect(result.status).toBe('success');
	expect(result.json('Vishwa')).toEqual([{ ...standin.state.runStatus(run.run_id), flow_id: 'flow-ok' }]);
	expect(result.json('Vishwa')[0].run_status).toBe('failed');
});

test('a run that never finishes gives an error naming the run and its last status after the maximum wait', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: null });
	const started = Date.now();
	const result = await waitFor({ flowId: 'flow-ok', runId: run.run_id, waitOptions: { maxWait: 0.9 } });
	expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	expect(result.status).toBe('error');
	expect(result.error.message).toBe(`Run "${run.run_id}" of flow "flow-ok" did not finish within 0.9 s (last status "running")`);
	expect(result.error.description).toMatch(/Raise Maximum Wait \(Seconds\), or check it later with Run > Get Status or Run > Wait for Completion\./);
	// Polls at once, then after 0.1, 0.25, 0.475 s (plus request latencies); the next would be at
	// 0.81 s, but the last one goes out 0.1 s before the deadline (0.8 s) so it can be answered
	// within it. Times as the stand-in received them.
	const polls = statusRequests();
	expect(polls.length).toBeGreaterThanOrEqual(4);
	expect(polls.length).toBeLessThanOrEqual(6);
	expect(Date.parse(polls[polls.length - 1].time) - Date.parse(polls[0].time)).toBeLessThan(1100);
});

test('a running run is waited on until it is finished (here by Vishwa\'s UI, via the control API)', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: null });
	const waiting = waitFor({ flowId: 'flow-ok', runId: run.run_id, waitOptions: { maxPollInterval: 0.3, maxWait: 20 } });
	await delay(700);
	standin.state.finishRun(run.run_id, 'succeeded');
	const result = await waiting;
	expect(result.status).toBe('success');
	expect(result.json('Vishwa')[0]).toMatchObject({ run_id: run.run_id, run_status: 'completed' });
});

test('a run that is not found while waiting is an error naming the run', async () => {
	const other = await externalRun({ flowId: 'flow-fail', durationMs: 0 });
	const missing = await waitFor({ flowId: 'flow-ok', runId: 'run_999' });
	expect(missing.status).toBe('error');
	expect(missing.error.message).toBe('Run "run_999" of flow "flow-ok" was not found while waiting for it to finish');
	expect(missing.error.httpCode).toBe('404');
	// A run of another flow is not found under this flow either.
	const wrongFlow = await waitFor({ flowId: 'flow-ok', runId: other.run_id });
	expect(wrongFlow.error.message).toBe(`Run "${other.run_id}" of flow "flow-ok" was not found while waiting for it to finish`);
});

test.each([
	['an empty Run ID', { runId: '  ' }, 'Item 0: Run ID is empty'],
	['an empty Flow ID (an expression that found nothing)', { flowId: '={{ $json.missing }}' }, 'Item 0: Flow ID is empty'],
	['a negative maximum wait', { waitOptions: { maxWait: -1 } }, 'Item 0: Maximum Wait (Seconds) must be a positive number of seconds (got -1)'],
	['an empty success list', { waitOptions: { successStatuses: '' } }, 'Item 0: Success Statuses is empty'],
])('%s is refused before any request', async (_what, params, message) => {
	const result = await waitFor({ flowId: 'flow-ok', runId: 'run_1', ...params });
	expect(result.status).toBe('error');
	expect(result.error.message).toBe(message);
	expect(standin.state.requests).toHaveLength(0);
});

test('UPPER-case statuses are classified case-insensitively', async () => {
	standin.state.setFlow({ id: 'flow-upper', statusCase: 'upper' });
	const ok = await externalRun({ flowId: 'flow-upper', durationMs: 200 });
	const bad = await externalRun({ flowId: 'flow-upper', durationMs: 200, outcome: 'failed' });
	const result = await waitFor(
		{ flowId: 'flow-upper', runId: '={{ $json.run }}', onFailedRun: 'return' },
		{ items: [{ run: ok.run_id }, { run: bad.run_id }] },
	);
	expect(result.status).toBe('success');
	expect(result.json('Vishwa').map((json) => json.run_status)).toEqual(['COMPLETED', 'FAILED']);
	const failed = await waitFor({ flowId: 'flow-upper', runId: bad.run_id });
	expect(failed.error.message).toBe(`Run "${bad.run_id}" of flow "flow-upper" failed (status "FAILED")`);
});

test('custom status lists: an unlisted status keeps it waiting, a listed one ends it', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: 0 });
	// "completed" is on neither list here: the run looks unfinished.
	const unknown = await waitFor({
		flowId: 'flow-ok',
		runId: run.run_id,
		waitOptions: { successStatuses: 'done', failureStatuses: 'broken', maxWait: 0.5 },
	});
	expect(unknown.error.message).toBe(`Run "${run.run_id}" of flow "flow-ok" did not finish within 0.5 s (last status "completed")`);
	// "completed" listed as a failure status.
	const asFailure = await waitFor({
		flowId: 'flow-ok',
		runId: run.run_id,
		waitOptions: { successStatuses: 'done', failureStatuses: 'COMPLETED' },
	});
	expect(asFailure.error.message).toBe(`Run "${run.run_id}" of flow "flow-ok" failed (status "completed")`);
});

test('Continue On Fail: each item gets its own result, in order', async () => {
	const ok = await externalRun({ flowId: 'flow-ok', durationMs: 100 });
	const failed = await externalRun({ flowId: 'flow-ok', durationMs: 100, outcome: 'failed' });
	const forever = await externalRun({ flowId: 'flow-ok', durationMs: null });
	const result = await waitFor(
		{ flowId: 'flow-ok', runId: '={{ $json.run }}', waitOptions: { maxWait: 0.6 } },
		{
			continueOnFail: true,
			items: [{ run: ok.run_id }, { run: failed.run_id }, { run: 'run_404' }, { run: '' }, { run: forever.run_id }],
		},
	);
	expect(result.status).toBe('success');
	const out = result.json('Vishwa');
	expect(out).toHaveLength(5);
	expect(out[0]).toMatchObject({ run_id: ok.run_id, run_status: 'completed' });
	expect(out[1].error).toBe(`Run "${failed.run_id}" of flow "flow-ok" failed (status "failed")`);
	expect(out[2].error).toBe('Run "run_404" of flow "flow-ok" was not found while waiting for it to finish');
	expect(out[3].error).toBe('Item 3: Run ID is empty');
	expect(out[4].error).toBe(`Run "${forever.run_id}" of flow "flow-ok" did not finish within 0.6 s (last status "running")`);
	// A failed wait keeps the run's id and its last status next to the error; an input error has none.
	expect(out[1]).toMatchObject({ run_id: failed.run_id, run_status: 'failed' });
	expect(out[2].run_id).toBe('run_404');
	expect(out[3].run_id).toBeUndefined();
	expect(out[4]).toMatchObject({ run_id: forever.run_id, run_status: 'running' });
	expect(result.output('Vishwa').map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
});

test('concurrency keeps the input order when later runs finish first', async () => {
	const durations = [700, 0, 400, 100, 600, 50, 300, 200, 500, 0];
	const runs = [];
	for (const ms of durations) runs.push(await externalRun({ flowId: 'flow-ok', durationMs: ms }));
	const result = await waitFor(
		{ flowId: 'flow-ok', runId: '={{ $json.run }}', options: { concurrency: 5 } },
		{ items: runs.map((run) => ({ run: run.run_id })) },
	);
	expect(result.status).toBe('success');
	expect(result.json('Vishwa').map((json) => json.run_id)).toEqual(runs.map((run) => run.run_id));
	expect(result.json('Vishwa').every((json) => json.run_status === 'completed')).toBe(true);
});

test('Start Run\'s wait and Wait for Completion end the same way (one shared waiting code)', async () => {
	standin.state.setFlow({ id: 'flow-forever', durationMs: null });
	const started = await harness.runWorkflow(
		linearWorkflow([
			{
				name: 'Vishwa',
				type: TYPES.vishwa,
				parameters: {
					resource: 'run',
					operation: 'start',
					flowId: 'flow-forever',
					waitForCompletion: true,
					waitOptions: { pollInterval: 0.1, maxWait: 0.5 },
				},
			},
		]),
		{ credentials: credentials() },
	);
	const runId = standin.state.runs[0].run_id;
	const waited = await waitFor({ flowId: 'flow-forever', runId, waitOptions: { maxWait: 0.5 } });
	expect(waited.error.message).toBe(started.error.message);
	expect(waited.error.message).toBe(`Run "${runId}" of flow "flow-forever" did not finish within 0.5 s (last status "running")`);
});

test('stops promptly when the execution is cancelled, and makes no more status requests', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: null });
	const workflowJson = waitNodes({
		flowId: 'flow-ok',
		runId: run.run_id,
		waitOptions: { pollInterval: 0.2, maxPollInterval: 5, maxWait: 60 },
	});
	const { stop, done, nodeDone, requestLog, restore } = await harness.startStoppable(workflowJson, { credentials: credentials() });
	try {
		// By 1.5 s the node sleeps between polls (0.2, 0.3, 0.45, 0.675 s...).
		await delay(1500);
		const attempts = () => requestLog.filter((entry) => entry.url.endsWith('/status')).length;
		const attemptsBeforeCancel = attempts();
		expect(attemptsBeforeCancel).toBeGreaterThanOrEqual(3);
		const cancelledAt = Date.now();
		stop();
		expect((await done).status).toBe('canceled');
		const settled = await nodeDone;
		expect(settled.at - cancelledAt).toBeLessThan(300);
		expect(settled.error.message).toBe(`Stopped waiting for run "${run.run_id}" of flow "flow-ok": the execution was cancelled`);
		await delay(1500);
		// No request was even attempted after the cancel (the log records attempts, sent or not).
		expect(attempts()).toBe(attemptsBeforeCancel);
		expect(statusRequests()).toHaveLength(attemptsBeforeCancel);
		// Only the waiting stopped: the run itself is untouched.
		expect(standin.state.getRun(run.run_id).run_status).toBe('running');
	} finally {
		restore();
	}
});

test('the API key never appears in outputs or errors', async () => {
	const run = await externalRun({ flowId: 'flow-ok', durationMs: 0, outcome: 'failed' });
	const failed = await waitFor({ flowId: 'flow-ok', runId: run.run_id });
	const missing = await waitFor({ flowId: 'flow-ok', runId: 'nope' });
	for (const result of [failed, missing]) expect(JSON.stringify(result.run)).not.toContain(API_KEY);
});
