'use strict';
// Unit tests of the pure waiting logic (no n8n, no network, a fake clock): the backoff schedule,
// status classification, validation of the wait options, the wait scheduler's decisions for one
// run and for many at once (last request early enough for the deadline, slots, per-run cost), and
// the request limiter.
const {
	parseWaitSettings,
	parseMaxUnfinishedRuns,
	formatDuration,
	DEFAULT_MAX_WAIT_MS,
	DEFAULT_SUCCESS_TEXT,
	DEFAULT_FAILURE_TEXT,
} = require('../dist/nodes/Vishwa/core/wait');
const { DEFAULT_POLL_SCHEDULE, pollDelayMs } = require('../dist/nodes/Vishwa/core/schedule');
const { WaitScheduler, nextPollAtMs, finalPollLeadMs } = require('../dist/nodes/Vishwa/core/waitScheduler');
const { createLimiter } = require('../dist/nodes/Vishwa/core/concurrency');
const { runAwayFromPlace, runCountedTasks } = require('./support/limiterTasks');
const { classifyStatus, DEFAULT_SUCCESS_STATUSES, DEFAULT_FAILURE_STATUSES } = require('../dist/nodes/Vishwa/core/status');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

const settings = (overrides = {}) => ({ ...parseWaitSettings({}), ...overrides });

describe('poll schedule', () => {
	test('defaults: 1 s growing by half up to 10 s, 10 minutes in all', () => {
		const s = parseWaitSettings({});
		expect(s.schedule).toEqual({ initialMs: 1000, maxMs: 10000, factor: 1.5 });
		expect(s.maxWaitMs).toBe(DEFAULT_MAX_WAIT_MS);
		expect(DEFAULT_MAX_WAIT_MS).toBe(600000);
		expect(s.onFailedRun).toBe('error');
	});

	test('the delays back off to the cap', () => {
		const delays = Array.from({ length: 10 }, (_, i) => pollDelayMs(i, DEFAULT_POLL_SCHEDULE));
		expect(delays).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 10000, 10000, 10000, 10000]);
	});

	test('a Poll Interval above the Max Poll Interval is kept (fewer requests, as asked)', () => {
		expect(parseWaitSettings({ pollInterval: 30, maxPollInterval: 10 }).schedule).toEqual({
			initialMs: 30000,
			maxMs: 30000,
			factor: 1.5,
		});
	});

	test.each([
		[1500, '1.5 s'],
		[600000, '10 min'],
		[90000, '1 min 30 s'],
		[250, '0.3 s'],
	])('formatDuration(%p) is %p', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});
});

describe('status classification', () => {
	const lists = parseWaitSettings({}).lists;
	test.each([
		['completed', 'succeeded'],
		['COMPLETED', 'succeeded'],
		[' Succeeded ', 'succeeded'],
		['FAILED', 'failed'],
		['Cancelled', 'failed'],
		['timed_out', 'failed'],
		['queued', 'running'],
		['RUNNING', 'running'],
		['something_new', 'running'],
		[undefined, 'running'],
		[42, 'running'],
	])('%p -> %p', (status, outcome) => {
		expect(classifyStatus(status, lists)).toBe(outcome);
	});

	test('the text defaults are exactly the core lists', () => {
		expect(DEFAULT_SUCCESS_TEXT.split(', ')).toEqual(DEFAULT_SUCCESS_STATUSES);
		expect(DEFAULT_FAILURE_TEXT.split(', ')).toEqual(DEFAULT_FAILURE_STATUSES);
	});

	test('user lists are read case-insensitively and replace the defaults', () => {
		const s = parseWaitSettings({ successStatuses: 'DONE, ok', failureStatuses: 'Broken' });
		expect(s.lists).toEqual({ success: ['done', 'ok'], failure: ['broken'] });
		expect(classifyStatus('Done', s.lists)).toBe('succeeded');
		expect(classifyStatus('completed', s.lists)).toBe('running');
		expect(classifyStatus('BROKEN', s.lists)).toBe('failed');
	});

	test('an empty failure list is allowed: only success or the maximum wait ends the wait', () => {
		expect(parseWaitSettings({ failureStatuses: ' ' }).lists.failure).toEqual([]);
	});
});

describe('wait option validation', () => {
	test.each([
		[{ maxWait: 0 }, 'Maximum Wait (Seconds) must be a positive number of seconds (got 0)', 'Maximum Wait (Seconds)'],
		[{ maxWait: -5 }, 'Maximum Wait (Seconds) must be a positive number of seconds (got -5)', 'Maximum Wait (Seconds)'],
		[{ maxWait: 'soon' }, 'Maximum Wait (Seconds) must be a positive number of seconds (got "soon")', 'Maximum Wait (Seconds)'],
		[{ pollInterval: 0 }, 'Poll Interval (Seconds) must be a positive number of seconds (got 0)', 'Poll Interval (Seconds)'],
		[{ maxPollInterval: -1 }, 'Max Poll Interval (Seconds) must be a positive number of seconds (got -1)', 'Max Poll Interval (Seconds)'],
		[{ successStatuses: '' }, 'Success Statuses is empty', 'Success Statuses'],
		[{ successStatuses: ' , ,' }, 'Success Statuses is empty', 'Success Statuses'],
		[{ successStatuses: 'done', failureStatuses: 'DONE, x' }, 'Status "done" is in both Success Statuses and Failure Statuses', 'Success Statuses'],
		[{ onFailedRun: 'ignore' }, 'On Failed Run must be "error" or "return" (got "ignore")', 'On Failed Run'],
	])('%p is refused', (raw, message, field) => {
		let caught;
		try {
			parseWaitSettings(raw);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(VishwaInputError);
		expect(caught.message).toBe(message);
		expect(caught.field).toBe(field);
	});

	test('seconds may be fractional and given as text (expressions)', () => {
		const s = parseWaitSettings({ pollInterval: '0.25', maxWait: 1.5 });
		expect(s.schedule.initialMs).toBe(250);
		expect(s.maxWaitMs).toBe(1500);
	});
});

/**
 * Drives a WaitScheduler with a fake clock, as actions/run/waitForRun.ts drives it with a real one:
 * runs are added at `addAtMs`, a status request sent at t is answered at t + latencyMs with the
 * run's status at t (`statusAt(t)`), at most `slots` requests are out at once.
 */
function simulate(runs, { slots = 5, latencyMs = 0 } = {}) {
	const scheduler = new WaitScheduler();
	const world = { now: 0, sent: new Map(), ended: new Map(), maxInFlight: 0, budgets: [] };
	const answers = []; // { at, key, body }
	const toAdd = [...runs].sort((a, b) => (a.addAtMs ?? 0) - (b.addAtMs ?? 0));
	for (let steps = 0; steps < 1_000_000; steps++) {
		while (toAdd.length && (toAdd[0].addAtMs ?? 0) <= world.now) {
			const run = toAdd.shift();
			scheduler.add(run.key, run.settings ?? settings(), world.now, run.pollImmediately ?? false);
		}
		answers.sort((a, b) => a.at - b.at);
		while (answers.length && answers[0].at <= world.now) {
			const { key, body } = answers.shift();
			const result = scheduler.answer(key, body, world.now);
			if (typeof result === 'object') world.ended.set(key, { ...result, at: world.now });
		}
		for (const { key, end } of scheduler.expire(world.now)) world.ended.set(key, { ...end, at: world.now });
		const free = slots - scheduler.inFlight;
		for (const due of scheduler.takeDue(world.now, free)) {
			const run = runs.find((r) => r.key === due.key);
			world.budgets.push(due.budgetMs);
			if (!world.sent.has(due.key)) world.sent.set(due.key, []);
			world.sent.get(due.key).push(world.now);
			const status = run.statusAt(world.now);
			answers.push({ at: world.now + latencyMs, key: due.key, body: typeof status === 'string' ? { run_id: due.key, run_status: status } : status });
		}
		world.maxInFlight = Math.max(world.maxInFlight, scheduler.inFlight);
		if (scheduler.size === 0 && toAdd.length === 0) return world;
		const wake = scheduler.nextWakeMs();
		const candidates = [answers.length ? Math.min(...answers.map((a) => a.at)) : Infinity, toAdd.length ? toAdd[0].addAtMs : Infinity];
		if (wake !== undefined && wake > world.now) candidates.push(wake);
		world.now = Math.min(...candidates);
		if (!Number.isFinite(world.now)) throw new Error('simulation stuck');
	}
	throw new Error('simulation did not end');
}

/** A run that is `running` until `finishMs`, then `final`. */
const runUntil = (key, finishMs, final = 'completed', extra = {}) => ({
	key,
	statusAt: (t) => (t >= finishMs ? final : 'running'),
	...extra,
});

describe('the wait scheduler (one run)', () => {
	test('polls until a success status and returns that answer whole', () => {
		const final = { run_id: 'run_1', run_status: 'Completed', outputs: { a: 1 } };
		const answers = ['queued', 'running', 'running', final];
		let index = 0;
		const world = simulate([{ key: 'a', pollImmediately: true, statusAt: () => answers[Math.min(index++, 3)] }]);
		const end = world.ended.get('a');
		expect(end).toMatchObject({ kind: 'finished', outcome: 'succeeded', status: 'Completed', polls: 4 });
		expect(end.body).toBe(final);
		// At once, then after 1, 1.5 and 2.25 s.
		expect(world.sent.get('a')).toEqual([0, 1000, 2500, 4750]);
	});

	test('without pollImmediately the first poll comes after the first interval', () => {
		const world = simulate([runUntil('a', 0)]);
		expect(world.sent.get('a')).toEqual([1000]);
		expect(world.ended.get('a')).toMatchObject({ kind: 'finished', polls: 1, waitedMs: 1000 });
	});

	test('a failure status ends the wait as failed', () => {
		const world = simulate([runUntil('a', 1500, 'ERROR', { pollImmediately: true })]);
		expect(world.ended.get('a')).toMatchObject({ kind: 'finished', outcome: 'failed', status: 'ERROR', polls: 3 });
	});

	test('unknown statuses and answers without a status keep it waiting', () => {
		const answers = ['warming_up', {}, { run_status: null }, 'completed'];
		let index = 0;
		const world = simulate([{ key: 'a', pollImmediately: true, statusAt: () => answers[index++] }]);
		expect(world.ended.get('a')).toMatchObject({ kind: 'finished', polls: 4 });
	});

	test('the last status request goes out early enough to be answered within the Maximum Wait; the wait ends at it', () => {
		const world = simulate([runUntil('a', Infinity, 'completed', { pollImmediately: true, settings: settings({ maxWaitMs: 5000 }) })]);
		// 0, 1, 2.5 s; then 4.75 s is too late (the last request goes 1 s before the deadline): 4 s.
		expect(world.sent.get('a')).toEqual([0, 1000, 2500, 4000]);
		expect(world.ended.get('a')).toMatchObject({ kind: 'timedOut', status: 'running', polls: 4, waitedMs: 5000, requestPending: false, at: 5000 });
	});

	test('each status request may take at most the time left before the deadline', () => {
		const world = simulate([runUntil('a', Infinity, 'completed', { pollImmediately: true, settings: settings({ maxWaitMs: 5000 }) })], {
			latencyMs: 300,
		});
		for (const [index, sentAt] of world.sent.get('a').entries()) expect(world.budgets[index]).toBe(5000 - sentAt);
		expect(Math.min(...world.budgets)).toBeGreaterThan(0);
	});

	test('a status request still out at the deadline: the wait ends at the deadline, its late answer changes nothing', () => {
		const world = simulate([runUntil('a', 4600, 'completed', { pollImmediately: true, settings: settings({ maxWaitMs: 5000 }) })], {
			latencyMs: 2100,
		});
		// Sent at 0 (answered at 2.1 s), then at 3.1 s (answered at 5.2 s: too late).
		expect(world.sent.get('a')).toEqual([0, 3100]);
		expect(world.ended.get('a')).toMatchObject({ kind: 'timedOut', status: 'running', polls: 1, requestPending: true, at: 5000 });
		const scheduler = new WaitScheduler();
		scheduler.add('a', settings({ maxWaitMs: 5000 }), 0, true);
		expect(scheduler.takeDue(0, 1)).toEqual([{ key: 'a', budgetMs: 5000 }]);
		expect(scheduler.expire(4999)).toEqual([]);
		expect(scheduler.expire(5000)).toMatchObject([{ key: 'a', end: { kind: 'timedOut', requestPending: true, polls: 0 } }]);
		expect(scheduler.answer('a', { run_status: 'completed' }, 5200)).toBe('gone');
	});

	test('a timed-out wait reports the last status, or none when the answers had none', () => {
		const world = simulate([{ key: 'a', pollImmediately: true, settings: settings({ maxWaitMs: 100 }), statusAt: () => ({ run_id: 'x' }) }]);
		expect(world.ended.get('a')).toMatchObject({ kind: 'timedOut', status: undefined });
	});

	test('a run that never finishes in 10 minutes costs few status requests thanks to backoff', () => {
		const world = simulate([runUntil('a', Infinity)]);
		expect(world.ended.get('a').kind).toBe('timedOut');
		const sent = world.sent.get('a');
		expect(sent.length).toBeLessThan(70);
		expect(sent.length).toBeGreaterThan(55);
		const gaps = sent.slice(1).map((t, i) => t - sent[i]);
		expect(Math.max(...gaps)).toBe(10000);
	});

	test('the next poll time: the backoff delay, clipped to the last useful moment, none after it', () => {
		const schedule = DEFAULT_POLL_SCHEDULE;
		expect(nextPollAtMs(3, schedule, 0, 60000, 1000)).toBe(3375);
		expect(nextPollAtMs(3, schedule, 57000, 60000, 1000)).toBe(59000);
		expect(nextPollAtMs(0, schedule, 58999, 60000, 1000)).toBe(59000);
		expect(nextPollAtMs(0, schedule, 59000, 60000, 1000)).toBeUndefined();
		expect(finalPollLeadMs(schedule, 600000)).toBe(1000);
		expect(finalPollLeadMs({ ...schedule, initialMs: 100 }, 600000)).toBe(100);
		expect(finalPollLeadMs(schedule, 500)).toBe(250);
	});
});

describe('the wait scheduler (many runs at once)', () => {
	test('200 runs of 10 s are all waited on at once: done in about one run, each with one run\'s requests', () => {
		const runs = [];
		// Started 5 at a time, 20 ms per start-run: the last one starts at 0.8 s.
		for (let i = 0; i < 200; i++) runs.push(runUntil(i, Math.floor(i / 5) * 20 + 10000, 'completed', { addAtMs: Math.floor(i / 5) * 20 }));
		const world = simulate(runs, { slots: 5, latencyMs: 5 });
		const single = simulate([runUntil(0, 10000)], { slots: 5, latencyMs: 5 });
		const lastEnd = Math.max(...[...world.ended.values()].map((end) => end.at));
		// One run alone ends at its poll after 10 s (1 + 1.5 + 2.25 + 3.375 = 8.1 s, then 13.2 s).
		expect(single.ended.get(0).at).toBeGreaterThan(10000);
		expect(lastEnd).toBeLessThan(single.ended.get(0).at + 800 + 1000);
		for (let i = 0; i < 200; i++) {
			expect(world.ended.get(i)).toMatchObject({ kind: 'finished', outcome: 'succeeded' });
			expect(world.sent.get(i).length).toBe(single.sent.get(0).length);
		}
		expect(world.maxInFlight).toBeLessThanOrEqual(5);
		expect(world.maxInFlight).toBe(5);
	});

	test('never more status requests out than slots, whatever the latency', () => {
		const runs = [];
		for (let i = 0; i < 50; i++) runs.push(runUntil(i, 3000 + i * 10, 'completed', { pollImmediately: true }));
		for (const [slots, latencyMs] of [[1, 40], [3, 200], [7, 500]]) {
			const world = simulate(runs, { slots, latencyMs });
			expect(world.maxInFlight).toBe(slots);
			expect([...world.ended.values()].every((end) => end.kind === 'finished')).toBe(true);
		}
	});

	test('the longest-due run goes first, ties in the order the runs were added', () => {
		const scheduler = new WaitScheduler();
		const s = settings();
		scheduler.add('late', s, 500, true);
		scheduler.add('first', s, 0, true);
		scheduler.add('second', s, 0, true);
		expect(scheduler.takeDue(1000, 2).map((due) => due.key)).toEqual(['first', 'second']);
		expect(scheduler.takeDue(1000, 5).map((due) => due.key)).toEqual(['late']);
		expect(scheduler.takeDue(1000, 5)).toEqual([]);
		expect(scheduler.inFlight).toBe(3);
		expect(scheduler.takeDue(1000, 0)).toEqual([]);
	});

	test('each run has its own deadline and settings', () => {
		const world = simulate([
			runUntil('short', Infinity, 'completed', { pollImmediately: true, settings: settings({ maxWaitMs: 2000 }) }),
			runUntil('long', 6000, 'completed', { pollImmediately: true }),
			runUntil('failed', 2000, 'failed', { pollImmediately: true }),
		]);
		expect(world.ended.get('short')).toMatchObject({ kind: 'timedOut', at: 2000 });
		expect(world.ended.get('long')).toMatchObject({ kind: 'finished', outcome: 'succeeded' });
		expect(world.ended.get('failed')).toMatchObject({ kind: 'finished', outcome: 'failed' });
	});

	test('next wake-up: the earliest poll or deadline; a run with a request out wakes only at its deadline', () => {
		const scheduler = new WaitScheduler();
		expect(scheduler.nextWakeMs()).toBeUndefined();
		scheduler.add('a', settings({ maxWaitMs: 3000 }), 0, false);
		expect(scheduler.nextWakeMs()).toBe(1000);
		scheduler.takeDue(1000, 1);
		expect(scheduler.nextWakeMs()).toBe(3000);
		expect(scheduler.answer('a', { run_status: 'running' }, 1100)).toBe('waiting');
		expect(scheduler.nextWakeMs()).toBe(2000); // 1.1 + 1.5 s is past the last moment (3 - 1 s)
		expect(scheduler.remove('a')).toBe(true);
		expect(scheduler.remove('a')).toBe(false);
		scheduler.add('b', settings(), 0, true);
		scheduler.add('c', settings(), 0, true);
		expect(scheduler.clear()).toEqual(['b', 'c']);
		expect(scheduler.size).toBe(0);
	});
});

describe('the request limiter', () => {
	test('at most `limit` tasks at once, first come first served, every task run', async () => {
		const limiter = createLimiter(3);
		const { most, order, results } = await runCountedTasks(limiter, 20, (i) => (i % 4) + 1);
		expect(most).toBe(3);
		expect(limiter.peak).toBe(3);
		expect(order).toEqual([...Array(20).keys()]);
		expect(results[7].status).toBe('rejected');
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
		expect(limiter.active).toBe(0);
		expect(limiter.queued).toBe(0);
	});

	test('Infinity (no limit) runs everything at once', async () => {
		const limiter = createLimiter(Infinity);
		let release;
		const gate = new Promise((resolve) => (release = resolve));
		const tasks = Array.from({ length: 100 }, () => limiter.run(async () => await gate));
		expect(limiter.active).toBe(100);
		release();
		await Promise.all(tasks);
		expect(limiter.peak).toBe(100);
	});

	test('a task away from its place (a pause) frees it for others, and takes one again before ordinary tasks queued meanwhile', async () => {
		const limiter = createLimiter(1);
		const order = await runAwayFromPlace(limiter);
		expect(order).toEqual(['first sends', 'status request', 'first sends again', 'later item']);
		expect(limiter.peak).toBe(1);
		expect(limiter.active).toBe(0);
	});

	test('a task away from its place when the limiter closes is refused its place again, and holds none', async () => {
		const limiter = createLimiter(1);
		let endPause;
		const pause = new Promise((resolve) => (endPause = resolve));
		const away = limiter.run(async (place) => await place.away(async () => await pause));
		await new Promise((resolve) => setImmediate(resolve));
		limiter.close(new Error('closed'));
		endPause();
		await expect(away).rejects.toThrow('closed');
		expect(limiter.active).toBe(0);
	});
});

describe('Max Unfinished Runs', () => {
	test('empty or 0 means no limit; a whole number is the limit; anything else is refused', () => {
		expect(parseMaxUnfinishedRuns(undefined)).toBe(Infinity);
		expect(parseMaxUnfinishedRuns('')).toBe(Infinity);
		expect(parseMaxUnfinishedRuns(0)).toBe(Infinity);
		expect(parseMaxUnfinishedRuns(3)).toBe(3);
		expect(parseMaxUnfinishedRuns(' 4 ')).toBe(4);
		expect(parseMaxUnfinishedRuns('1e3')).toBe(1000); // decimal text, as every numeric option reads it
		// What Number(String(raw)) took (control): hex, binary, one-element and empty arrays ([] was 0: no limit).
		for (const bad of [-1, 1.5, 'two', NaN, '0x10', '0b11', [2], [], true, {}, '5abc', Infinity]) {
			expect(() => parseMaxUnfinishedRuns(bad)).toThrow(VishwaInputError);
			expect(() => parseMaxUnfinishedRuns(bad)).toThrow(/^Max Unfinished Runs must be a whole number, 0 for no limit/);
		}
	});
});

describe('the node shows the same defaults the core uses', () => {
	// The parameter defaults are literals (n8n's linter reads them statically): keep them in step.
	const { waitProperties } = require('../dist/nodes/Vishwa/actions/run/waitForRun');
	const [onFailedRun, waitOptions] = waitProperties({ resource: ['run'] });
	const option = (name) => waitOptions.options.find((o) => o.name === name).default;

	test('poll interval, cap and maximum wait', () => {
		const core = parseWaitSettings({});
		expect(option('pollInterval') * 1000).toBe(core.schedule.initialMs);
		expect(option('maxPollInterval') * 1000).toBe(core.schedule.maxMs);
		expect(option('maxWait') * 1000).toBe(core.maxWaitMs);
	});

	test('status lists and On Failed Run', () => {
		const fromUi = parseWaitSettings({
			successStatuses: option('successStatuses'),
			failureStatuses: option('failureStatuses'),
			onFailedRun: onFailedRun.default,
		});
		expect(fromUi).toEqual(parseWaitSettings({}));
		expect(onFailedRun.default).toBe('error');
	});
});

test('createLimiter: a priority task goes before every waiting ordinary task (D1), within the limit', async () => {
	const limiter = createLimiter(1);
	const ran = [];
	let open;
	const first = limiter.run(() => new Promise((resolve) => (open = resolve)));
	const ordinary = [1, 2, 3].map((n) => limiter.run(async () => ran.push(`start ${n}`)));
	const priority = limiter.run(async () => ran.push('status'), true);
	expect(limiter.queued).toBe(4);
	open();
	await Promise.all([first, ...ordinary, priority]);
	expect(ran).toEqual(['status', 'start 1', 'start 2', 'start 3']);
	expect(limiter.peak).toBe(1);
});
