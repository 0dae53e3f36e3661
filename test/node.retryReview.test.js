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
const { startStandin } = require('./standin/server');

const API_KEY = 'retry-review-key-9x8y7z';
const harness = createHarness();
let standin;

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

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
		expect(standin.state.runsOf('flow-ok')).toHaveLength(1); // control: 2 for maxTries 3, 3 for maxTries 5
		expect(standin.state.requestsFor('start-run').filter((request) => /flow-ok/.test(request.path))).toHaveLength(1);
		// Each item's upload went out once; the unknown flow's 404 is a refusal, re-sent every try.
		expect(standin.state.requestsFor('start-run').filter((request) => /flow-missing/.test(request.path))).toHaveLength(maxTries);
		expect(standin.state.requestsFor('upload')).toHaveLength(2);
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
