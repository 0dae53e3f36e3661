'use strict';
// The Vishwa Trigger through n8n-core's real PollContext (harness.createPoller: a fresh context per
// poll over the saved workflow static data) against the stand-in over real HTTP: activation with
// history, runs finishing one by one, runs already running, runs started outside n8n, filters,
// backlogs longer than a page, a listing outage, restarts, Fetch Test Event, the full-status option,
// runs pushed in while paging, n8n 2.x's per-poll cursor staging, and a randomized run.
const { createHarness, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'trigger-test-key-5c4b3a';
const harness = createHarness();
let standin;

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

const scan = () => global.__vishwaSecretScan;

let flowCount = 0;
/** A flow of its own for each test; its runs stay running until finished through the control API. */
function newFlow(spec = {}) {
	flowCount += 1;
	const id = `trig-${flowCount}`;
	standin.state.setFlow({ id, durationMs: null, ...spec });
	return id;
}

function createPoller(flowId, parameters = {}, options = {}) {
	return harness.createPoller(
		{
			type: TYPES.vishwaTrigger,
			parameters: { flowId, ...parameters },
			credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } },
		},
		{ credentials: { vishwaApi: { apiKey: options.apiKey || API_KEY, baseUrl: standin.url } }, ...options },
	);
}

const ids = (items) => (items || []).map((item) => item.json.run_id);
const running = (flowId, spec = {}) => standin.state.createRun({ flowId, durationMs: null, ...spec }).run_id;
const finished = (flowId, spec = {}) => standin.state.createRun({ flowId, durationMs: 0, ...spec }).run_id;
const finish = (runId, outcome = 'succeeded') => standin.state.finishRun(runId, outcome);
/** A finished run whose start time is a millisecond no earlier run of this file has (runs made in a loop
 * otherwise share milliseconds, and how many do changes how pages overlap: request counts would vary). */
const finishedAlone = (flowId) => {
	const previous = Date.now();
	while (Date.now() === previous);
	return finished(flowId);
};
const listRequests = () => standin.state.requestsFor('runs').length;
const statusRequests = () => standin.state.requestsFor('status').length;

/** Records the exactly-once figures for the suite's reliability summary. */
function checkExactlyOnce(emitted, expected) {
	const counts = new Map();
	for (const id of emitted) counts.set(id, (counts.get(id) || 0) + 1);
	const lost = expected.filter((id) => !counts.has(id));
	const duplicated = [...counts.values()].filter((n) => n > 1).length;
	scan().add('triggerRunsChecked', expected.length);
	scan().add('eventsLost', lost.length);
	scan().add('eventsDuplicated', duplicated);
	expect({ lost, duplicated, extra: [...counts.keys()].filter((id) => !expected.includes(id)) }).toEqual({
		lost: [],
		duplicated: 0,
		extra: [],
	});
}

test('activation does not emit the flow\'s past runs, and reads the newest 300 of them (whole pages)', async () => {
	const flow = newFlow();
	standin.state.addHistory({ flowId: flow, count: 1000 });
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	// 300 distinct runs: pages of 100 overlapping by 2; then the look at where the listing's dated rows
	// end (s15n, for listings that put runs without a start time last): offsets past what the scan read,
	// doubling then halving, at most 2·log2(1000 / 100) + 3 requests.
	const offsets = standin.state.requestsFor('runs').map((request) => Number(request.query.offset ?? 0));
	expect(offsets.slice(0, 4)).toEqual([0, 98, 196, 294]);
	expect(offsets.slice(4).every((offset) => offset >= 394)).toBe(true);
	expect(offsets.length - 4).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000 / 100)) + 3);
	const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
	expect(state.v).toBe(3);
	expect(state.flow).toBe(flow);
	// The newest 300 distinct runs at least (the page that reaches them is read whole).
	expect(state.done.length).toBeGreaterThanOrEqual(300);
	expect(state.done.length).toBeLessThanOrEqual(400);
	standin.state.clearRequests();
	expect(await poller.poll()).toBeNull();
	expect(listRequests()).toBe(1);
	expect(statusRequests()).toBe(0);
});

test('runs finishing one by one are emitted once each, with the server fields and flow_id', async () => {
	const flow = newFlow();
	const runs = [running(flow), running(flow, { runType: 'api' }), running(flow)];
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	expect(await poller.poll()).toBeNull();

	finish(runs[1], 'failed');
	const first = await poller.poll();
	expect(ids(first)).toEqual([runs[1]]);
	expect(first[0].json).toEqual({ ...standin.state.runStatus(runs[1]), flow_id: flow });
	expect(first[0].json.run_status).toBe('failed');
	expect(await poller.poll()).toBeNull();

	finish(runs[0]);
	finish(runs[2]);
	expect(ids(await poller.poll())).toEqual([runs[0], runs[2]]); // oldest first
	expect(await poller.poll()).toBeNull();
	checkExactlyOnce([runs[1], runs[0], runs[2]], runs);
});

test('a run already running at activation is emitted when it finishes, even deep in the listing', async () => {
	const flow = newFlow();
	const long = running(flow);
	for (let i = 0; i < 150; i++) finishedAlone(flow);
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();

	finish(long);
	standin.state.clearRequests();
	const items = await poller.poll();
	expect(ids(items)).toEqual([long]);
	// One listing page (the run is not on it), then its status: the status answer is the item.
	expect(listRequests()).toBe(1);
	expect(statusRequests()).toBe(1);
	expect(items[0].json).toEqual({ ...standin.state.runStatus(long), flow_id: flow });
	expect(await poller.poll()).toBeNull();
});

test('runs started outside n8n (Vishwa UI, schedules) and through the API are all emitted', async () => {
	const flow = newFlow({ durationMs: 0 });
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	const manual = finished(flow, { runType: 'manual' });
	const scheduled = finished(flow, { runType: 'scheduled', outcome: 'failed' });
	const response = await fetch(`${standin.url}/v1/workflow/${flow}/start-run`, {
		method: 'POST',
		headers: { 'XP-API-Key': API_KEY, 'Content-Type': 'application/json' },
		body: JSON.stringify({ question: 'hi' }),
	});
	const api = (await response.json()).run_id;
	const items = await poller.poll();
	expect(ids(items)).toEqual([manual, scheduled, api]);
	expect(items.map((item) => item.json.run_type)).toEqual(['manual', 'scheduled', 'api']);
	expect(items[2].json.outputs).toEqual({ question: 'hi' });
	expect(await poller.poll()).toBeNull();
});

test('Trigger On: succeeded, failed or any finished run', async () => {
	const flow = newFlow();
	const pollers = {};
	for (const event of ['succeeded', 'failed', 'any']) {
		pollers[event] = await createPoller(flow, { event });
		expect(await pollers[event].poll()).toBeNull();
	}
	const ok = running(flow);
	const bad = running(flow);
	finish(ok, 'succeeded');
	finish(bad, 'failed');
	expect(ids(await pollers.succeeded.poll())).toEqual([ok]);
	expect(ids(await pollers.failed.poll())).toEqual([bad]);
	expect(ids(await pollers.any.poll())).toEqual([ok, bad]);
	for (const poller of Object.values(pollers)) expect(await poller.poll()).toBeNull();
});

test('unusual status names: custom Success and Failure Statuses, in any case', async () => {
	const flow = newFlow({ statusCase: 'upper' });
	const poller = await createPoller(flow, {
		event: 'failed',
		options: { successStatuses: 'COMPLETED', failureStatuses: 'Failed, exploded' },
	});
	expect(await poller.poll()).toBeNull();
	const run = running(flow);
	finish(run, 'failed');
	expect(ids(await poller.poll())).toEqual([run]);

	const broken = await createPoller(flow, { options: { successStatuses: 'done', failureStatuses: ' DONE ' } });
	await expect(broken.poll()).rejects.toThrow('Status "done" is in both Success Statuses and Failure Statuses');
	const empty = await createPoller(' ');
	await expect(empty.poll()).rejects.toThrow('Flow ID is empty');
});

test('more finished runs than a page: pages down to known runs, emits all oldest first', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow, { options: { pageSize: 10 } });
	expect(await poller.poll()).toBeNull();
	const backlog = [];
	for (let i = 0; i < 47; i++) backlog.push(finishedAlone(flow));
	standin.state.clearRequests();
	const items = await poller.poll();
	expect(ids(items)).toEqual(backlog);
	// Pages of 10 overlapping by one: 6 hold new runs; the target is that plus one.
	expect(listRequests()).toBeLessThanOrEqual(Math.ceil(47 / 9) + 1);
	expect(await poller.poll()).toBeNull();

	const big = await createPoller(flow);
	expect(await big.poll()).toBeNull();
	const more = [];
	for (let i = 0; i < 250; i++) more.push(finishedAlone(flow));
	standin.state.clearRequests();
	expect(ids(await big.poll())).toEqual(more);
	// The 250 new runs and the look-back (half a page of the runs known) on pages overlapping by two,
	// plus one (each run has a millisecond of its own, so no page ends inside a millisecond shared with
	// the next page, which would make the next page start at that millisecond).
	expect(listRequests()).toBeLessThanOrEqual(Math.ceil((250 + 50) / 98) + 1);
});

test('a listing outage of several polls: each fails as an n8n error, nothing is lost or repeated after', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	const before = poller.savedStaticData();
	const done = [];
	const stillRunning = running(flow);
	for (const kind of ['500', '502-html', '503']) {
		done.push(finished(flow)); // finishes while the listing is failing
		standin.state.addFault({ route: 'runs', kind, times: 4 }); // the attempt and its 3 retries
		await expect(poller.poll()).rejects.toThrow(/Vishwa had a server error \(HTTP 50[023]\) while trying to list the runs of flow/);
		// n8n keeps the static data object in memory after a failed poll: it must be untouched.
		expect(JSON.parse(JSON.stringify(poller.staticData))).toEqual(before);
		expect(poller.savedStaticData()).toEqual(before);
	}
	finish(stillRunning);
	poller.restart();
	const items = await poller.poll();
	expect(ids(items)).toEqual([stillRunning, ...done]); // oldest (by start) first
	expect(await poller.poll()).toBeNull();
	checkExactlyOnce(ids(items), [stillRunning, ...done]);
});

test('a refused key fails the poll with a clear message and keeps the state', async () => {
	const flow = newFlow();
	const good = await createPoller(flow);
	expect(await good.poll()).toBeNull();
	const saved = good.savedStaticData();
	const bad = await createPoller(flow, {}, { apiKey: 'wrong-key-123456', staticData: saved });
	await expect(bad.poll()).rejects.toThrow('The Vishwa API key was refused (HTTP 401)');
	expect(bad.savedStaticData()).toEqual(saved);
});

test('a restart rebuilds from the saved static data: no run emitted twice, none lost', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	const a = running(flow);
	const b = finished(flow);
	expect(ids(await poller.poll())).toEqual([b]);
	poller.restart();
	expect(await poller.poll()).toBeNull();
	finish(a);
	const c = finished(flow);
	poller.restart();
	expect(ids(await poller.poll())).toEqual([a, c]);
	poller.restart();
	expect(await poller.poll()).toBeNull();
	const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
	expect(state.pending).toEqual([]);
});

test('Fetch Test Event returns the newest matching finished run and leaves the state alone', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow, { event: 'failed' });
	await expect(poller.poll({ pollMode: 'manual' })).rejects.toThrow(`Flow "${flow}" has no runs yet`);
	expect(poller.savedStaticData()).toEqual({});

	const failedRun = finished(flow, { outcome: 'failed' });
	finished(flow);
	running(flow);
	const items = await poller.poll({ pollMode: 'manual' });
	expect(ids(items)).toEqual([failedRun]);
	expect(items[0].json.flow_id).toBe(flow);
	expect(poller.savedStaticData()).toEqual({});

	// An active workflow's state is not touched either, and the run is still emitted later.
	expect(await poller.poll()).toBeNull();
	const saved = poller.savedStaticData();
	const later = running(flow);
	finish(later, 'failed');
	expect(ids(await poller.poll({ pollMode: 'manual' }))).toEqual([later]);
	expect(poller.savedStaticData()).toEqual(saved);
	expect(ids(await poller.poll())).toEqual([later]);

	const other = await createPoller(newFlow());
	await expect(other.poll({ pollMode: 'manual' })).rejects.toThrow(/has no runs yet/);
});

test('Fetch Test Event without a matching run: no runs yet, none finished, none matching; each says what to do', async () => {
	const flow = newFlow();
	const failing = await createPoller(flow, { event: 'failed' });
	const caught = async (poller) => poller.poll({ pollMode: 'manual' }).then(() => undefined, (error) => error);

	let error = await caught(failing);
	expect(error.message).toBe(`Flow "${flow}" has no runs yet`);
	expect(error.description).toMatch(/^Start a run of the flow .* then fetch again/);

	running(flow, { runType: 'manual' });
	running(flow);
	error = await caught(failing);
	expect(error.message).toBe(`No run of flow "${flow}" has finished yet`);
	expect(error.description).toMatch(
		/^All of its 2 newest runs are still running \(run_status: (queued|running)(, (queued|running))?\)\. Wait for one to finish, then fetch again\. If (this status|one of these statuses) means a run has ended, add it to Success Statuses or Failure Statuses under Options\.$/,
	);

	finished(flow);
	error = await caught(failing);
	expect(error.message).toBe(`No failed run of flow "${flow}" among its 3 newest`);
	expect(error.description).toBe(
		'1 of them finished, none failed. Set Trigger On to Run Finished to use the newest of them as the test event, or let a run fail, then fetch again.',
	);
	expect(failing.savedStaticData()).toEqual({});
});

test('Fetch Full Status: each item is the run\'s status answer', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow, { options: { fetchFullStatus: true } });
	expect(await poller.poll()).toBeNull();
	const runs = [finished(flow), finished(flow, { outcome: 'failed' })];
	standin.state.clearRequests();
	const items = await poller.poll();
	expect(ids(items)).toEqual(runs);
	expect(statusRequests()).toBe(2);
	for (const item of items) expect(item.json).toEqual({ ...standin.state.runStatus(item.json.run_id), flow_id: flow });
	expect(items[1].json.error).toBe('Flow failed (stand-in)');
});

test('runs pushed in at the top while paging are neither lost nor repeated', async () => {
	const flow = newFlow({ durationMs: 0 });
	const poller = await createPoller(flow, { options: { pageSize: 10 } });
	expect(await poller.poll()).toBeNull();
	const first = [];
	for (let i = 0; i < 25; i++) first.push(finished(flow));
	standin.state.addFault({ route: 'runs', kind: 'shift', count: 3, times: 2 });
	const items = await poller.poll();
	expect(ids(items)).toEqual(first);
	const pushed = standin.state.runsOf(flow).map((run) => run.run_id).filter((id) => !first.includes(id));
	expect(pushed).toHaveLength(6);
	expect(ids(await poller.poll()).sort()).toEqual(pushed.sort());
	expect(await poller.poll()).toBeNull();
	checkExactlyOnce([...ids(items), ...pushed], [...first, ...pushed]);
});

test('n8n 2.x cursor staging: the per-poll copy is committed only after a poll that succeeded', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow, {}, { cursorStaging: true });
	expect(await poller.poll()).toBeNull();
	expect(poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger.flow).toBe(flow);
	const a = finished(flow);
	standin.state.addFault({ route: 'runs', kind: '500', times: 4 });
	await expect(poller.poll()).rejects.toThrow(/HTTP 500/);
	const b = finished(flow);
	expect(ids(await poller.poll())).toEqual([a, b]);
	expect(await poller.poll()).toBeNull();
});

test('randomized: runs started, finished, pushed in and faults injected; each finished run emitted once', async () => {
	let seed = 20240611;
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed / 2147483648;
	};
	const flow = newFlow();
	for (let i = 0; i < 40; i++) (random() < 0.7 ? finished : running)(flow);
	const poller = await createPoller(flow, { options: { pageSize: 7 } }, { cursorStaging: random() < 0.5 });
	expect(await poller.poll()).toBeNull();
	const pastIds = new Set(standin.state.runsOf(flow).filter((run) => run.finished).map((run) => run.run_id));
	const emitted = [];
	const stats = { polls: 0, failed: 0, faults: 0, restarts: 0, shifts: 0 };
	const openRuns = () => standin.state.runsOf(flow).filter((run) => !run.finished);
	for (let step = 0; step < 60; step++) {
		const roll = random();
		if (roll < 0.3) running(flow, { runType: random() < 0.5 ? 'manual' : 'scheduled' });
		else if (roll < 0.45) finished(flow, { outcome: random() < 0.3 ? 'failed' : 'succeeded' });
		else if (roll < 0.65 && openRuns().length) {
			const open = openRuns();
			finish(open[Math.floor(random() * open.length)].run_id, random() < 0.3 ? 'failed' : 'succeeded');
		} else if (roll < 0.7) {
			poller.restart();
			stats.restarts++;
		} else {
			const fault = random();
			if (fault < 0.1) {
				standin.state.addFault({ route: random() < 0.5 ? 'runs' : '*', kind: '500', times: 4 });
				stats.faults++;
			} else if (fault < 0.3) {
				standin.state.addFault({ route: 'runs', kind: 'shift', count: 2 });
				stats.shifts++;
			} else if (fault < 0.4) {
				standin.state.addFault({ route: 'runs', kind: 'malformed-json' }); // retried within the poll
				stats.faults++;
			}
			stats.polls++;
			try {
				emitted.push(...ids(await poller.poll()));
			} catch (error) {
				expect(error.message).toMatch(/HTTP 500/);
				stats.failed++;
			}
			standin.state.clearFaults();
		}
	}
	for (const run of openRuns()) finish(run.run_id);
	for (let i = 0; i < 3; i++) emitted.push(...ids(await poller.poll()));
	const expected = standin.state
		.runsOf(flow)
		.map((run) => run.run_id)
		.filter((id) => !pastIds.has(id));
	console.log(
		`trigger harness random: ${expected.length} runs finished after activation, ${emitted.length} emitted, ` +
			`${stats.polls} polls (${stats.failed} failed), ${stats.faults} faults, ${stats.shifts} shifts, ${stats.restarts} restarts`,
	);
	checkExactlyOnce(emitted, expected);
	expect(stats.polls).toBeGreaterThan(10);
});

test('randomized chaos: history, runs running at activation, outages, shifting pages, restarts', async () => {
	// Seeded so a failure can be replayed; the sequence is long enough to mix every event.
	let seed = 20261129;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
	const flow = newFlow();
	standin.state.addHistory({ flowId: flow, count: 150 });
	const history = new Set(standin.state.runsOf(flow).map((run) => run.run_id));
	const open = Array.from({ length: 5 }, () => running(flow));
	const poller = await createPoller(flow, { options: { pageSize: 10 } });
	expect(await poller.poll()).toBeNull();

	const emitted = [];
	let polls = 0;
	let failedPolls = 0;
	let restarts = 0;
	for (let step = 0; step < 60; step++) {
		for (let i = Math.floor(random() * 6); i > 0; i--) open.push(running(flow));
		for (let i = Math.floor(random() * 6); i > 0 && open.length > 0; i--) {
			const [runId] = open.splice(Math.floor(random() * open.length), 1);
			finish(runId, random() < 0.3 ? 'failed' : 'succeeded');
		}
		const dice = random();
		// An outage fails the poll: the attempt and its 3 retries (few: each costs seconds of backoff).
		if (dice < 0.05) standin.state.addFault({ route: 'runs', kind: random() < 0.5 ? '503' : 'drop-before', times: 4 });
		else if (dice < 0.3) standin.state.addFault({ route: 'runs', kind: 'shift', count: 4 });
		if (random() < 0.15) {
			poller.restart();
			restarts++;
		}
		polls++;
		try {
			emitted.push(...ids(await poller.poll()));
		} catch (error) {
			failedPolls++;
			expect(error.message).toMatch(/Vishwa|reach|answer/);
		}
		standin.state.clearFaults();
	}
	for (const runId of open.splice(0)) finish(runId);
	for (let i = 0; i < 5; i++) emitted.push(...ids(await poller.poll()));
	// Shift faults also create (finished) runs while a poll pages: they finished after activation too.
	const expected = standin.state.runsOf(flow).map((run) => run.run_id).filter((id) => !history.has(id));
	console.log(
		`trigger chaos (real PollContext): ${expected.length} runs finished after activation, ${emitted.length} emitted, ${polls} polls (${failedPolls} failed), ${restarts} restarts`,
	);
	checkExactlyOnce(emitted, expected);
	expect(failedPolls).toBeGreaterThan(0);
});

// Issue 14: listings that break the trigger's assumptions, through the real PollContext and the
// stand-in's per-flow `listing` option (test/standin/listing.js).

test('a 404 on the run listing says that the run-listing request failed and that the trigger needs it', async () => {
	const poller = await createPoller('no-such-flow');
	const error = await poller.poll().then(() => undefined, (e) => e);
	expect(error.message).toBe('The run-listing request for flow "no-such-flow" failed: not found (HTTP 404)');
	expect(error.description).toMatch(/^The Vishwa Trigger needs the run listing \(GET \/v1\/workflow\/no-such-flow\/runs\) to see runs finish\./);
	expect(error.description).toMatch(/does not offer the run listing/);
});

test('a listing without start times fails activation with a clear error, and nothing is saved', async () => {
	const flow = newFlow({ listing: { startTimes: 'missing' } });
	standin.state.addHistory({ flowId: flow, count: 20 });
	const poller = await createPoller(flow);
	const error = await poller.poll().then(() => undefined, (e) => e);
	expect(error.message).toBe(`The run listing of flow "${flow}" gives no start times`);
	expect(error.description).toMatch(/run_start_time/);
	expect(poller.savedStaticData()).toEqual({});
});

test('pages capped below the limit, no total, epoch seconds, reordered ties: every run once', async () => {
	const flow = newFlow({ listing: { pageCap: 10, total: false, startTimes: 'epoch-seconds', reorderTies: true, repeatIds: true } });
	standin.state.addHistory({ flowId: flow, count: 40 });
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	const emitted = [];
	const expected = [];
	for (let poll = 0; poll < 3; poll++) {
		for (let i = 0; i < 15; i++) expected.push(finished(flow));
		emitted.push(...ids(await poller.poll()));
	}
	expect(await poller.poll()).toBeNull();
	checkExactlyOnce(emitted, expected);
});

test('runs deleted at the top and pushed in between page requests: nothing skipped or repeated', async () => {
	const flow = newFlow({ listing: { deletesAtTopBetweenPages: 3, pageCap: 10 } });
	standin.state.addHistory({ flowId: flow, count: 30 });
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	const made = [];
	for (let i = 0; i < 40; i++) made.push(finished(flow));
	const emitted = ids(await poller.poll());
	const left = new Set(standin.state.listPage(flow, 1000, 0).runs.map((run) => run.run_id));
	// The deleted ones may or may not have been emitted before they went; every other one is, once.
	checkExactlyOnce(emitted.filter((id) => left.has(id)), made.filter((id) => left.has(id)));
	expect(new Set(emitted).size).toBe(emitted.length);
	expect(await poller.poll()).toBeNull();
});

test('2,000 runs in one millisecond: each emitted once, the saved state stays small', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow);
	expect(await poller.poll()).toBeNull();
	standin.state.addHistory({ flowId: flow, count: 2000, spacingMs: 0 });
	const expected = standin.state.runsOf(flow).map((run) => run.run_id);
	const items = await poller.poll();
	checkExactlyOnce(ids(items), expected);
	const bytes = JSON.stringify(poller.savedStaticData()).length;
	expect(bytes).toBeLessThan(8 * 1024);
	standin.state.clearRequests();
	expect(await poller.poll()).toBeNull();
	expect(listRequests()).toBe(1);
});

test('Fetch Full Status: a failing status request marks its run; the poll succeeds and asks nothing again', async () => {
	const flow = newFlow();
	const poller = await createPoller(flow, { options: { fetchFullStatus: true } });
	expect(await poller.poll()).toBeNull();
	const runs = [finished(flow), finished(flow)];
	standin.state.addFault({ route: 'status', kind: '500', times: 4 }); // one request, its 3 retries
	const items = await poller.poll();
	expect(ids(items)).toEqual(runs);
	const marked = items.filter((item) => item.json.full_status_error !== undefined);
	expect(marked).toHaveLength(1);
	expect(marked[0].json.full_status_error).toMatch(/^not fetched: /);
	standin.state.clearRequests();
	expect(await poller.poll()).toBeNull();
	expect(statusRequests()).toBe(0);
});

test('Fetch Test Event with one run read: worded for one run, not "all of its 1 newest"', async () => {
	const flow = newFlow();
	const caught = async (poller) => poller.poll({ pollMode: 'manual' }).then(() => undefined, (error) => error);
	const run = running(flow);
	let error = await caught(await createPoller(flow, { event: 'failed' }));
	expect(error.message).toBe(`No run of flow "${flow}" has finished yet`);
	expect(error.description).toMatch(
		/^Its only run is still running \(run_status: (queued|running)\)\. Wait for it to finish, then fetch again\. If this status means a run has ended, add it to Success Statuses or Failure Statuses under Options\.$/,
	);
	finish(run, 'succeeded');
	error = await caught(await createPoller(flow, { event: 'failed' }));
	expect(error.message).toBe(`No failed run of flow "${flow}" yet`);
	expect(error.description).toBe(
		'Its only run finished, but did not fail. Set Trigger On to Run Finished to use it as the test event, or let a run fail, then fetch again.',
	);
	error = await caught(await createPoller(flow, { event: 'succeeded' }));
	expect(error).toBeUndefined(); // the run that succeeded is the test event of Run Succeeded
});

test('Fetch Test Event reads the newest 300 distinct runs (pages overlap), and says so when it stopped there', async () => {
	const caught = async (poller) => poller.poll({ pollMode: 'manual' }).then(() => undefined, (error) => error);

	// The 300th newest run (the oldest of 300, with pages of 100 overlapping): still found.
	const within = newFlow();
	standin.state.addHistory({ flowId: within, count: 1, outcome: 'failed' });
	const oldestFailed = standin.state.runsOf(within)[0].run_id;
	for (let i = 0; i < 299; i++) running(within);
	const items = await (await createPoller(within, { event: 'failed' })).poll({ pollMode: 'manual' });
	expect(ids(items)).toEqual([oldestFailed]);

	// The 301st: not looked at, although the fourth page shows it; the headline says "newest 300".
	const beyond = newFlow();
	standin.state.addHistory({ flowId: beyond, count: 1, outcome: 'failed' });
	for (let i = 0; i < 300; i++) finished(beyond);
	let error = await caught(await createPoller(beyond, { event: 'failed' }));
	expect(error.message).toBe(`No failed run of flow "${beyond}" among its newest 300 runs`);
	expect(error.description).toBe(
		'300 of them finished, none failed. Set Trigger On to Run Finished to use the newest of them as the test event, or let a run fail, then fetch again.',
	);

	// 50 old failed runs under 310 still running: not "has finished yet", which would be false.
	const deep = newFlow();
	standin.state.addHistory({ flowId: deep, count: 50, outcome: 'failed' });
	for (let i = 0; i < 310; i++) running(deep);
	error = await caught(await createPoller(deep, { event: 'failed' }));
	expect(error.message).toBe(`No run of flow "${deep}" has finished among its newest 300 runs`);
	expect(error.description).toMatch(/^All of its newest 300 runs are still running \(run_status: /);

	// Run Succeeded: worded "successful" (not "No succeeded run").
	const failing = newFlow();
	for (let i = 0; i < 3; i++) finished(failing, { outcome: 'failed' });
	error = await caught(await createPoller(failing, { event: 'succeeded' }));
	expect(error.message).toBe(`No successful run of flow "${failing}" among its 3 newest`);
	expect(error.description).toBe(
		'3 of them finished, none succeeded. Set Trigger On to Run Finished to use the newest of them as the test event, or let a run succeed, then fetch again.',
	);
});
