'use strict';
// Issue 13, the four defects a reviewer reproduced after the first round, proven through n8n-core's
// WorkflowExecute (and LoadOptionsContext) against the stand-in over real sockets:
// 1. Retry On Fail never re-sends an upload (Asset > Upload, Start's Attach Files) whose outcome
//    is unknown (answer lost, 5xx, unreadable 2xx); refusals are sent again.
// 2. A 503's Retry-After is honoured by reads (status, listing, locator lists), with the 429 cap.
// 3. Concurrency and Max Unfinished Runs are node-wide (the first item's value, the first waiting
//    item's for Max Unfinished Runs), and every item's value is still validated.
// 4. Poll Interval, Max Poll Interval and Maximum Wait below the editor's 0.1 s are refused at run
//    time, naming item and field, before any request.
// Each group has a control: the assertion that fails on the code before this change is marked.
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'retry-limits-key-5a6b7c';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

const credentials = () => ({ vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } });
const oneFile = [{ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hello' } }];

/** Manual Trigger -> Items (json, optional files) -> Vishwa with `settings` (retryOnFail, onError...). */
function run(parameters, { items = [{}], files, settings = {} } = {}) {
	const wf = linearWorkflow([
		{
			name: 'Items',
			type: TYPES.items,
			parameters: { items: JSON.stringify(items), ...(files ? { files: JSON.stringify(files) } : {}) },
		},
		{ name: 'Vishwa', type: TYPES.vishwa, parameters, ...settings },
	]);
	return harness.runWorkflow(wf, { credentials: credentials() });
}

const uploadRequests = () => standin.state.requestsFor('upload');
const startRequests = () => standin.state.requestsFor('start-run');
const statusRequests = () => standin.state.requestsFor('status');
const gapsMs = (requests) => requests.slice(1).map((request, n) => Date.parse(request.time) - Date.parse(requests[n].time));

describe('Retry On Fail does not re-send an upload whose outcome is unknown', () => {
	const retry = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };
	const upload = { resource: 'asset', operation: 'upload' };
	const attach = {
		resource: 'run',
		operation: 'start',
		flowId: 'flow-ok',
		attachFiles: true,
		attachments: { file: [{ binaryProperty: 'data', inputName: 'document' }] },
	};
	// The fault is queued for every try, so a re-sent upload would meet it again (control: 3 requests).
	// [case, stand-in fault, Asset > Upload's message, the same failure as Attach Files words it]
	const unknownOutcomes = [
		['answer lost after Vishwa stored the files', 'drop-after', /^The request to upload 1 file \("a\.txt"\) was sent but its answer was lost/, /: The request to upload the file to attach was sent but its answer was lost/],
		['HTTP 500', '500', /^Vishwa had a server error \(HTTP 500\) while trying to upload 1 file/, /: Vishwa had a server error \(HTTP 500\) while trying to upload the file to attach$/],
		['HTTP 200 with malformed JSON', 'malformed-json', /^Vishwa's answer to upload 1 file \("a\.txt"\) was not valid JSON/, /: Vishwa's answer to upload the file to attach was not valid JSON$/],
	];

	test.each(unknownOutcomes)('Asset > Upload, %s: sent once, the retries fail it with the same error', async (_name, kind, message) => {
		standin.state.addFault({ route: 'upload', kind, times: 3 });
		const result = await run(upload, { files: oneFile, settings: retry });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(message);
		expect(result.error.description).toContain('Retry On Fail did not send it again, so the files are not stored twice.');
		expect(uploadRequests()).toHaveLength(1); // control: 3 before the change
		expect(standin.state.files.length).toBeLessThanOrEqual(1);
	});

	test('Asset > Upload with Continue (regular output): the error item says it was not sent again', async () => {
		standin.state.addFault({ route: 'upload', kind: 'drop-after', times: 3 });
		const result = await run(upload, { files: oneFile, settings: { ...retry, onError: 'continueRegularOutput' } });
		expect(result.status).toBe('success');
		const [item] = result.json('Vishwa');
		expect(item.error).toMatch(/was sent but its answer was lost/);
		expect(item.errorDescription).toContain('Retry On Fail did not send it again');
		expect(uploadRequests()).toHaveLength(1); // control: 3 before the change
		expect(standin.state.files).toHaveLength(1);
	});

	test('Asset > Upload, a refusal (429 asking for 120 s) is sent again: the third try stores the file once', async () => {
		standin.state.addFault({ route: 'upload', kind: '429', retryAfter: 120, times: 2 });
		const result = await run(upload, { files: oneFile, settings: retry });
		expect(result.status).toBe('success');
		expect(uploadRequests()).toHaveLength(3);
		expect(standin.state.files).toHaveLength(1);
		expect(result.json('Vishwa')[0].files).toHaveLength(1);
	});

	test.each(unknownOutcomes)('Start with Attach Files, %s: upload sent once, no run started', async (_name, kind, _message, attachMessage) => {
		standin.state.addFault({ route: 'upload', kind, times: 3 });
		const result = await run(attach, { files: oneFile, settings: retry });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^Could not upload "a\.txt" \(binary property "data", for input "document"\), so no run of flow "flow-ok" was started: /);
		expect(result.error.message).toMatch(attachMessage);
		expect(result.error.description).toContain(
			'Retry On Fail did not send it again, so the files are not stored twice (and no run was started).',
		);
		expect(uploadRequests()).toHaveLength(1); // control: 3 before the change
		expect(startRequests()).toHaveLength(0);
	});

	test('Start with Attach Files, a refusal (429 asking for 120 s) is sent again: one upload stored, one run', async () => {
		standin.state.addFault({ route: 'upload', kind: '429', retryAfter: 120, times: 1 });
		const result = await run(attach, { files: oneFile, settings: retry });
		expect(result.status).toBe('success');
		expect(uploadRequests()).toHaveLength(2);
		expect(standin.state.files).toHaveLength(1);
		expect(standin.state.runs).toHaveLength(1);
	});

	test('Start with Attach Files, start-run answer lost after the upload: neither is sent again', async () => {
		standin.state.addFault({ route: 'start-run', kind: 'drop-after', times: 3 });
		const result = await run(attach, { files: oneFile, settings: retry });
		expect(result.status).toBe('error');
		expect(result.error.description).toContain('Retry On Fail did not send it again, so no second run was started.');
		expect(uploadRequests()).toHaveLength(1);
		expect(startRequests()).toHaveLength(1);
		expect(standin.state.runs).toHaveLength(1);
	});

	test('the rule, unit by unit: what counts as an unknown outcome', () => {
		const { outcomeUnknown } = require('../dist/nodes/Vishwa/actions/tries');
		const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');
		const withCode = (httpCode) => Object.assign(new Error('x'), { httpCode: String(httpCode) });
		expect(outcomeUnknown(withCode(500))).toBe(true);
		expect(outcomeUnknown(withCode(503))).toBe(true);
		expect(outcomeUnknown(withCode(200))).toBe(true); // an unreadable 2xx answer
		expect(outcomeUnknown(new Error('The request to upload 1 file was sent but its answer was lost (connection reset)'))).toBe(true);
		expect(outcomeUnknown(withCode(429))).toBe(false);
		expect(outcomeUnknown(withCode(404))).toBe(false);
		expect(outcomeUnknown(withCode(307))).toBe(false); // a redirect answer: not carried out
		// Never reached Vishwa: the transport's flag, whatever the message became on the way (Attach
		// Files prefixes it), not the message text.
		const neverSent = (message) => Object.assign(new Error(message), { notSent: true });
		expect(outcomeUnknown(neverSent('Could not reach Vishwa at http://x (connection refused)'))).toBe(false);
		expect(outcomeUnknown(neverSent('Could not upload "a.txt", so no run was started: Could not reach Vishwa at http://x (connection refused)'))).toBe(false);
		expect(outcomeUnknown(new Error('Could not reach Vishwa at http://x (connection reset)'))).toBe(true); // no flag: may have been sent
		expect(outcomeUnknown(new VishwaInputError('Binary Properties: no "data"', 'Binary Properties'))).toBe(false);
	});
});

describe("a 503's Retry-After is honoured by reads, as a 429's", () => {
	test('Get Status: 503 with Retry-After: 1 is retried after 1 s, not after the 0.25-0.5 s backoff', async () => {
		const started = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'status', kind: '503', retryAfter: 1 });
		const result = await run({ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: started.run_id });
		expect(result.status).toBe('success');
		expect(statusRequests()).toHaveLength(2);
		// A lower bound only (a busy machine waits longer, never shorter). Control: 250-500 ms before.
		expect(gapsMs(statusRequests())[0]).toBeGreaterThanOrEqual(900);
	});

	test('Get Status: 503 asking for 120 s (over the 60 s the node waits) fails at once, saying so', async () => {
		standin.state.addFault({ route: 'status', kind: '503', retryAfter: 120, times: 4 });
		const result = await run({ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Vishwa had a server error (HTTP 503) while trying to get the status of run "run_1"');
		expect(result.error.description).toContain('Vishwa asked to wait 120 s, longer than the node waits (60 s). Try again later.');
		expect(statusRequests()).toHaveLength(1); // control: 4 before the change
	});

	test('Wait for Completion: a status poll answered 503 with Retry-After: 1 waits 1 s before asking again', async () => {
		const started = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'status', kind: '503', retryAfter: 1 });
		const result = await run({
			resource: 'run',
			operation: 'waitForCompletion',
			flowId: 'flow-ok',
			runId: started.run_id,
			waitOptions: { pollInterval: 0.1 },
		});
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_status).toBe('completed');
		expect(gapsMs(statusRequests())[0]).toBeGreaterThanOrEqual(900);
	});

	test('the Run ID list (a locator list in the editor) honours it too', async () => {
		standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'runs', kind: '503', retryAfter: 1 });
		const list = await harness.listSearch('searchRuns', {
			parameters: { resource: 'run', operation: 'getStatus', flowId: { __rl: true, mode: 'id', value: 'flow-ok' } },
			credentials: credentials(),
		});
		expect(list.results).toHaveLength(1);
		const listings = standin.state.requestsFor('runs');
		expect(listings).toHaveLength(2);
		expect(gapsMs(listings)[0]).toBeGreaterThanOrEqual(900);
	});

	test('a start-run answered 503 is still not retried (its outcome is unknown), Retry-After or not', async () => {
		standin.state.addFault({ route: 'start-run', kind: '503', retryAfter: 1 });
		const result = await run({ resource: 'run', operation: 'start', flowId: 'flow-ok' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Vishwa had a server error (HTTP 503) while trying to start a run of flow "flow-ok"');
		expect(startRequests()).toHaveLength(1);
	});
});

describe('Concurrency and Max Unfinished Runs are node-wide; every item is still checked', () => {
	test("another item's bad Concurrency is that item's error (Continue), before any request of it", async () => {
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'flow-ok', options: { concurrency: '={{ $json.c }}' } },
			{ items: [{ c: 2 }, { c: 'abc' }, { c: 0 }], settings: { onError: 'continueRegularOutput' } },
		);
		const out = result.json('Vishwa');
		expect(out[0].run_id).toBeDefined();
		// Control: before the change only item 0's Concurrency was read, and items 1 and 2 started runs.
		expect(out[1].error).toBe('Item 1: Concurrency must be a whole number from 1 to 50 (got "abc")');
		expect(out[2].error).toBe('Item 2: Concurrency must be a whole number from 1 to 50 (got 0)');
		expect(standin.state.runs).toHaveLength(1);
	});

	test('without Continue, a bad Concurrency in a later item stops the node before anything is sent', async () => {
		const result = await run(
			{ resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: { concurrency: '={{ $json.c }}' } },
			{ items: [{ c: 3 }, { c: 51 }] },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 1: Concurrency must be a whole number from 1 to 50 (got 51)');
		expect(standin.state.requests).toHaveLength(0);
	});

	test("a bad Concurrency in the first item is its error (Continue); the next item's valid value applies", async () => {
		standin.state.setFlow({ id: 'flow-slow-answer', durationMs: 0, responseDelayMs: 150 });
		const items = [{ c: -1 }, { c: 1 }, { c: 50 }, { c: 50 }, { c: 50 }];
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'flow-slow-answer', options: { concurrency: '={{ $json.c }}' } },
			{ items, settings: { onError: 'continueRegularOutput' } },
		);
		expect(result.status).toBe('success');
		const out = result.json('Vishwa');
		expect(out[0].error).toBe('Item 0: Concurrency must be a whole number from 1 to 50 (got -1)');
		expect(out.slice(1).every((json) => json.run_id !== undefined)).toBe(true);
		expect(standin.state.runs).toHaveLength(4);
		expect(standin.state.stats.requestsOpenMax).toBe(1);
	});

	test("the first item's valid Concurrency applies to every item (1 here: never two requests at once)", async () => {
		standin.state.setFlow({ id: 'flow-slow-answer', durationMs: 0, responseDelayMs: 150 });
		const items = Array.from({ length: 6 }, (_, n) => ({ c: n === 0 ? 1 : 50 }));
		const result = await run(
			{ resource: 'run', operation: 'start', flowId: 'flow-slow-answer', options: { concurrency: '={{ $json.c }}' } },
			{ items },
		);
		expect(result.status).toBe('success');
		expect(standin.state.runs).toHaveLength(6);
		expect(standin.state.stats.requestsOpenMax).toBe(1);
	});

	test("the first waiting item's Max Unfinished Runs applies: 1 means one run at a time, whatever the others say", async () => {
		standin.state.setFlow({ id: 'flow-short', durationMs: 200 });
		const items = [{ m: 1 }, { m: 5 }, { m: 5 }, { m: 0 }];
		const result = await run(
			{
				resource: 'run',
				operation: 'start',
				flowId: 'flow-short',
				waitForCompletion: true,
				waitOptions: { pollInterval: 0.1, maxUnfinishedRuns: '={{ $json.m }}' },
			},
			{ items },
		);
		expect(result.status).toBe('success');
		const runs = standin.state.runs;
		expect(runs).toHaveLength(4);
		// Each run started after the one before it had finished.
		const ordered = runs.sort((a, b) => Date.parse(a.run_start_time) - Date.parse(b.run_start_time));
		for (let n = 1; n < ordered.length; n++) {
			expect(Date.parse(ordered[n].run_start_time)).toBeGreaterThanOrEqual(Date.parse(ordered[n - 1].run_end_time));
		}
	});

	test('a bad Max Unfinished Runs in the first waiting item is its error; the next waiting item sets the limit', async () => {
		standin.state.setFlow({ id: 'flow-short', durationMs: 200 });
		const result = await run(
			{
				resource: 'run',
				operation: 'start',
				flowId: 'flow-short',
				waitForCompletion: '={{ $json.wait }}',
				waitOptions: { pollInterval: 0.1, maxUnfinishedRuns: '={{ $json.m }}' },
			},
			{
				items: [{ wait: false, m: 'x' }, { wait: true, m: -2 }, { wait: true, m: 1 }, { wait: true, m: 9 }, { wait: true, m: 9 }],
				settings: { onError: 'continueRegularOutput' },
			},
		);
		expect(result.status).toBe('success');
		const out = result.json('Vishwa');
		expect(out[0].run_status).toBe('queued'); // item 0 does not wait: its value is not read
		expect(out[1].error).toMatch(/^Item 1: Max Unfinished Runs must be /);
		expect(out.slice(2).map((json) => json.run_status)).toEqual(['completed', 'completed', 'completed']);
		// Item 2's limit (1) applied to items 3 and 4: their runs did not overlap.
		const waited = standin.state.runs.filter((r) => out.slice(2).some((json) => json.run_id === r.run_id));
		const ordered = waited.sort((a, b) => Date.parse(a.run_start_time) - Date.parse(b.run_start_time));
		for (let n = 1; n < ordered.length; n++) {
			expect(Date.parse(ordered[n].run_start_time)).toBeGreaterThanOrEqual(Date.parse(ordered[n - 1].run_end_time));
		}
	});

	test('the field descriptions say the first item decides', async () => {
		const { nodeTypes } = await harness.load();
		const properties = nodeTypes[TYPES.vishwa].description.properties;
		const options = properties.filter((p) => p.type === 'collection').flatMap((p) => p.options || []);
		const concurrency = options.find((p) => p.name === 'concurrency');
		const maxUnfinished = options.find((p) => p.name === 'maxUnfinishedRuns');
		expect(concurrency.description).toContain("One setting for the whole node: the first item's value applies to every item.");
		expect(maxUnfinished.description).toContain("One setting for the whole node: the first waiting item's value applies to every item.");
	});
});

describe('wait durations below the editor minimum (0.1 s) are refused at run time', () => {
	const fields = [
		['pollInterval', 'Poll Interval (Seconds)'],
		['maxPollInterval', 'Max Poll Interval (Seconds)'],
		['maxWait', 'Maximum Wait (Seconds)'],
	];
	const operations = [
		['Start with Wait for Completion', { resource: 'run', operation: 'start', flowId: 'flow-ok', waitForCompletion: true }],
		['Wait for Completion', { resource: 'run', operation: 'waitForCompletion', flowId: 'flow-ok', runId: 'run_1' }],
	];
	const cases = operations.flatMap(([name, parameters]) => fields.map(([option, field]) => [name, option, field, parameters]));

	test.each(cases)('%s: %s from an expression', async (_name, option, field, parameters) => {
		for (const value of [0.05, 0.001, '0.09']) {
			standin.reset();
			const result = await run({ ...parameters, waitOptions: { [option]: '={{ $json.v }}' } }, { items: [{ v: 1 }, { v: value }] });
			expect(result.status).toBe('error');
			// Control: before the change values down to 0.001 s were accepted.
			expect(result.error.message).toBe(`Item 1: ${field} must be a number of seconds from 0.1 to 2147483 (got ${JSON.stringify(value)})`);
			expect(standin.state.requests).toHaveLength(0);
		}
	});

	test('0.1 s itself is accepted and used', async () => {
		const started = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		const result = await run({
			resource: 'run',
			operation: 'waitForCompletion',
			flowId: 'flow-ok',
			runId: started.run_id,
			waitOptions: { pollInterval: '={{ 0.1 }}', maxPollInterval: 0.1, maxWait: 5 },
		});
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_status).toBe('completed');
	});

	test("the runtime minimum is the editor's minValue", async () => {
		const { MIN_WAIT_SECONDS } = require('../dist/nodes/Vishwa/core/wait');
		const { nodeTypes } = await harness.load();
		const properties = nodeTypes[TYPES.vishwa].description.properties;
		const waitFields = properties
			.filter((p) => p.name === 'waitOptions')
			.flatMap((p) => p.options)
			.filter((p) => ['pollInterval', 'maxPollInterval', 'maxWait'].includes(p.name));
		expect(waitFields.length).toBeGreaterThanOrEqual(6);
		for (const field of waitFields) expect(field.typeOptions.minValue).toBe(MIN_WAIT_SECONDS);
	});
});
