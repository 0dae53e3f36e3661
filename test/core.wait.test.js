'use strict';
// Unit tests of the pure waiting logic (no n8n, no network, a fake clock): the backoff schedule,
// the last sleep clipped to the deadline, status classification, validation of the wait options,
// and the polling loop's decisions.
const {
	parseWaitSettings,
	nextPollDelayMs,
	pollUntilFinished,
	formatDuration,
	DEFAULT_MAX_WAIT_MS,
	DEFAULT_SUCCESS_TEXT,
	DEFAULT_FAILURE_TEXT,
} = require('../dist/nodes/Vishwa/core/wait');
const { DEFAULT_POLL_SCHEDULE, pollDelayMs } = require('../dist/nodes/Vishwa/core/schedule');
const { classifyStatus, DEFAULT_SUCCESS_STATUSES, DEFAULT_FAILURE_STATUSES } = require('../dist/nodes/Vishwa/core/status');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

/** A fake world: `statuses` are answered in turn (the last one repeats); sleeping moves the clock. */
function fakeWorld(statuses, { latencyMs = 0, cancelAfterSleeps = Infinity } = {}) {
	const world = { nowMs: 1_000_000, sleeps: [], pollTimes: [], cancelled: false };
	let index = 0;
	world.deps = {
		now: () => world.nowMs,
		sleep: async (ms) => {
			world.sleeps.push(ms);
			world.nowMs += ms;
			if (world.sleeps.length >= cancelAfterSleeps) world.cancelled = true;
		},
		isCancelled: () => world.cancelled,
		fetchStatus: async () => {
			world.pollTimes.push(world.nowMs);
			world.nowMs += latencyMs;
			const status = statuses[Math.min(index++, statuses.length - 1)];
			return typeof status === 'string' ? { run_id: 'run_1', run_status: status } : status;
		},
	};
	return world;
}

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

	test('the delay before the next poll is clipped to the deadline, and none once it has come', () => {
		const schedule = { initialMs: 1000, maxMs: 10000, factor: 1.5 };
		expect(nextPollDelayMs(3, schedule, 0, 60000)).toBe(3375);
		expect(nextPollDelayMs(3, schedule, 58000, 60000)).toBe(2000);
		expect(nextPollDelayMs(0, schedule, 59999, 60000)).toBe(1);
		expect(nextPollDelayMs(0, schedule, 60000, 60000)).toBeUndefined();
		expect(nextPollDelayMs(0, schedule, 60001, 60000)).toBeUndefined();
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

describe('the polling loop', () => {
	test('polls until a success status and returns that answer whole', async () => {
		const final = { run_id: 'run_1', run_status: 'Completed', outputs: { a: 1 } };
		const world = fakeWorld(['queued', 'running', 'running', final]);
		const result = await pollUntilFinished(settings(), world.deps, true);
		expect(result).toMatchObject({ kind: 'finished', outcome: 'succeeded', status: 'Completed', polls: 4 });
		expect(result.body).toBe(final);
		expect(world.sleeps).toEqual([1000, 1500, 2250]);
	});

	test('without pollImmediately the first poll comes after the first interval', async () => {
		const world = fakeWorld(['completed']);
		const result = await pollUntilFinished(settings(), world.deps, false);
		expect(result.kind).toBe('finished');
		expect(world.sleeps).toEqual([1000]);
		expect(world.pollTimes).toEqual([1_001_000]);
	});

	test('a failure status ends the wait as failed', async () => {
		const world = fakeWorld(['running', 'ERROR']);
		const result = await pollUntilFinished(settings(), world.deps, true);
		expect(result).toMatchObject({ kind: 'finished', outcome: 'failed', status: 'ERROR', polls: 2 });
	});

	test('unknown statuses and answers without a status keep it waiting', async () => {
		const world = fakeWorld(['warming_up', {}, { run_status: null }, 'completed']);
		const result = await pollUntilFinished(settings(), world.deps, true);
		expect(result).toMatchObject({ kind: 'finished', polls: 4 });
	});

	test('never sleeps past the deadline: the last sleep is clipped and one last poll is made at it', async () => {
		const world = fakeWorld(['running']);
		const result = await pollUntilFinished(settings({ maxWaitMs: 5000 }), world.deps, true);
		expect(result).toMatchObject({ kind: 'timedOut', status: 'running', waitedMs: 5000 });
		// 1000 + 1500 = 2500, then 2250 would end at 4750, then 3375 is clipped to 250.
		expect(world.sleeps).toEqual([1000, 1500, 2250, 250]);
		expect(world.pollTimes[world.pollTimes.length - 1]).toBe(1_000_000 + 5000);
		expect(result.polls).toBe(5);
		expect(world.sleeps.reduce((a, b) => a + b, 0)).toBe(5000);
	});

	test('slow status answers count against the deadline too', async () => {
		const world = fakeWorld(['running'], { latencyMs: 700 });
		const result = await pollUntilFinished(settings({ maxWaitMs: 3000 }), world.deps, true);
		expect(result.kind).toBe('timedOut');
		expect(result.waitedMs).toBeLessThanOrEqual(3000 + 700);
		for (const ms of world.sleeps) expect(ms).toBeGreaterThan(0);
		// Every sleep ends no later than the deadline.
		let t = 1_000_000;
		for (let i = 0; i < world.sleeps.length; i++) {
			t = world.pollTimes[i] + 700 + world.sleeps[i];
			expect(t).toBeLessThanOrEqual(1_000_000 + 3000);
		}
	});

	test('a run that never finishes in 10 minutes costs few status requests thanks to backoff', async () => {
		const world = fakeWorld(['running']);
		const result = await pollUntilFinished(settings(), world.deps, false);
		expect(result.kind).toBe('timedOut');
		expect(result.polls).toBeLessThan(70);
		expect(result.polls).toBeGreaterThan(55);
		expect(Math.max(...world.sleeps)).toBe(10000);
	});

	test('a timed-out wait reports the last status, or none when the answers had none', async () => {
		const world = fakeWorld([{ run_id: 'x' }]);
		const result = await pollUntilFinished(settings({ maxWaitMs: 100 }), world.deps, true);
		expect(result).toMatchObject({ kind: 'timedOut', status: undefined });
	});

	test('stops promptly when cancelled: no further status request after the cancel', async () => {
		const world = fakeWorld(['running'], { cancelAfterSleeps: 2 });
		const result = await pollUntilFinished(settings(), world.deps, true);
		expect(result.kind).toBe('cancelled');
		expect(result.polls).toBe(2);
		expect(world.pollTimes).toHaveLength(2);
	});

	test('an error of a status request ends the wait with that error', async () => {
		const world = fakeWorld(['running']);
		let calls = 0;
		world.deps.fetchStatus = async () => {
			if (++calls === 3) throw new Error('not found');
			return { run_status: 'running' };
		};
		await expect(pollUntilFinished(settings(), world.deps, true)).rejects.toThrow('not found');
		expect(calls).toBe(3);
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
