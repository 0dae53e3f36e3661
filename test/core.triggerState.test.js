'use strict';
// Unit tests of the Vishwa Trigger's pure state machine (no n8n, no network): a simulated Vishwa
// listing answers the poll's requests. Ends with a randomized model test: long random sequences of
// run starts and finishes, listing and status faults (a failed poll keeps the old state), restarts
// (state JSON round-trip, and n8n 1.x's "only saved with an emission" rollback), runs pushed in while
// paging, runs missing from one listing, request budgets that leave gaps; invariant: the emitted runs
// are exactly the runs that finished after activation, each once.
const {
	TriggerPoll,
	readTriggerState,
	runStartMs,
	ACTIVATION_SCAN_RUNS,
	MAX_LIST_REQUESTS_PER_POLL,
	MAX_GAPS,
	STATE_VERSION,
	lookbackRuns,
} = require('../dist/nodes/Vishwa/core/triggerState');
const { DEFAULT_STATUS_LISTS } = require('../dist/nodes/Vishwa/core/status');

const FLOW = 'flow-model';
const BASE_MS = Date.parse('2025-01-01T00:00:00.000Z');

/** Deterministic PRNG (mulberry32). */
function prng(seed) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		chance: (p) => next() < p,
		pick: (list) => list[Math.floor(next() * list.length)],
	};
}

/** A Vishwa flow's runs as the listing and the status endpoint show them. */
class FakeFlow {
	constructor() {
		this.runs = new Map();
		this.seq = 0;
		this.clockMs = BASE_MS;
		this.hidden = new Set();
		this.requests = { list: 0, status: 0 };
	}

	start({ outcome = 'succeeded', finished = false, startMs = this.clockMs, runType = 'api' } = {}) {
		this.seq += 1;
		const run = { id: `run_${this.seq}`, seq: this.seq, startMs, outcome, finished, runType, deleted: false };
		this.runs.set(run.id, run);
		return run;
	}

	finish(run, outcome = run.outcome) {
		run.outcome = outcome;
		run.finished = true;
	}

	view(run) {
		return {
			run_id: run.id,
			run_start_time: new Date(run.startMs).toISOString(),
			run_status: run.finished ? (run.outcome === 'failed' ? 'failed' : 'completed') : 'running',
			run_type: run.runType,
		};
	}

	/** Newest first (start time, then creation), without deleted and hidden runs. */
	ordered(limit = Infinity) {
		if (!this.cache || this.cache.size !== this.runs.size || this.cache.deleted !== this.deletedCount) {
			const all = [...this.runs.values()].sort((a, b) => b.startMs - a.startMs || b.seq - a.seq);
			this.cache = { list: all.filter((run) => !run.deleted), size: this.runs.size, deleted: this.deletedCount };
		}
		const out = [];
		for (const run of this.cache.list) {
			if (out.length >= limit) break;
			if (!this.hidden.has(run.id)) out.push(run);
		}
		return out;
	}

	delete(run) {
		run.deleted = true;
		this.deletedCount = (this.deletedCount || 0) + 1;
	}

	list(offset, limit) {
		this.requests.list += 1;
		return this.ordered(offset + limit).slice(offset).map((run) => this.view(run));
	}

	status(runId) {
		this.requests.status += 1;
		const run = this.runs.get(runId);
		return run && !run.deleted ? this.view(run) : undefined;
	}
}

const baseOptions = (extra = {}) => ({
	flowId: FLOW,
	filter: 'any',
	lists: DEFAULT_STATUS_LISTS,
	pageSize: 10,
	fetchFullStatus: false,
	nowMs: BASE_MS,
	...extra,
});

/**
 * Runs one poll against `flow`. `beforeRequest(request, index)` may throw (a fault) or change the
 * flow (runs pushed in while paging). Returns the result, or { failed } when a request failed.
 */
function runPoll(flow, savedState, options = {}, { beforeRequest, outOfTimeAfter = Infinity } = {}) {
	const state = readTriggerState(savedState, FLOW);
	const poll = new TriggerPoll(state, baseOptions(options));
	const requests = [];
	for (let request; (request = poll.next(requests.length >= outOfTimeAfter)); ) {
		requests.push(request);
		try {
			if (beforeRequest) beforeRequest(request, requests.length - 1);
		} catch (error) {
			return { failed: error, requests };
		}
		if (request.kind === 'list') poll.listed(flow.list(request.offset, request.limit));
		else poll.statusAnswered(flow.status(request.runId));
	}
	const result = poll.result();
	return { ...result, requests, state: JSON.parse(JSON.stringify(result.state)) };
}

const ids = (runs) => runs.map((run) => run.runId);

describe('saved state', () => {
	test('unreadable, foreign or other-version state means a fresh activation', () => {
		const good = { v: STATE_VERSION, flow: FLOW, hwm: 5, hwmIds: ['a'], floor: 0, done: [['a', 5]], pending: [], gaps: [] };
		const gap = { position: 1, anchor: 5, anchorIds: ['a'], bottom: null, bottomIds: [], unread: true };
		expect(readTriggerState(good, FLOW)).toEqual(good);
		expect(readTriggerState(good, 'other-flow')).toBeUndefined();
		expect(readTriggerState({ ...good, v: 99 }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, done: [['a', 'x']] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, gaps: [{ ...gap, position: -1 }] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, gaps: [{ ...gap, bottomIds: undefined }] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, hwmIds: [1] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, gaps: [gap] }, FLOW)).toEqual({ ...good, gaps: [gap] });
		expect(readTriggerState(undefined, FLOW)).toBeUndefined();
		expect(readTriggerState('[]', FLOW)).toBeUndefined();
	});

	test('start times: ISO strings, epoch seconds or ms; anything else is unknown', () => {
		expect(runStartMs({ run_start_time: '2025-01-01T00:00:00Z' })).toBe(BASE_MS);
		expect(runStartMs({ run_start_time: BASE_MS / 1000 })).toBe(BASE_MS);
		expect(runStartMs({ run_start_time: BASE_MS })).toBe(BASE_MS);
		expect(runStartMs({ run_start_time: 'soon' })).toBeUndefined();
		expect(runStartMs({})).toBeUndefined();
	});
});

describe('polls', () => {
	test('activation emits no past run, remembers running ones and emits them when they finish', () => {
		const flow = new FakeFlow();
		for (let i = 0; i < 25; i++) {
			flow.start({ finished: true, outcome: i % 2 ? 'failed' : 'succeeded' });
			flow.clockMs += 1000;
		}
		const longRun = flow.start();
		flow.clockMs += 1000;
		const activation = runPoll(flow, undefined);
		expect(activation.runs).toEqual([]);
		expect(activation.stats.activation).toBe(true);
		expect(activation.state.pending.map(([id]) => id)).toEqual([longRun.id]);
		expect(activation.requests.filter((r) => r.kind === 'list')).toHaveLength(3); // 26 runs, pages of 10

		const quiet = runPoll(flow, activation.state);
		expect(quiet.runs).toEqual([]);
		expect(quiet.changed).toBe(false);
		expect(quiet.requests).toHaveLength(1);

		flow.finish(longRun, 'failed');
		const newRun = flow.start({ finished: true });
		const next = runPoll(flow, quiet.state);
		expect(ids(next.runs)).toEqual([longRun.id, newRun.id]); // oldest first
		expect(next.runs[0].outcome).toBe('failed');
		expect(next.runs[0].body).toEqual(flow.view(longRun));
		const again = runPoll(flow, next.state);
		expect(again.runs).toEqual([]);
	});

	test('pages down to the runs it knows, and no further: requests <= pages holding new runs + 1', () => {
		const flow = new FakeFlow();
		for (let i = 0; i < 40; i++) flow.start({ finished: true, startMs: BASE_MS + i * 1000 });
		flow.clockMs = BASE_MS + 100000;
		let { state } = runPoll(flow, undefined);
		for (const newRuns of [1, 4, 5, 9, 10, 11, 18, 25, 57]) {
			const started = [];
			for (let i = 0; i < newRuns; i++) {
				flow.clockMs += 1000;
				started.push(flow.start({ finished: true }));
			}
			const result = runPoll(flow, state);
			state = result.state;
			expect(ids(result.runs)).toEqual(started.map((run) => run.id));
			const pagesHoldingNew = Math.ceil(newRuns / 10);
			expect(result.requests.length).toBeLessThanOrEqual(pagesHoldingNew + 1);
		}
	});

	test('a run pushed in at the top while paging is neither lost nor repeated', () => {
		const flow = new FakeFlow();
		let { state } = runPoll(flow, undefined);
		const first = [];
		for (let i = 0; i < 35; i++) {
			flow.clockMs += 10;
			first.push(flow.start({ finished: true }));
		}
		const pushed = [];
		const result = runPoll(flow, state, {}, {
			beforeRequest: (request) => {
				if (request.kind === 'list' && request.offset > 0) {
					for (let i = 0; i < 3; i++) {
						flow.clockMs += 10;
						pushed.push(flow.start({ finished: true }));
					}
				}
			},
		});
		expect(ids(result.runs)).toEqual(first.map((run) => run.id));
		const next = runPoll(flow, result.state);
		expect(ids(next.runs)).toEqual(pushed.map((run) => run.id));
		state = next.state;
		expect(runPoll(flow, state).runs).toEqual([]);
	});

	test('a run missing from one listing is emitted when it is back', () => {
		const flow = new FakeFlow();
		let { state } = runPoll(flow, undefined);
		const a = flow.start({ finished: true });
		flow.clockMs += 5;
		const hidden = flow.start({ finished: true });
		flow.clockMs += 5;
		const b = flow.start({ finished: true });
		flow.hidden.add(hidden.id);
		const first = runPoll(flow, state);
		expect(ids(first.runs)).toEqual([a.id, b.id]);
		flow.hidden.clear();
		for (let i = 0; i < 3; i++) {
			flow.clockMs += 5;
			flow.start({ finished: false });
		}
		const second = runPoll(flow, first.state);
		expect(ids(second.runs)).toEqual([hidden.id]);
	});

	test('a pending run deep in the listing is checked with the status endpoint; a 404 drops it', () => {
		const flow = new FakeFlow();
		const slow = flow.start();
		const doomed = flow.start();
		flow.clockMs += 1000;
		let { state } = runPoll(flow, undefined);
		for (let i = 0; i < 30; i++) {
			flow.clockMs += 1000;
			flow.start({ finished: true });
		}
		let result = runPoll(flow, state);
		state = result.state;
		expect(result.runs).toHaveLength(30);
		flow.delete(doomed);
		flow.finish(slow);
		result = runPoll(flow, state);
		expect(ids(result.runs)).toEqual([slow.id]);
		expect(result.requests.filter((r) => r.kind === 'status').map((r) => r.runId).sort()).toEqual(
			[doomed.id, slow.id].sort(),
		);
		expect(result.state.pending).toEqual([]);
	});

	test('filters: succeeded, failed, any; unfiltered finished runs are remembered, not emitted later', () => {
		for (const filter of ['succeeded', 'failed', 'any']) {
			const flow = new FakeFlow();
			let { state } = runPoll(flow, undefined, { filter });
			const ok = flow.start({ finished: true, outcome: 'succeeded' });
			flow.clockMs += 1;
			const bad = flow.start({ finished: true, outcome: 'failed' });
			const result = runPoll(flow, state, { filter });
			const expected = { succeeded: [ok.id], failed: [bad.id], any: [ok.id, bad.id] }[filter];
			expect(ids(result.runs)).toEqual(expected);
			expect(runPoll(flow, result.state, { filter: 'any' }).runs).toEqual([]);
		}
	});

	test('custom status lists classify unusual status names', () => {
		const flow = new FakeFlow();
		let { state } = runPoll(flow, undefined);
		const run = flow.start();
		const lists = { success: ['done'], failure: ['kaput'] };
		state = runPoll(flow, state, { lists }).state;
		// The server says "completed", which these lists do not know: still running.
		flow.finish(run);
		const original = flow.view.bind(flow);
		flow.view = (r) => ({ ...original(r), run_status: r.finished ? 'DONE' : 'working' });
		const result = runPoll(flow, state, { lists });
		expect(ids(result.runs)).toEqual([run.id]);
		expect(result.runs[0].outcome).toBe('succeeded');
	});

	test('a backlog longer than the request budget is worked off over several polls, as gaps', () => {
		const flow = new FakeFlow();
		let { state } = runPoll(flow, undefined);
		const backlog = [];
		for (let i = 0; i < 95; i++) {
			flow.clockMs += 7;
			backlog.push(flow.start({ finished: true }));
		}
		const emitted = [];
		let polls = 0;
		do {
			for (let i = 0; i < 2; i++) {
				flow.clockMs += 7;
				backlog.push(flow.start({ finished: true }));
			}
			const result = runPoll(flow, state, { maxListRequests: 3 });
			expect(result.requests.filter((r) => r.kind === 'list').length).toBeLessThanOrEqual(3);
			emitted.push(...ids(result.runs));
			state = result.state;
			polls++;
		} while ((state.gaps.length > 0 || polls < 2) && polls < 50);
		expect(state.gaps).toEqual([]);
		expect(polls).toBeGreaterThan(3);
		expect(emitted.slice().sort()).toEqual(backlog.map((run) => run.id).sort());
		expect(runPoll(flow, state).runs).toEqual([]);
	});

	test('overload past MAX_GAPS merges the deepest stretches: runs may be lost there, never repeated', () => {
		const flow = new FakeFlow();
		const options = { pageSize: 5, maxListRequests: 2, limits: { maxGaps: 2, maxDone: 100 } };
		let { state } = runPoll(flow, undefined, options);
		const started = [];
		const emitted = [];
		let merged = false;
		for (let round = 0; round < 12; round++) {
			for (let i = 0; i < 25; i++) {
				flow.clockMs += 10;
				started.push(flow.start({ finished: true }).id);
			}
			const result = runPoll(flow, state, options);
			state = result.state;
			emitted.push(...ids(result.runs));
			merged = merged || state.gaps.some((gap) => !gap.unread);
		}
		for (let i = 0; i < 500 && state.gaps.length; i++) {
			const result = runPoll(flow, state, options);
			state = result.state;
			emitted.push(...ids(result.runs));
		}
		expect(merged).toBe(true);
		expect(state.gaps).toEqual([]);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(emitted.filter((id) => !started.includes(id))).toEqual([]);
		console.log(`overload: ${started.length} runs, ${emitted.length} emitted, ${started.length - emitted.length} lost in merged stretches`);
	});

	test('saved state stays small with thousands of runs and hundreds running', () => {
		const flow = new FakeFlow();
		let { state } = runPoll(flow, undefined, { pageSize: 100 });
		const running = [];
		for (let round = 0; round < 30; round++) {
			for (let i = 0; i < 150; i++) {
				flow.clockMs += 3;
				const run = flow.start({ finished: i % 10 !== 0 });
				if (!run.finished) running.push(run);
			}
			const result = runPoll(flow, state, { pageSize: 100 });
			state = result.state;
			expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
		}
		expect(flow.runs.size).toBe(4500);
		const size = JSON.stringify(state).length;
		console.log(`state after 4500 runs (${running.length} still running): ${size} bytes, ${state.done.length} done, ${state.pending.length} pending`);
		expect(state.done.length).toBeLessThanOrEqual(500);
		expect(state.pending.length).toBeLessThanOrEqual(300);
	});

	test('Fetch Test Event: the newest finished run matching the filter, or none', () => {
		const flow = new FakeFlow();
		const search = (filter, extra = {}) => {
			const poll = TriggerPoll.testEventSearch(baseOptions({ filter, ...extra }));
			for (let request; (request = poll.next()); ) {
				if (request.kind === 'list') poll.listed(flow.list(request.offset, request.limit));
				else poll.statusAnswered({ ...flow.status(request.runId), detail: true });
			}
			poll.result();
			return poll.foundTestEvent();
		};
		expect(search('any')).toBeUndefined();
		const failed = flow.start({ finished: true, outcome: 'failed' });
		for (let i = 0; i < 25; i++) {
			flow.clockMs += 1;
			flow.start({ finished: true });
		}
		flow.clockMs += 1;
		flow.start();
		expect(search('failed').runId).toBe(failed.id);
		expect(search('succeeded').runId).toBe('run_26');
		expect(search('any', { fetchFullStatus: true }).body.detail).toBe(true);
		expect(search('failed', { pageSize: 5 }).runId).toBe(failed.id);
	});
});

// ---------------------------------------------------------------------------------------------
// Randomized model test

/**
 * One long random scenario. The model keeps within the documented limits: runs running at
 * activation are among the newest ACTIVATION_SCAN_RUNS, a run missing from a listing is among the
 * newest `lookback` runs, start times never go back, only unfinished runs are deleted.
 */
function scenario(seed, off = new Set()) {
	const rng = prng(seed);
	const flow = new FakeFlow();
	const pageSize = rng.pick([5, 10, 20, 100]);
	const filter = rng.pick(['any', 'any', 'succeeded', 'failed']);
	const maxListRequests = rng.pick([3, 5, MAX_LIST_REQUESTS_PER_POLL]);
	const lookback = lookbackRuns(pageSize);
	// A small memory of finished runs exercises eviction (the floor rising). Not tiny: a run missing
	// from a listing is caught only while the runs around it are still remembered when the reading
	// gets back there (documented limit), which under a starved request budget can take a while.
	const limits = { maxDone: rng.pick([100, 200, 500]), maxGaps: rng.pick([MAX_GAPS, 64]) };
	const options = { pageSize, filter, maxListRequests, limits };
	const stats = { runs: 0, polls: 0, failedPolls: 0, faults: 0, shifts: 0, hidden: 0, restarts: 0, rollbacks: 0, deleted: 0, gaps: 0, merged: 0, requests: 0 };
	const tick = () => {
		flow.clockMs += rng.pick([0, 1, 10, 500, 1000]);
	};
	const running = () => [...flow.runs.values()].filter((run) => !run.finished && !run.deleted);
	const startRandomRun = (finished = false) => {
		stats.runs++;
		return flow.start({ outcome: rng.chance(0.3) ? 'failed' : 'succeeded', finished, runType: rng.pick(['api', 'manual', 'scheduled']) });
	};

	// History before activation: old finished runs, then some random activity.
	const history = rng.int(0, 120);
	for (let i = 0; i < history; i++) {
		startRandomRun(true);
		tick();
	}
	for (let i = 0; i < rng.int(0, 40); i++) {
		if (rng.chance(0.6)) startRandomRun(rng.chance(0.3));
		else if (running().length) flow.finish(rng.pick(running()));
		tick();
	}

	// Activation: a clean poll (retried until it succeeds, like re-activating after an error).
	const pastIds = new Set([...flow.runs.values()].filter((run) => run.finished).map((run) => run.id));
	let saved = runPoll(flow, undefined, options).state;
	let lastEmittedSave = saved; // what n8n 1.x has on disk: static data is written with an emission
	stats.polls++;
	const emitted = [];
	const finishedAfter = new Set();
	const markFinished = (run) => {
		if (!pastIds.has(run.id)) finishedAfter.add(run.id);
	};

	const poll = ({ clean = false } = {}) => {
		stats.polls++;
		// A run missing from this poll's listing: one of the newest `lookback`, in a poll without
		// runs pushed in while paging (so fewer than `lookback` runs the trigger sees are newer).
		flow.hidden.clear();
		let hiding = false;
		if (!clean && rng.chance(0.15) && !off.has('hidden')) {
			const top = flow.ordered(lookback);
			if (top.length) {
				flow.hidden.add(rng.pick(top).id);
				stats.hidden++;
				hiding = true;
			}
		}
		const failAt = !clean && rng.chance(0.15) && !off.has('faults') ? rng.int(0, 4) : -1;
		const result = runPoll(flow, saved, options, {
			outOfTimeAfter: !clean && rng.chance(0.1) && !off.has('time') ? rng.int(1, 3) : Infinity,
			beforeRequest: (request, index) => {
				stats.requests++;
				if (index === failAt) {
					stats.faults++;
					throw new Error(`injected ${request.kind} fault`);
				}
				if (!clean && !hiding && request.kind === 'list' && request.offset > 0 && rng.chance(0.3) && !off.has('shift')) {
					stats.shifts++;
					for (let i = rng.int(1, 4); i > 0; i--) {
						tick();
						const run = startRandomRun(rng.chance(0.5));
						if (run.finished) markFinished(run);
					}
				}
			},
		});
		flow.hidden.clear();
		if (result.failed) {
			stats.failedPolls++;
			return [];
		}
		if (result.state.gaps.length) stats.gaps++;
		if (result.state.gaps.length >= limits.maxGaps) stats.merged++; // the deepest ones were merged
		saved = result.state;
		if (result.runs.length) lastEmittedSave = saved;
		emitted.push(...ids(result.runs));
		return result.runs;
	};

	const steps = rng.int(150, 400);
	for (let step = 0; step < steps; step++) {
		const roll = rng.next();
		if (roll < 0.35) {
			startRandomRun(false);
		} else if (roll < 0.45) {
			const run = startRandomRun(true); // started and finished between two polls
			markFinished(run);
		} else if (roll < 0.65) {
			const candidates = running();
			if (candidates.length) {
				const run = rng.pick(candidates);
				flow.finish(run, rng.chance(0.3) ? 'failed' : 'succeeded');
				markFinished(run);
			}
		} else if (roll < 0.67) {
			const candidates = running();
			if (candidates.length && !off.has('delete')) {
				flow.delete(rng.pick(candidates));
				stats.deleted++;
			}
		} else if (roll < 0.7) {
			// n8n 1.x restarting: static data last written with an emission comes back.
			if (!off.has('rollback')) {
				saved = JSON.parse(JSON.stringify(lastEmittedSave));
				stats.rollbacks++;
			}
		} else if (roll < 0.73) {
			saved = JSON.parse(JSON.stringify(saved));
			stats.restarts++;
		} else if (roll < 0.78 && running().length === 0) {
			// a burst: more finished runs than a page holds
			for (let i = rng.int(pageSize, 3 * pageSize); i > 0; i--) {
				tick();
				markFinished(startRandomRun(true));
			}
		} else {
			poll();
		}
		tick();
	}

	// Drain: every run finishes, then clean polls until nothing is left to read.
	for (const run of running()) {
		flow.finish(run);
		markFinished(run);
	}
	for (let i = 0; i < 2000 && (i < 2 || saved.gaps.length || saved.pending.length); i++) poll({ clean: true });
	const quiet = poll({ clean: true });

	const outcomeOf = (id) => flow.runs.get(id).outcome;
	const expected = [...finishedAfter].filter((id) => !flow.runs.get(id).deleted).filter((id) => filter === 'any' || outcomeOf(id) === filter);
	return { seed, emitted, expected, stats, quiet, saved, options };
}

/** Seeds whose scenario loses a run without MAX_GAPS overload: the open bug (tight request budgets). */
const KNOWN_MODEL_FAILURES = [];

test('randomized model: every run finishing after activation is emitted exactly once', () => {
	const totals = { scenarios: 0, overloaded: 0, lostOverloaded: 0, runs: 0, polls: 0, failedPolls: 0, faults: 0, shifts: 0, hidden: 0, restarts: 0, rollbacks: 0, deleted: 0, gaps: 0, requests: 0, emitted: 0 };
	let maxStateBytes = 0;
	const failures = [];
	for (let seed = 1; seed <= 300; seed++) {
		const { emitted, expected, stats, quiet, saved, options } = scenario(seed);
		const counts = new Map();
		for (const id of emitted) counts.set(id, (counts.get(id) || 0) + 1);
		const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
		const missing = expected.filter((id) => !counts.has(id));
		const extra = [...counts.keys()].filter((id) => !expected.includes(id));
		// More unfinished stretches than MAX_GAPS (runs arriving faster than the request budget reads,
		// poll after poll) merge the deepest ones: documented to lose runs there, never to repeat one.
		const overloaded = stats.merged > 0;
		if (repeated.length || extra.length || (missing.length && !overloaded)) {
			failures.push(`seed ${seed} ${JSON.stringify(options)}: repeated ${repeated}, missing ${missing}, extra ${extra}`);
			continue;
		}
		if (overloaded) {
			totals.overloaded++;
			totals.lostOverloaded += missing.length;
		}
		expect(quiet).toEqual([]);
		maxStateBytes = Math.max(maxStateBytes, JSON.stringify(saved).length);
		totals.scenarios++;
		totals.emitted += emitted.length;
		for (const key of Object.keys(stats)) totals[key] = (totals[key] || 0) + stats[key];
	}
	console.log(
		`trigger model: ${totals.scenarios} scenarios, ${totals.runs} runs, ${totals.emitted} emitted, ${totals.polls} polls ` +
			`(${totals.failedPolls} failed by ${totals.faults} faults), ${totals.requests} requests, ${totals.shifts} shifts while paging, ` +
			`${totals.hidden} runs missing from a listing, ${totals.deleted} deleted, ${totals.restarts} restarts, ` +
			`${totals.rollbacks} rollbacks to the last emitting poll, ${totals.gaps} polls leaving gaps; largest state ${maxStateBytes} bytes; ` +
			`${totals.overloaded} scenarios overloaded past MAX_GAPS (${totals.lostOverloaded} runs lost there, none repeated)`,
	);
	// KNOWN_MODEL_FAILURES lists the scenarios that still lose a run without being overloaded (an open
	// bug, see issue #4's note). Every other scenario must pass, and these must still fail: a fix
	// makes this assertion fail until the list is emptied.
	expect(failures.map((failure) => Number(/^seed (\d+)/.exec(failure)[1]))).toEqual(KNOWN_MODEL_FAILURES);
	if (failures.length) console.log(`known model failures (open bug):\n${failures.join('\n')}`);
	expect(totals.faults).toBeGreaterThan(100);
	expect(totals.shifts).toBeGreaterThan(100);
	expect(totals.hidden).toBeGreaterThan(100);
	expect(totals.gaps).toBeGreaterThan(10);
	expect(ACTIVATION_SCAN_RUNS).toBeGreaterThanOrEqual(200);
});
