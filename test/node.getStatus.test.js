'use strict';
// Run > Get Status through n8n's WorkflowExecute against the stand-in: fields passed through
// untouched, ids encoded, the read retry policy, and the error classes a user sees.
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'status-test-key-9f8e7d';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

function getStatus(params, { items, options } = {}) {
	const nodes = [];
	if (items) nodes.push({ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(items) } });
	nodes.push({
		name: 'Vishwa',
		type: TYPES.vishwa,
		parameters: { resource: 'run', operation: 'getStatus', options: options || {}, ...params },
		...(params.continueOnFail ? { continueOnFail: true } : {}),
	});
	return harness.runWorkflow(linearWorkflow(nodes), {
		credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } },
	});
}

test('returns the server fields untouched, including fields the contract does not name', async () => {
	const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0, outcome: 'succeeded' });
	const result = await getStatus({ flowId: 'flow-ok', runId: run.run_id });
	expect(result.status).toBe('success');
	const [item] = result.output('Vishwa');
	expect(item.json).toEqual({ ...standin.state.runStatus(run.run_id), flow_id: 'flow-ok' });
	expect(item.json).toHaveProperty('run_end_time');
	expect(item.json.run_status).toBe('completed');
	expect(item.pairedItem).toEqual({ item: 0 });
});

test('ids with slashes, dots, ?, #, %, spaces and non-ASCII reach exactly their flow and run', async () => {
	const flowId = '../a/b ?#%ü';
	standin.state.setFlow({ id: flowId, durationMs: 0 });
	const run = standin.state.createRun({ flowId, durationMs: 0 });
	const result = await getStatus({ flowId: `  ${flowId} `, runId: run.run_id });
	expect(result.status).toBe('success');
	expect(result.json('Vishwa')[0].run_id).toBe(run.run_id);
	const [request] = standin.state.requests;
	expect(request.path).toBe(`/v1/workflow/${encodeURIComponent(flowId)}/run/${run.run_id}/status`);
});

test('items are processed independently, each with its own ids (expressions)', async () => {
	const runs = [0, 1, 2].map(() => standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 }));
	const result = await getStatus(
		{ flowId: 'flow-ok', runId: '={{ $json.run }}' },
		{ items: runs.map((run) => ({ run: run.run_id })) },
	);
	expect(result.json('Vishwa').map((json) => json.run_id)).toEqual(runs.map((run) => run.run_id));
	expect(result.output('Vishwa').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
});

test('an unknown run is a 404 naming the run and the flow', async () => {
	const result = await getStatus({ flowId: 'flow-ok', runId: 'run_999' });
	expect(result.status).toBe('error');
	expect(result.error.message).toBe('Run "run_999" of flow "flow-ok" was not found');
	expect(result.error.description).toMatch(/Vishwa said: /);
	expect(result.error.httpCode).toBe('404');
});

test('an empty run id is refused before any request, naming item and field', async () => {
	const result = await getStatus({ flowId: 'flow-ok', runId: '   ' });
	expect(result.status).toBe('error');
	expect(result.error.message).toBe('Item 0: Run ID is empty');
	expect(standin.state.requests).toHaveLength(0);
});

test('with Continue On Fail a bad item becomes an error item and the others still run', async () => {
	const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
	const result = await getStatus(
		{ flowId: 'flow-ok', runId: '={{ $json.run }}', continueOnFail: true },
		{ items: [{ run: run.run_id }, { run: 'nope' }, { run: '' }, { run: run.run_id }] },
	);
	expect(result.status).toBe('success');
	const out = result.json('Vishwa');
	expect(out).toHaveLength(4);
	expect(out[0].run_id).toBe(run.run_id);
	expect(out[1].error).toBe('Run "nope" of flow "flow-ok" was not found');
	expect(out[2].error).toBe('Item 2: Run ID is empty');
	expect(out[3].run_id).toBe(run.run_id);
});

describe('reads are retried on transient failures', () => {
	test.each([
		['500', 2],
		['503', 1],
		['502-html', 1],
		['malformed-json', 1],
		['drop-before', 1],
		['drop-after', 1],
	])('%s (%d times) then an answer', async (kind, times) => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'status', kind, times });
		const result = await getStatus({ flowId: 'flow-ok', runId: run.run_id });
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_id).toBe(run.run_id);
		expect(standin.state.requests.filter((r) => r.path.endsWith('/status'))).toHaveLength(times + 1);
	});

	test('429 with Retry-After waits that long', async () => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'status', kind: '429', retryAfter: 1 });
		const started = Date.now();
		const result = await getStatus({ flowId: 'flow-ok', runId: run.run_id });
		expect(result.status).toBe('success');
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	test('a 502 HTML page that persists is summarised by its title, not dumped', async () => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'status', kind: '502-html', times: 10 });
		const result = await getStatus({ flowId: 'flow-ok', runId: run.run_id });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`Vishwa had a server error (HTTP 502) while trying to get the status of run "${run.run_id}"`);
		expect(result.error.description).toMatch(/^It answered with an HTML page \(".*"\)\. 4 attempts made\.$/);
		expect(result.error.description.length).toBeLessThan(250);
	});

	test('a slow answer past the request timeout is retried, then reported', async () => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'status', kind: 'slow', delayMs: 1500, times: 10 });
		const result = await getStatus({ flowId: 'flow-ok', runId: run.run_id }, { options: { timeout: 300 } });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`Vishwa did not answer within 300 ms (get the status of run "${run.run_id}")`);
	});
});

test('the API key never appears in outputs or errors', async () => {
	const result = await getStatus({ flowId: 'flow-ok', runId: 'missing' });
	expect(JSON.stringify(result.run)).not.toContain(API_KEY);
	expect(JSON.stringify(standin.state.requests)).not.toContain(API_KEY);
});
