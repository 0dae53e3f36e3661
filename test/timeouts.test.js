'use strict';
// Timeouts: every operation and the trigger have a Request Timeout option (default 30 s), and a stalled connection
// never hangs an execution. Against a TCP server that accepts and then neither reads nor answers,
// each operation fails within about timeout × attempts (plus backoff): reads after 4 attempts,
// start-run and upload after one, with the "answer was lost" message. Waiting for a run whose
// status polls stall ends the same way, and Stop ends a stalled request at once. (Trickling and
// slow answers per route are cells of the fault matrix.)
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');
const { startFaultyProxy, startSilentServer } = require('./support/faultyProxy');
const { backoff } = require('./faults.matrix');
const { DEFAULT_REQUEST_TIMEOUT_MS } = require('../dist/nodes/Vishwa/transport');
const { UPLOAD_MIN_BYTES_PER_SECOND } = require('../dist/nodes/Vishwa/core/upload');

const API_KEY = 'timeout-test-key-3b2a1f';
const harness = createHarness();
/** Scheduling slack on upper bounds (the machine may be busy). */
const SLACK_MS = 3000;
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let silent;
beforeEach(async () => {
	silent = await startSilentServer();
});
afterEach(async () => silent.close());

function vishwa(parameters, { items, files } = {}) {
	const nodes = [];
	if (items) nodes.push({ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(items), files: JSON.stringify(files || []) } });
	nodes.push({ name: 'Vishwa', type: TYPES.vishwa, parameters });
	return linearWorkflow(nodes);
}

async function timed(workflow, baseUrl = silent.url) {
	const started = Date.now();
	const result = await harness.runWorkflow(workflow, { credentials: { vishwaApi: { apiKey: API_KEY, baseUrl } } });
	return { result, elapsedMs: Date.now() - started };
}

test('every operation offers Request Timeout, defaulting to 30 s', async () => {
	expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(30000);
	const { nodeTypes } = await harness.load();
	const properties = nodeTypes[TYPES.vishwa].description.properties;
	const operations = properties.filter((p) => p.name === 'operation').flatMap((p) => p.options.map((o) => `${p.displayOptions.show.resource[0]}:${o.value}`));
	expect(operations.sort()).toEqual(['asset:upload', 'run:getStatus', 'run:start', 'run:waitForCompletion']);
	for (const operation of operations) {
		const [resource, name] = operation.split(':');
		const collection = properties.find(
			(p) => p.name === 'options' && p.displayOptions.show.resource.includes(resource) && p.displayOptions.show.operation.includes(name),
		);
		const timeout = collection.options.find((o) => o.name === 'timeout');
		expect({ operation, default: timeout.default, min: timeout.typeOptions.minValue }).toEqual({ operation, default: 30000, min: 1 });
	}
	const trigger = nodeTypes[TYPES.vishwaTrigger].description.properties.find((p) => p.name === 'options');
	const triggerTimeout = trigger.options.find((o) => o.name === 'timeout');
	expect({ default: triggerTimeout.default, min: triggerTimeout.typeOptions.minValue }).toEqual({ default: 30000, min: 1 });
});

test('Trigger: a stalled listing fails the poll after 4 attempts, each ending at the timeout', async () => {
	const timeout = 400;
	const poller = await harness.createPoller(
		{
			type: TYPES.vishwaTrigger,
			parameters: { flowId: 'f', event: 'any', options: { timeout } },
			credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } },
		},
		{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: silent.url } } },
	);
	const started = Date.now();
	const error = await poller.poll().then(() => undefined, (caught) => caught);
	const elapsedMs = Date.now() - started;
	expect(error.message).toBe(`Vishwa did not answer within ${timeout} ms (list the runs of flow "f")`);
	expect(silent.connections).toBe(4);
	const pauses = backoff(4);
	expect(elapsedMs).toBeGreaterThanOrEqual(4 * timeout + pauses.min);
	expect(elapsedMs).toBeLessThan(4 * timeout + pauses.max + SLACK_MS);
});

test('Get Status: a read is tried 4 times, each ending at the timeout, then a clear error', async () => {
	const timeout = 400;
	const { result, elapsedMs } = await timed(vishwa({ resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'r', options: { timeout } }));
	expect(result.status).toBe('error');
	expect(result.error.message).toBe(`Vishwa did not answer within ${timeout} ms (get the status of run "r")`);
	expect(result.error.description).toBe('4 attempts made. Raise the Request Timeout option if the server is just slow, or try again later.');
	expect(silent.connections).toBe(4);
	const pauses = backoff(4);
	expect(elapsedMs).toBeGreaterThanOrEqual(4 * timeout + pauses.min);
	expect(elapsedMs).toBeLessThan(4 * timeout + pauses.max + SLACK_MS);
});

test('Start: one attempt, ended at the timeout, reported as possibly started', async () => {
	const timeout = 400;
	const { result, elapsedMs } = await timed(vishwa({ resource: 'run', operation: 'start', flowId: 'f', options: { timeout } }));
	expect(result.status).toBe('error');
	expect(result.error.message).toBe(`The request to start a run of flow "f" was sent but its answer was lost (no answer within ${timeout} ms)`);
	expect(result.error.description).toMatch(/^The run of flow "f" may have started anyway\. Check the flow's runs in Vishwa/);
	expect(silent.connections).toBe(1);
	expect(elapsedMs).toBeGreaterThanOrEqual(timeout);
	expect(elapsedMs).toBeLessThan(timeout + SLACK_MS);
});

test('Upload: a server that never reads the body stalls the send too; one attempt, ended at the timeout plus send time', async () => {
	const timeout = 400;
	const bytes = 256 * 1024;
	// The allowance counts the whole multipart body (the file plus a few hundred bytes of framing).
	const allowance = (size) => timeout + Math.ceil((size / UPLOAD_MIN_BYTES_PER_SECOND) * 1000);
	const { result, elapsedMs } = await timed(
		vishwa(
			{ resource: 'asset', operation: 'upload', binaryProperties: 'data', options: { timeout } },
			{ items: [{}], files: [{ data: { fileName: 'big.bin', mimeType: 'application/octet-stream', base64: Buffer.alloc(bytes, 7).toString('base64') } }] },
		),
	);
	expect(result.status).toBe('error');
	const [, reported] = /^The request to upload 1 file \("big\.bin"\) was sent but its answer was lost \(no answer within (\d+) ms\)$/.exec(result.error.message);
	const uploadTimeout = Number(reported);
	expect(uploadTimeout).toBeGreaterThanOrEqual(allowance(bytes));
	expect(uploadTimeout).toBeLessThanOrEqual(allowance(bytes + 1024));
	expect(silent.connections).toBe(1);
	expect(elapsedMs).toBeGreaterThanOrEqual(uploadTimeout);
	expect(elapsedMs).toBeLessThan(uploadTimeout + SLACK_MS);
});

test('Wait for Completion: stalled status polls end the wait with a clear error, not a hang', async () => {
	const timeout = 300;
	const { result, elapsedMs } = await timed(
		vishwa({ resource: 'run', operation: 'waitForCompletion', flowId: 'f', runId: 'r', waitOptions: { pollInterval: 0.1, maxWait: 600 }, options: { timeout } }),
	);
	expect(result.status).toBe('error');
	expect(result.error.message).toBe(`Vishwa did not answer within ${timeout} ms (get the status of run "r" of flow "f")`);
	expect(elapsedMs).toBeLessThan(4 * timeout + backoff(4).max + SLACK_MS);
});

test('Start with Wait for Completion: the run starts once, then stalled polls end the item with a clear error', async () => {
	const standin = await startStandin({ apiKey: API_KEY, flows: { 'flow-long': { durationMs: 60000 } } });
	const proxy = await startFaultyProxy(standin.url);
	try {
		proxy.addFault({ route: 'status', kind: 'stall', times: 100 });
		// Long enough for the start-run through the proxy on a busy machine.
		const timeout = 1500;
		const { result, elapsedMs } = await timed(
			vishwa({ resource: 'run', operation: 'start', flowId: 'flow-long', waitForCompletion: true, waitOptions: { pollInterval: 0.1 }, options: { timeout } }),
			proxy.url,
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`Vishwa did not answer within ${timeout} ms (get the status of run "run_1" of flow "flow-long")`);
		expect(elapsedMs).toBeLessThan(100 + 4 * timeout + backoff(4).max + SLACK_MS);
		expect(standin.state.runs.filter((r) => r.createdBy === 'api')).toHaveLength(1);
		expect(proxy.log.filter((entry) => entry.route === 'status')).toHaveLength(4);
	} finally {
		await proxy.close();
		await standin.close();
	}
});

test('Stop during a stalled request ends the node at once, without further attempts', async () => {
	const workflowJson = vishwa({ resource: 'run', operation: 'getStatus', flowId: 'f', runId: 'r', options: { timeout: 60000 } });
	const { stop, done, nodeDone, restore } = await harness.startStoppable(workflowJson, {
		credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: silent.url } },
	});
	try {
		await delay(500);
		expect(silent.connections).toBe(1);
		const stoppedAt = Date.now();
		stop();
		expect((await done).status).toBe('canceled');
		const settled = await nodeDone;
		expect(settled.at - stoppedAt).toBeLessThan(300);
		expect(settled.error.message).toBe('Stopped: the execution was cancelled while trying to get the status of run "r"');
		await delay(800);
		expect(silent.connections).toBe(1);
	} finally {
		restore();
	}
});
