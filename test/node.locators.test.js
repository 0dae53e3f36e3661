'use strict';
// Node version 1.1 (issue 16): Flow ID and Run ID as resource locators. The "From list" methods run
// as the editor runs them (n8n-core's LoadOptionsContext on a throw-away "Temp-Node", see
// harness.listSearch) against the stand-in over real HTTP; workflows with locator values in both
// modes run through WorkflowExecute; version 1's text fields stay as they were.
const http = require('http');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'locator-test-key-5c1d2e';
const harness = createHarness();
let standin;
let credentials;

// The flow listing is ASSUMED: its wrapper and id key are drawn at random (logged, reproducible).
let seed = Number(process.env.VISHWA_TEST_SEED) || Date.now() % 2147483648;
const firstSeed = seed;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(random() * list.length)];
const LISTED_SHAPES = ['workflows', 'array', 'flows', 'data', 'items'];
const ID_KEYS = ['id', 'workflow_id', 'flow_id'];

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
	credentials = { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } };
	console.log(`node.locators.test.js: random draws from seed ${firstSeed} (VISHWA_TEST_SEED to repeat)`);
});
afterAll(async () => standin.close());
beforeEach(() => {
	standin.reset();
	standin.state.setFlowListing({ shape: pick(LISTED_SHAPES), idKey: pick(ID_KEYS) });
});

const locator = (mode, value) => ({ __rl: true, mode, value });
const runParams = (flowId, operation = 'getStatus') => ({ resource: 'run', operation, flowId: locator('id', flowId) });

function searchRuns(flowId, { filter, paginationToken, parameters } = {}) {
	return harness.listSearch('searchRuns', {
		parameters: parameters || runParams(flowId),
		credentials,
		filter,
		paginationToken,
	});
}

function searchFlows({ filter, paginationToken } = {}) {
	return harness.listSearch('searchFlows', {
		parameters: { resource: 'run', operation: 'start', flowId: locator('list', '') },
		credentials,
		filter,
		paginationToken,
	});
}

/** Every page of a list, as the editor loads them while the user scrolls. */
async function allPages(search) {
	const pages = [];
	let token;
	do {
		const page = await search(token);
		pages.push(page);
		token = page.paginationToken;
	} while (token !== undefined && pages.length < 100);
	return pages;
}

describe('Run ID "From list" (searchRuns)', () => {
	test("lists the flow's runs newest first, labelled by start time and status, 50 a page", async () => {
		standin.state.addHistory({ flowId: 'flow-ok', count: 3, outcome: 'failed' });
		const running = standin.state.createRun({ flowId: 'flow-ok', durationMs: null });
		standin.state.createRun({ flowId: 'flow-fail', durationMs: 0 }); // another flow: not listed
		const { results, paginationToken } = await searchRuns('flow-ok');
		expect(paginationToken).toBeUndefined();
		const expected = standin.state.listPage('flow-ok', 100, 0).runs;
		expect(results.map((r) => r.value)).toEqual(expected.map((run) => run.run_id));
		expect(results[0].value).toBe(running.run_id);
		// The stand-in shows a new run as queued for its first moments, then running: either is the label's status.
		expect(results[0].name).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d · (queued|running) · ${running.run_id}$`));
		expect(results.slice(1).every((r) => / · failed · run_\d+$/.test(r.name))).toBe(true);
		const [request] = standin.state.requestsFor('runs');
		expect(request.query).toEqual({ limit: '50', offset: '0' });
		expect(request.keyOk).toBe(true);
	});

	test('the label shows the start time in the time zone n8n gives (instance default here)', async () => {
		const run = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0, startTime: '2026-01-15T12:34:56.000Z' });
		const { results } = await searchRuns('flow-ok');
		const expected = new Intl.DateTimeFormat('en-US', {
			timeZone: process.env.GENERIC_TIMEZONE || 'America/New_York',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		}).format(new Date('2026-01-15T12:34:56.000Z'));
		expect(results.find((r) => r.value === run.run_id).name).toContain(`2026-01-15 ${expected} · completed`);
	});

	test('pages through a long history with the token: every run once, in order', async () => {
		standin.state.addHistory({ flowId: 'flow-ok', count: 137 });
		const pages = await allPages((token) => searchRuns('flow-ok', { paginationToken: token }));
		expect(pages.map((p) => p.results.length)).toEqual([50, 50, 37]);
		const ids = pages.flatMap((p) => p.results.map((r) => r.value));
		expect(ids).toEqual(standin.state.listPage('flow-ok', 137, 0).runs.map((run) => run.run_id));
		expect(standin.state.requestsFor('runs').map((r) => r.query.offset)).toEqual(['0', '50', '100']);
	});

	test('runs started while the user scrolls do not show a run twice', async () => {
		standin.state.addHistory({ flowId: 'flow-ok', count: 120 });
		const before = standin.state.listPage('flow-ok', 120, 0).runs.map((run) => run.run_id);
		// Before each later page, 3 new runs are pushed in at the top (moving every entry down).
		standin.state.addFault({ route: 'runs', kind: 'shift', times: 2 });
		const pages = await allPages((token) => searchRuns('flow-ok', { paginationToken: token }));
		const ids = pages.flatMap((p) => p.results.map((r) => r.value));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual(before);
	});

	test.each([['iso-seconds'], ['missing']])(
		'runs started while the user scrolls do not show a run twice when start times are whole seconds or absent (%s)',
		async (startTimes) => {
			// Every run in one second (or no start time): time cannot tell pushed-down runs from new ones.
			standin.state.setFlow({ id: 'flow-ok', listing: { startTimes } });
			const now = new Date(Math.floor(Date.now() / 1000) * 1000 - 60000).toISOString();
			for (let i = 0; i < 120; i++) standin.state.createRun({ flowId: 'flow-ok', durationMs: 0, startTime: now });
			standin.state.addFault({ route: 'runs', kind: 'shift', times: 2 });
			const pages = await allPages((token) => searchRuns('flow-ok', { paginationToken: token }));
			const ids = pages.flatMap((p) => p.results.map((r) => r.value));
			expect(ids.length).toBeGreaterThanOrEqual(120);
			expect(ids.length - new Set(ids).size).toBe(0);
		},
	);

	test('a search matches status, time or id, reading on over pages, with a token to read further', async () => {
		for (const startTime of ['2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z']) {
			standin.state.createRun({ flowId: 'flow-ok', durationMs: 0, outcome: 'failed', startTime });
		}
		standin.state.addHistory({ flowId: 'flow-ok', count: 400 });
		const failed = standin.state.listPage('flow-ok', 402, 0).runs.filter((r) => r.run_status === 'failed');
		expect(failed).toHaveLength(2);
		// The 2 failed runs are the oldest: 402 runs, 5 pages of 50 per call, so the first call ends
		// without them and hands back a token.
		const first = await searchRuns('flow-ok', { filter: 'FAILED' });
		expect(first.results).toEqual([]);
		expect(first.paginationToken).toBeDefined();
		expect(standin.state.requestsFor('runs')).toHaveLength(5);
		const second = await searchRuns('flow-ok', { filter: 'FAILED', paginationToken: first.paginationToken });
		expect(second.results.map((r) => r.value)).toEqual(failed.map((r) => r.run_id));
		expect(second.paginationToken).toBeUndefined();
		// By id (run_402 is the newest run; no other id contains it).
		const byId = await searchRuns('flow-ok', { filter: ' RUN_402 ' });
		expect(byId.results).toEqual([expect.objectContaining({ value: 'run_402' })]);
		expect(byId.paginationToken).toBeDefined(); // 250 of 402 runs read: the rest on scrolling
	});

	test('with Flow ID chosen from the list, or typed, or as version 1 text', async () => {
		const run = standin.state.createRun({ flowId: 'flow-fail', durationMs: 0 });
		for (const flowId of [locator('list', 'flow-fail'), locator('id', ' flow-fail '), 'flow-fail']) {
			const { results } = await searchRuns(undefined, {
				parameters: { resource: 'run', operation: 'waitForCompletion', flowId },
			});
			expect(results.map((r) => r.value)).toEqual([run.run_id]);
		}
	});

	test('no Flow ID, an expression, an unknown flow: the list says what to do', async () => {
		await expect(searchRuns('')).rejects.toThrow('Choose the Flow ID first');
		await expect(searchRuns('={{ $json.flow }}')).rejects.toThrow('The Flow ID is an expression');
		await expect(searchRuns('..')).rejects.toThrow('Flow ID ".." is not a valid id');
		expect(standin.state.requests).toHaveLength(0);
		await expect(searchRuns('no-such-flow')).rejects.toThrow(
			'Flow "no-such-flow" was not found, or this Vishwa does not list runs: check the Flow ID, or enter the Run ID (By ID)',
		);
	});

	test('goes through the shared transport: a 503 is retried, a refused key is named', async () => {
		standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		standin.state.addFault({ route: 'runs', kind: '503', times: 1 });
		const { results } = await searchRuns('flow-ok');
		expect(results).toHaveLength(1);
		expect(standin.state.requestsFor('runs')).toHaveLength(2);
		const error = await harness
			.listSearch('searchRuns', {
				parameters: runParams('flow-ok'),
				credentials: { vishwaApi: { apiKey: 'wrong-key-for-the-list', baseUrl: standin.url } },
			})
			.catch((e) => e);
		expect(error.message).toBe('The Vishwa API key was refused (HTTP 401)');
	});

	test('a listing that ignores limit and offset is read once, not paged forever', async () => {
		const entries = Array.from({ length: 50 }, (_, i) => ({
			run_id: `r${i}`,
			run_status: 'completed',
			run_start_time: new Date(Date.UTC(2026, 0, 1, 0, 0, 50 - i)).toISOString(),
		}));
		let calls = 0;
		const server = http.createServer((req, res) => {
			calls++;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ data: entries })); // the same page whatever the offset
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const own = { vishwaApi: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${server.address().port}` } };
			const list = (paginationToken) =>
				harness.listSearch('searchRuns', { parameters: runParams('f'), credentials: own, paginationToken });
			const first = await list();
			expect(first.results).toHaveLength(50);
			expect(first.paginationToken).toBeDefined(); // a full page: there may be more
			const second = await list(first.paginationToken);
			expect(second.results).toEqual([]); // the same runs again: nothing new, and the end
			expect(second.paginationToken).toBeUndefined();
			expect(calls).toBe(2);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});

describe('Flow ID "From list" (searchFlows, ASSUMED listing)', () => {
	test('lists the flows by name and id, whatever wrapper and id key the server uses', async () => {
		const { results, paginationToken } = await searchFlows();
		expect(paginationToken).toBeUndefined();
		expect(results).toEqual([
			{ name: 'Succeeding flow (flow-ok)', value: 'flow-ok' },
			{ name: 'Failing flow (flow-fail)', value: 'flow-fail' },
			{ name: 'Slow flow (flow-slow)', value: 'flow-slow' },
			{ name: 'Instant flow (flow-instant)', value: 'flow-instant' },
		]);
		const [request] = standin.state.requestsFor('flows');
		expect(request.path).toBe('/v1/workflows');
		expect(request.query).toEqual({ limit: '50', offset: '0' });
	});

	test('a flow without a name is listed by its id; search and paging work as for runs', async () => {
		standin.state.setFlow({ id: 'unnamed-flow' });
		for (let i = 0; i < 60; i++) standin.state.setFlow({ id: `bulk-${i}`, name: `Bulk ${i}` });
		const pages = await allPages((token) => searchFlows({ paginationToken: token }));
		expect(pages.map((p) => p.results.length)).toEqual([50, 15]);
		const all = pages.flatMap((p) => p.results);
		expect(all).toContainEqual({ name: 'unnamed-flow', value: 'unnamed-flow' });
		expect(new Set(all.map((r) => r.value)).size).toBe(65);
		const found = await searchFlows({ filter: 'bulk 5' });
		expect(found.results.map((r) => r.value)).toEqual(['bulk-5', 'bulk-50', 'bulk-51', 'bulk-52', 'bulk-53', 'bulk-54', 'bulk-55', 'bulk-56', 'bulk-57', 'bulk-58', 'bulk-59']);
	});

	test('a Vishwa without a flow listing (404): the list says to enter the ID, By ID still runs', async () => {
		standin.state.setFlowListing({ shape: 'none' });
		const error = await searchFlows().catch((e) => e);
		expect(error.message).toBe('This Vishwa does not list flows: enter the ID');
		expect(error.description).toContain('By ID');
		expect(error.constructor.name).toBe('NodeOperationError');
		const result = await harness.runWorkflow(
			linearWorkflow([
				{
					name: 'Vishwa',
					type: TYPES.vishwa,
					typeVersion: 1.1,
					parameters: { resource: 'run', operation: 'start', flowId: locator('id', 'flow-instant') },
				},
			]),
			{ credentials },
		);
		expect(result.status).toBe('success');
		expect(result.json('Vishwa')[0].run_id).toMatch(/^run_\d+$/);
	});

	test('other failures keep their own message (a refused key is not "does not list flows")', async () => {
		const error = await harness
			.listSearch('searchFlows', {
				parameters: { resource: 'run', operation: 'start' },
				credentials: { vishwaApi: { apiKey: 'not-the-key-either', baseUrl: standin.url } },
			})
			.catch((e) => e);
		expect(error.message).toBe('The Vishwa API key was refused (HTTP 401)');
	});
});

describe('workflows with node version 1.1 (locator values) and version 1 (text)', () => {
	function run(nodes) {
		return harness.runWorkflow(linearWorkflow(nodes), { credentials });
	}

	test('Start (Flow ID from the list), Wait for Completion (Run ID by ID, expression), Get Status (both from the list)', async () => {
		const listed = (await searchFlows({ filter: 'instant' })).results[0];
		const result = await run([
			{
				name: 'Start',
				type: TYPES.vishwa,
				typeVersion: 1.1,
				parameters: {
					resource: 'run',
					operation: 'start',
					flowId: { ...locator('list', listed.value), cachedResultName: listed.name },
				},
			},
			{
				name: 'Wait',
				type: TYPES.vishwa,
				typeVersion: 1.1,
				parameters: {
					resource: 'run',
					operation: 'waitForCompletion',
					flowId: locator('id', '={{ "flow-" + "instant" }}'),
					runId: locator('id', '={{ $json.run_id }}'),
				},
			},
		]);
		expect(result.status).toBe('success');
		const started = result.json('Start')[0];
		expect(result.json('Wait')[0]).toMatchObject({ run_id: started.run_id, run_status: 'completed' });

		const picked = (await searchRuns('flow-instant')).results[0];
		expect(picked.value).toBe(started.run_id);
		const status = await run([
			{
				name: 'Status',
				type: TYPES.vishwa,
				typeVersion: 1.1,
				parameters: {
					resource: 'run',
					operation: 'getStatus',
					flowId: locator('list', 'flow-instant'),
					runId: { ...locator('list', picked.value), cachedResultName: picked.name },
				},
			},
		]);
		expect(status.status).toBe('success');
		expect(status.json('Status')[0]).toMatchObject({ run_id: started.run_id, run_status: 'completed' });
	});

	test('an empty locator: n8n refuses to run it; one an expression empties fails naming item and field', async () => {
		const status = (runId) =>
			run([
				{
					name: 'Status',
					type: TYPES.vishwa,
					typeVersion: 1.1,
					parameters: { resource: 'run', operation: 'getStatus', flowId: locator('id', 'flow-ok'), runId },
				},
			]);
		// n8n's own check of required parameters (the editor shows the same issue on the node).
		await expect(status(locator('list', ''))).rejects.toThrow('Parameter "Run ID" is required');
		const result = await status(locator('id', '={{ $json.missing ?? "" }}'));
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 0: Run ID is empty');
		expect(standin.state.requests).toHaveLength(0);
	});

	test('version 1 text fields still run, and a version 1 node does not read a locator', async () => {
		const started = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0 });
		const result = await run([
			{
				name: 'Status',
				type: TYPES.vishwa,
				typeVersion: 1,
				parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: started.run_id },
			},
		]);
		expect(result.status).toBe('success');
		expect(result.json('Status')[0].run_id).toBe(started.run_id);
	});

	test('each version shows its own kind of Flow ID and Run ID (n8n resolves the displayed one)', async () => {
		const { nodeTypes } = await harness.load();
		const { NodeHelpers } = require('n8n-workflow');
		const nodeType = nodeTypes[TYPES.vishwa];
		expect(nodeType.description.version).toEqual([1, 1.1]);
		expect(nodeType.description.defaultVersion).toBe(1.1);
		const shown = (typeVersion, name) => {
			const node = { name: 'V', type: TYPES.vishwa, typeVersion, parameters: {} };
			const parameters = { resource: 'run', operation: 'getStatus' };
			return NodeHelpers.findDisplayedProperty(name, nodeType.description.properties, parameters, node, nodeType.description);
		};
		expect(shown(1, 'flowId').type).toBe('string');
		expect(shown(1, 'runId').type).toBe('string');
		expect(shown(1.1, 'flowId').type).toBe('resourceLocator');
		expect(shown(1.1, 'runId').type).toBe('resourceLocator');
		expect(shown(1.1, 'runId').modes.map((m) => m.name)).toEqual(['list', 'id']);
		expect(shown(1.1, 'flowId').modes.map((m) => m.name)).toEqual(['id', 'list']);
		// Hints where a user needs them: where the flow id is, and what the trigger needs from the API.
		expect(shown(1.1, 'flowId').modes[0].hint).toMatch(/Integrate panel.*between \/workflow\/ and \/start-run/);
		const trigger = nodeTypes[TYPES.vishwaTrigger].description.properties.find((p) => p.name === 'flowId');
		expect(trigger.hint).toContain('/v1/workflow/ID/runs');
		// The defaults n8n fills in for a new node of each version.
		const defaults = (typeVersion) =>
			NodeHelpers.getNodeParameters(nodeType.description.properties, { resource: 'run', operation: 'getStatus' }, true, false, {
				typeVersion,
				parameters: {},
			}, nodeType.description);
		expect(defaults(1)).toMatchObject({ flowId: '', runId: '' });
		expect(defaults(1.1)).toMatchObject({ flowId: { __rl: true, mode: 'id', value: '' }, runId: { __rl: true, mode: 'list', value: '' } });
	});
});
