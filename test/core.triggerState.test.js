'use strict';
// Unit tests of the Vishwa Trigger's pure state machine (no n8n, no network): a simulated Vishwa
// listing answers the poll's requests. Ends with a randomized model test: long random sequences of
// run starts and finishes, listing and status faults (a failed poll keeps the old state), restarts
// (state JSON round-trip, and n8n 1.x's "only saved with an emission" rollback), runs pushed in while
// paging, runs missing from one listing, request budgets that leave gaps; invariant: the emitted runs
// are exactly the runs that finished after activation, each once.
const {
	readTriggerState,
	runStartMs,
	ACTIVATION_SCAN_RUNS,
	MAX_LIST_REQUESTS_PER_POLL,
	STATE_VERSION,
	lookbackRuns,
	TriggerListingError,
	MAX_LET_GO_PRINTS,
	UNDATED_GAP_IDS,
	MAX_PENDING,
	MAX_UNDATED,
	MAX_TIE_IDS,
	DEFAULT_LIMITS,
	END_PROBE_EVERY_POLLS,
	END_PROBE_IDS,
	END_PROBE_LOOK_LENGTH,
	END_PROBE_LOOK_MAX,
	boundDone,
	boundPending,
	runPrint,
	boundUndated,
	stateOf,
} = require('../dist/nodes/Vishwa/core/triggerState');
const { TriggerPoll } = require('../dist/nodes/Vishwa/core/triggerPoll');
const { DEFAULT_STATUS_LISTS } = require('../dist/nodes/Vishwa/core/status');
const { DEFAULT_LISTING, LISTING_QUIRKS, UNUSABLE_START_TIMES, unusableListing, drawListing, renderPage, orderRuns, orderRunsNear, normalizeListing } = require('./standin/listing');

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
	constructor(listing = {}) {
		this.runs = new Map();
		this.seq = 0;
		this.clockMs = BASE_MS;
		this.hidden = new Set();
		this.requests = { list: 0, status: 0 };
		this.listing = normalizeListing(listing);
		this.order = 0; // tie order: a new one at every listing from the top (reorderTies)
		// Runs that failed before they started (`undated`: listed without a start time) come first, as
		// PostgreSQL's descending order puts nulls (true), or where their creation time puts them (false).
		this.nullsFirst = false;
		// ...or last, as MySQL and SQLite sort nulls in a descending order (a planner test only; see s14n).
		this.nullsLast = false;
	}

	start({ outcome = 'succeeded', finished = false, startMs = this.clockMs, runType = 'api', undated = false } = {}) {
		this.seq += 1;
		const run = { id: `run_${this.seq}`, seq: this.seq, startMs, outcome, finished, runType, deleted: false, undated };
		this.runs.set(run.id, run);
		return run;
	}

	/** Where the listing sorts a run: one listed without a start time (failed before it started, or
	 * running in a listing that gives none while a run is going) above all others when nulls come first. */
	sortMs(run) {
		const shownWithout = run.undated || (!run.finished && this.listing.startTimes === 'null-while-running');
		if (shownWithout && this.nullsLast) return -8.64e15;
		return shownWithout && this.nullsFirst ? 8.64e15 : run.startMs;
	}

	/** A listing entry without its start time for a run that has none. */
	withoutStart(entry) {
		return this.runs.get(entry.run_id)?.undated ? { ...entry, run_start_time: null } : entry;
	}

	finish(run, outcome = run.outcome) {
		run.outcome = outcome;
		run.finished = true;
		// Nulls first: a run listed without a start time while running moves down to its place.
		if (this.nullsFirst || this.nullsLast) this.finishes = (this.finishes || 0) + 1;
	}

	view(run) {
		return {
			run_id: run.id,
			run_start_time: run.undated ? null : new Date(run.startMs).toISOString(),
			run_status: run.finished ? (run.outcome === 'failed' ? 'failed' : 'completed') : 'running',
			run_type: run.runType,
		};
	}

	/** Newest first (start time, then creation), without deleted and hidden runs. */
	ordered(limit = Infinity) {
		if (!this.cache || this.cache.size !== this.runs.size || this.cache.deleted !== this.deletedCount || this.cache.finishes !== this.finishes) {
			const all = [...this.runs.values()].sort((a, b) => this.sortMs(b) - this.sortMs(a) || b.seq - a.seq);
			this.cache = { list: all.filter((run) => !run.deleted), size: this.runs.size, deleted: this.deletedCount, finishes: this.finishes };
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
		if (offset === 0) this.order += 1;
		const plain = Object.keys(DEFAULT_LISTING).every((name) => this.listing[name] === DEFAULT_LISTING[name]);
		if (plain) return this.ordered(offset + limit).slice(offset).map((run) => this.view(run));
		return this.page(offset, limit).runs;
	}

	/** A page with the listing's behaviours: { runs, total? }. */
	page(offset, limit) {
		const page = this.rendered(offset, limit);
		return { ...page, runs: page.runs.map((entry) => this.withoutStart(entry)) };
	}

	rendered(offset, limit) {
		const how = { view: (run) => this.view(run), startMs: (run) => this.sortMs(run), id: (run) => run.id, finished: (run) => run.finished };
		if (this.listing.reorderTies === 'per-request') {
			const near = orderRunsNear(this.ordered(), { offset, limit, order: this.order }, this.listing, how);
			return renderPage(near, { offset, limit, order: this.order, ordered: true }, this.listing, how);
		}
		// The listing's order only changes with runs added, deleted or hidden, or a new tie order.
		const key = `${this.order}:${this.runs.size}:${this.deletedCount || 0}:${this.finishes || 0}:${[...this.hidden].join(',')}`;
		if (!this.orderCache || this.orderCache.key !== key) {
			this.orderCache = { key, runs: orderRuns(this.ordered(), this.order, this.listing, how) };
		}
		return renderPage(this.orderCache.runs, { offset, limit, order: this.order, ordered: true }, this.listing, how);
	}

	/** Deletes the newest `count` runs (deletions at the top between two page requests). */
	deleteTop(count) {
		for (const run of this.ordered(count)) this.delete(run);
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
	const listedIds = new Set(); // every run id on a page answered to this poll
	for (let request; (request = poll.next(requests.length >= outOfTimeAfter)); ) {
		requests.push(request);
		try {
			if (beforeRequest) beforeRequest(request, requests.length - 1);
		} catch (error) {
			return { failed: error, requests };
		}
		if (request.kind === 'list') {
			flow.requests.list += 1;
			if (request.offset === 0 || flow.listing.reorderTies === 'per-request') flow.order += 1;
			const page = flow.page(request.offset, request.limit);
			if (process.env.TRIGGER_TRACE_PAGES) console.log(`list ${request.offset}: ${page.runs.map((r) => `${r.run_id}${r.run_status === 'running' ? '*' : ''}`).join(' ')}`);
			for (const entry of page.runs) listedIds.add(entry.run_id);
			try {
				poll.listed(page.runs, page.total);
			} catch (error) {
				if (error instanceof TriggerListingError) return { failed: error, listingError: error, requests };
				throw error;
			}
		} else poll.statusAnswered(flow.status(request.runId));
	}
	const result = poll.result();
	return { ...result, requests, listedIds, state: JSON.parse(JSON.stringify(result.state)) };
}

const ids = (runs) => runs.map((run) => run.runId);

describe('saved state', () => {
	test('a state saved before `undated` (runs without a start time in `done`, stamped one ms above the newest other mark or the floor): they move to `undated`, unplaced', () => {
		// Version 2: the format before `undated`.
		const before = { v: 2, flow: FLOW, hwm: 50, hwmIds: ['d50'], hwmAll: true, floor: 10, done: [['d40', 40], ['d50', 50], ['u1', 51], ['u2', 51]], pending: [['p', 45]], scan: null, lost: 0 };
		expect(readTriggerState(before, FLOW)).toEqual({ ...before, v: STATE_VERSION, done: [['d40', 40], ['d50', 50]], undated: [['u1', null], ['u2', null]] });
		// Review v14u D2: a run running at save time set the boundary above every finished run, so the
		// stamped marks are below it (the rule before, "above the boundary", kept them as dated runs).
		const running = { ...before, hwm: 70, hwmIds: ['p70'], pending: [['p70', 70]] };
		expect(readTriggerState(running, FLOW)).toMatchObject({ done: [['d40', 40], ['d50', 50]], undated: [['u1', null], ['u2', null]] });
		// Stamps of later polls chain (each one ms above the newest mark then, older stamps included);
		// one on the floor's next ms (`done` held nothing else); one among the boundary's ids (placed there).
		const chained = { ...running, floor: 39, hwmIds: ['u0'], done: [['u0', 40], ['d45', 45], ['d50', 50], ['u1', 51], ['u3', 52], ['d60', 60]] };
		expect(readTriggerState(chained, FLOW)).toMatchObject({ done: [['d45', 45], ['d50', 50], ['d60', 60]], undated: [['u0', null], ['u1', null], ['u3', null]] });
		// Review v14w D2: a burst of dated runs one ms apart is no chain of stamps: only its top can be
		// one (taking every link filled `undated` with dated runs and set the hold for good).
		const burst = Array.from({ length: 400 }, (_, i) => [`b${i}`, 1000 + i]);
		const afterBurst = readTriggerState({ ...running, hwm: 1500, hwmIds: ['p1500'], pending: [['p1500', 1500]], done: [...burst, ['u9', 1400]] }, FLOW);
		expect(afterBurst.undated).toEqual([['u9', null]]);
		expect(afterBurst.done).toHaveLength(400);
		expect(readTriggerState({ ...running, done: [...burst] }, FLOW).undated).toEqual([['b399', null]]);
		// Version 3 (with `undated`, written only when not empty): read as it is, whatever `done` holds. A
		// version 2 state with `undated` is from an unreleased build (ids only): it starts over.
		expect(STATE_VERSION).toBe(3);
		expect(readTriggerState({ ...before, v: 3 }, FLOW)).toEqual({ ...before, v: 3 });
		expect(readTriggerState({ ...before, v: 3, undated: [] }, FLOW)).toEqual({ ...before, v: 3 });
		expect(readTriggerState({ ...before, undated: ['u1'] }, FLOW)).toBeUndefined();
	});

	test('`undated` within its bound: placements below the floor and the boundary are history, kept while there is room and the first to go, oldest first, without raising the floor (review v15r D1, v17r F5); then the oldest placements, raising the floor; then unplaced ones missing longest (review v14u D1)', () => {
		const limits = { ...DEFAULT_LIMITS, maxUndated: 4 };
		// Within the bound, every mark is kept, below the floor (20) and the boundary (100) too.
		expect(boundUndated([['a', 19], ['b', 20], ['c', null], ['d', 150]], 20, 100, limits)).toEqual({ undated: [['a', 19], ['b', 20], ['c', null], ['d', 150]], floor: 20, letGo: 0, letGoIds: [] });
		expect(boundUndated([['a', 19]], 20, null, limits)).toEqual({ undated: [['a', 19]], floor: 20, letGo: 0, letGoIds: [] });
		// Over the bound: the oldest placement goes (with every one of its ms), the floor over it; no let-go.
		const placed = [['n1', null], ['p60', 60], ['p30', 30], ['q30', 30], ['p40', 40], ['n2', null]];
		expect(boundUndated(placed, 20, 100, limits)).toEqual({ undated: [['n1', null], ['p60', 60], ['p40', 40], ['n2', null]], floor: 31, letGo: 0, letGoIds: [] });
		// Only unplaced ones left over the bound: the last (missing from the listings longest) are let go.
		const unplaced = [['n1', null], ['n2', null], ['p150', 150], ['n3', null], ['n4', null], ['n5', null]];
		expect(boundUndated(unplaced, 20, 100, limits)).toEqual({ undated: unplaced.slice(0, 4), floor: 20, letGo: 2, letGoIds: ['n5', 'n4'] });
		// The same id twice: the first (listed this poll) counts.
		expect(boundUndated([['a', null], ['a', 5]], 0, 100, limits).undated).toEqual([['a', null]]);
		// Over the bound, the marks under the floor go first, one at a time, oldest first, the floor unmoved.
		const underFloor = [['n1', null], ['u10', 10], ['p60', 60], ['u5', 5], ['p40', 40], ['n2', null]];
		expect(boundUndated(underFloor, 20, 100, limits)).toEqual({ undated: [['n1', null], ['p60', 60], ['p40', 40], ['n2', null]], floor: 20, letGo: 0, letGoIds: [] });
		expect(boundUndated(underFloor.slice(0, 5), 20, 100, limits)).toEqual({ undated: [['n1', null], ['u10', 10], ['p60', 60], ['p40', 40]], floor: 20, letGo: 0, letGoIds: [] });
		// The fingerprints of runs let go before count in the bytes (12 a mark here), and each run let go now
		// adds one (5): 36 + 30 is over 60, one let go brings it to 59; 36 + 35 needs two (other bytes the same,
		// less a fingerprint each).
		const bytes = { ...DEFAULT_LIMITS, undatedBytes: 60 };
		const three = [['n1', null], ['n2', null], ['n3', null]];
		expect(boundUndated(three, 20, 100, bytes).letGoIds).toEqual([]);
		expect(boundUndated(three, 20, 100, bytes, { prints: 6 }).letGoIds).toEqual(['n3']);
		expect(boundUndated(three, 20, 100, bytes, { prints: 7 }).letGoIds).toEqual(['n3', 'n2']);
		expect(boundUndated(three, 20, 100, bytes, { bytes: 35 }).letGoIds).toEqual(['n3', 'n2']);
		// With `undatedLetGo` full, a run let go adds no bytes (its oldest fingerprint goes): review v18 F2,
		// each was charged 5 more and 2,000 marks beside 500 fingerprints kept none.
		const full = { prints: MAX_LET_GO_PRINTS };
		expect(boundUndated(three, 20, 100, { ...bytes, undatedBytes: MAX_LET_GO_PRINTS * 5 + 24 }, full).letGoIds).toEqual(['n3']);
		const many = Array.from({ length: 2000 }, (_, i) => [`u${String(i).padStart(35, '0')}`, null]);
		expect(boundUndated(many, 20, 100, DEFAULT_LIMITS, full).undated.length).toBeGreaterThan(150);
	});

	test('a run without a start time first on a page reached by a step back is not placed from the rows read further down before it (review v14w D1)', () => {
		// Pages of 5 on activation: 0-4 and 4-8 read, the page at 8 shares no run (runs deleted above), so
		// the scan steps back to 3, where a finished run without a start time is now first, above dated
		// rows at 45 and 44. Before, it was placed from the rows last read (20, 30): below where it is
		// listed, so dropped as history at once (under the floor and the boundary); a placement comes only
		// from a dated row read above it in one contiguous stretch, so it is kept, unplaced.
		const at = (id, s, status = 'succeeded') => ({ run_id: id, run_status: status, run_start_time: s === null ? null : new Date(BASE_MS + s * 1000).toISOString() });
		const pages = new Map([
			[0, [at('a', 100), at('b', 90), at('c', 80), at('d', 70), at('e', 60)]],
			[4, [at('e', 60), at('f', 50), at('g', 40), at('h', 30), at('i', 20)]],
			[8, [at('x', 5), at('y', 4), at('z', 3), at('w', 2), at('v', 1)]],
			[3, [at('u', null, 'failed'), at('p', 45), at('q', 44), at('h', 30), at('i', 20)]],
		]);
		const poll = new TriggerPoll(undefined, baseOptions({ pageSize: 5 }));
		const asked = [];
		for (let request; (request = poll.next(false)); ) {
			asked.push(request.offset);
			poll.listed(asked.length <= 4 ? pages.get(request.offset) : []);
		}
		expect(asked.slice(0, 4)).toEqual([0, 4, 8, 3]);
		const { state } = poll.result();
		expect(state.hwm).toBe(BASE_MS + 100000);
		expect(state.undated).toEqual([['u', null]]);
	});

	test('a run without a start time, emitted, then under the floor while a scan is unfinished, is not emitted again when a resumed page lists it first (review v15r D1, hybrid sweep seed 743)', () => {
		// In place (where its creation puts it), pages capped at 10 of Page Size 20, `done` 20, polls cut
		// after 3 requests. U0-U3 fail before they start between a0 and b0, and are emitted, placed at b1's
		// start. A backlog of 19 (more than `done` with b0-b2) raises the floor over that placement while the
		// scan reading it is unfinished. Before, the marks were dropped then as history; the resumed scan's
		// next page began with U1 U0 (no dated row above them to place them by), taken at the boundary: above
		// the floor, new, emitted a second time. Now they are kept until the scan is done.
		const runs = [];
		let clock = BASE_MS;
		const add = (id, undated = false) => runs.push({ id, start: (clock += 1000), undated });
		const list = (offset, limit) =>
			[...runs]
				.sort((a, b) => b.start - a.start)
				.slice(offset, offset + Math.min(limit, 10))
				.map((run) => ({ run_id: run.id, run_status: run.undated ? 'failed' : 'succeeded', run_start_time: run.undated ? null : new Date(run.start).toISOString() }));
		let saved;
		const emitted = [];
		const poll = (cut) => {
			const planner = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize: 20, limits: { maxDone: 20 } }));
			let asked = 0;
			for (let request; (request = planner.next(asked >= cut)); asked++) planner.listed(list(request.offset, request.limit));
			const result = planner.result();
			saved = JSON.parse(JSON.stringify(result.state));
			emitted.push(...ids(result.runs));
		};
		for (let i = 0; i < 10; i++) add(`h${i}`);
		poll(Infinity);
		add('a0');
		for (let i = 0; i < 4; i++) add(`U${i}`, true);
		for (let i = 0; i < 3; i++) add(`b${i}`);
		poll(Infinity);
		const placed = saved.undated.map(([, at]) => at);
		for (let i = 0; i < 19; i++) add(`c${i}`);
		let floorOverUndatedWhileScanning = false;
		for (let round = 0; round < 20 && (round < 4 || saved.scan); round++) {
			poll(3);
			if (saved.scan && saved.floor > Math.max(...placed)) floorOverUndatedWhileScanning = true;
		}
		expect(floorOverUndatedWhileScanning).toBe(true);
		expect(saved.scan).toBeNull();
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect([...emitted].sort()).toEqual(['a0', 'U0', 'U1', 'U2', 'U3', 'b0', 'b1', 'b2', ...Array.from({ length: 19 }, (_, i) => `c${i}`)].sort());
		expect(saved.lost).toBe(0);
		// Under the floor once the scan is done: history, yet kept while `undated` has room (review v17r F5).
		expect(saved.undated.map(([id]) => id).sort()).toEqual(['U0', 'U1', 'U2', 'U3']);
		expect(saved.undated.every(([, at]) => at < saved.floor)).toBe(true);
	});

	test('a run without a start time forgotten as history is not emitted again when a listing that ignores offset shows its first page as the page after it (model seed 5234)', () => {
		// In place, offset ignored, pages of 5. U failed before it started and was emitted, placed at 80.
		// Runs above it that ran without a start time show theirs now (55, 50: they started long ago), so
		// U is placed at 55, under the floor (60): history, forgotten. Listed again after every dated row of
		// the first page, it is asked about as a run at the listing's end (nulls last); the page after,
		// asked at offset 5, is the first page again. Before, that was taken for the end, U for a run that
		// failed at the end since, and emitted a second time. Now the first page shown again tells nothing
		// of the end: U is remembered, not emitted, and the possible loss reported.
		const at = (id, s, status = 'succeeded') => ({ run_id: id, run_status: status, run_start_time: s === null ? null : new Date(BASE_MS + s * 1000).toISOString() });
		const page = [at('a', 100), at('b', 90), at('d', 55), at('e', 50), at('U', null, 'failed')];
		let saved = {
			v: STATE_VERSION, flow: FLOW, hwm: BASE_MS + 100000, hwmIds: ['a'], hwmAll: true, floor: BASE_MS + 60000,
			done: [['a', BASE_MS + 100000], ['b', BASE_MS + 90000], ['U', BASE_MS + 80000]], pending: [], scan: null, lost: 0,
			undated: [['U', BASE_MS + 80000]],
		};
		const rounds = (state) => {
			let saved = state;
			const emitted = [];
			const warnings = [];
			const asked = [];
			for (let round = 0; round < 3; round++) {
				const planner = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize: 5 }));
				for (let request; (request = planner.next(false)); ) {
					asked.push(request.offset);
					planner.listed(page);
				}
				const result = planner.result();
				saved = JSON.parse(JSON.stringify(result.state));
				emitted.push(...ids(result.runs));
				warnings.push(...result.warnings);
			}
			return { saved, emitted, warnings, asked };
		};
		// Under the floor, U is kept while `undated` has room (review v17r F5): known by id, nothing to say.
		const kept = rounds(saved);
		expect(kept.emitted).toEqual([]);
		expect(kept.saved.undated.map(([id]) => id)).toEqual(['U']);
		expect(kept.saved.lost).toBe(0);
		expect(kept.warnings).toEqual([]);
		// Let go (as when `undated` had no room for it): the case of seed 5234.
		saved = { ...saved, done: saved.done.filter(([id]) => id !== 'U'), undated: undefined };
		const letGo = rounds(saved);
		const { emitted, warnings, asked } = letGo;
		saved = letGo.saved;
		expect(asked.filter((offset) => offset > 0).length).toBeGreaterThan(0);
		expect(emitted).toEqual([]);
		expect(saved.undated).toEqual([['U', null]]);
		expect(saved.lost).toBe(1);
		expect(warnings.filter((text) => /listed without a start time after every run with one/.test(text))).toHaveLength(1);
	});

	describe('a resumed scan finds a finished run that was missing from the listing when its part was read (hybrid sweep, issue 14)', () => {
		// The saved scan read from its top (a, 100 s) down to its anchor (m, 50 s); the boundary is at 10 s.
		// Pages of 5. A run listed now where the scan read before is one that was missing then: never
		// emitted, and the next scan stops above it (at the top and its look-back), so this poll must.
		const at = (id, s, status = 'succeeded') => ({ run_id: id, run_status: status, run_start_time: s === null ? null : new Date(BASE_MS + s * 1000).toISOString() });
		const above = Array.from({ length: 8 }, (_, i) => at(`o${i}`, 99 - i));
		const resume = (listing, position, known) => {
			const starts = new Map(listing.map((run) => [run.run_id, Date.parse(run.run_start_time)]));
			const state = {
				v: STATE_VERSION,
				flow: FLOW,
				hwm: BASE_MS + 10000,
				hwmIds: ['h'],
				hwmAll: true,
				floor: 0,
				done: known.map((id) => [id, starts.get(id)]),
				pending: [],
				scan: { top: BASE_MS + 100000, topIds: ['a'], topAll: true, anchor: BASE_MS + 50000, anchorIds: ['m'], position },
				lost: 0,
			};
			const poll = new TriggerPoll(readTriggerState(state, FLOW), baseOptions({ pageSize: 5, maxListRequests: 10 }));
			const asked = [];
			for (let request; (request = poll.next(false)); ) {
				// A watched run's status: as listed.
				if (request.kind === 'status') {
					poll.statusAnswered(listing.find((run) => run.run_id === request.runId));
					continue;
				}
				asked.push(request.offset);
				poll.listed(listing.slice(request.offset, request.offset + 5));
			}
			const result = poll.result();
			return { asked, emitted: result.runs.map((run) => run.runId), state: result.state };
		};
		const below = [at('k', 40), at('j', 30), at('i', 20), at('h', 10), at('g', 5), at('f', 4)];
		const known = ['a', ...above.map((run) => run.run_id), 'b', 'c', 'd', 'e', 'p', 'q', 's', 'n', 'm'];

		test('one without a start time first on the page read in place (seed 25): not taken for a run above the top', () => {
			// Before: with no dated row read above it, it counted as pushed in above the top, left to the next
			// scan, which never reads that far down: missed, unreported. Now emitted, remembered unplaced.
			const listing = [at('a', 100), ...above, at('b', 91), at('u', null, 'failed'), at('n', 55), at('m', 50), ...below];
			const { asked, emitted, state } = resume(listing, 12, ['a', ...above.map((run) => run.run_id), 'b', 'n', 'm']);
			expect(asked.slice(0, 2)).toEqual([10, 14]);
			expect(emitted.sort()).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'u']);
			expect(state.undated).toEqual([['u', null]]);
		});

		test('one without a start time on a page the seek skips, wholly above the anchor (seed 80): caught like a dated one', () => {
			// Before: such a page's finished runs new to the trigger were emitted only when dated.
			const listing = [at('a', 100), ...above, at('b', 91), at('c', 90), at('u', null, 'failed'), at('d', 85), at('e', 80), at('p', 75), at('q', 70), at('s', 60), at('n', 55), at('m', 50), ...below];
			const { asked, emitted, state } = resume(listing, 13, known);
			expect(asked[0]).toBe(11);
			expect(emitted.sort()).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'u']);
			expect(state.undated).toEqual([['u', null]]);
		});

		test('one still running on a page the seek skips (model seed 4779): watched, as where the scan reads in place', () => {
			// Before: only finished runs there were caught. One running, unknown to the trigger (missing from the
			// listing when the scan read there), was left alone; it finished after the scan had read on below
			// it, and no later poll listed it where it read: missed, unreported.
			const listing = [at('a', 100), ...above, at('b', 91), at('c', 90), at('w', 88, 'running'), at('d', 85), at('e', 80), at('p', 75), at('q', 70), at('s', 60), at('n', 55), at('m', 50), ...below];
			const { asked, emitted, state } = resume(listing, 13, known);
			expect(asked[0]).toBe(11);
			expect(emitted).not.toContain('w');
			expect(state.pending.map(([id]) => id)).toContain('w');
			// Finished by the next poll: emitted, once.
			const finished = listing.map((run) => (run.run_id === 'w' ? { ...run, run_status: 'succeeded' } : run));
			const next = new TriggerPoll(readTriggerState(state, FLOW), baseOptions({ pageSize: 5, maxListRequests: 10 }));
			for (let request; (request = next.next(false)); ) {
				if (request.kind === 'status') next.statusAnswered(finished.find((run) => run.run_id === request.runId));
				else next.listed(finished.slice(request.offset, request.offset + 5));
			}
			expect(next.result().runs.map((run) => run.runId)).toEqual(['w']);
		});

		test('a run between the last page the seek skips and the page it reads in place (seed 136): read, not jumped over', () => {
			// The seek skips pages wholly above the anchor and gallops down; a page that reaches the anchor is
			// read in place. Before, the scan read on from the page that first reached the anchor, found half
			// way between the last page skipped and one below the anchor: the rows between were never asked for
			// (r, missing from the listing when the scan read there). Now it reads on from the last page
			// skipped: directly when the page below is within a page of it, else asked once more.
			const layout = (rowsAbove, missingAt) => [
				at('a', 100),
				...Array.from({ length: rowsAbove - 1 }, (_, i) => at(i + 1 === missingAt ? 'r' : `x${i + 1}`, 99 - i / 2)),
				at('m', 50),
				...below,
			];
			const knownOf = (listing) => listing.slice(0, listing.findIndex((run) => run.run_id === 'm') + 1).map((run) => run.run_id).filter((id) => id !== 'r');
			// Offsets 11-15 wholly above, 20 below: before, 17 (reaching the anchor) was read on from, 16 never.
			const near = layout(19, 16);
			const first = resume(near, 13, knownOf(near));
			expect(first.asked.slice(0, 3)).toEqual([11, 20, 15]);
			expect(first.emitted.sort()).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'r']);
			// Offsets 4-8 and 13-17 wholly above, 27 reaches the anchor (30) galloping: before, read on from 27.
			const far = layout(30, 20);
			const second = resume(far, 6, knownOf(far));
			expect(second.asked.slice(0, 4)).toEqual([4, 13, 27, 17]);
			expect(second.emitted.sort()).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'r']);
		});
	});

	test('worst case with 36-character ids: every list at its bound, the state under 64 KiB', () => {
		const id = (prefix, i) => `${prefix}${String(i).padStart(35 - prefix.length, '0')}x`;
		const range = (n, make) => Array.from({ length: n }, (_, i) => make(i));
		const start = BASE_MS * 10; // 14 digits: more than any real start time
		const done = boundDone(range(2000, (i) => [id('d', i), start + i]), 0, DEFAULT_LIMITS);
		const { pending } = boundPending(range(2000, (i) => [id('p', i), start + i]), DEFAULT_LIMITS);
		// `undatedLetGo` at its bound: its bytes come out of undated's.
		const undatedLetGo = range(MAX_LET_GO_PRINTS, (i) => runPrint(id('g', i))).join('');
		// `undatedGap` at its bound too, its bytes also out of undated's.
		const undatedGap = range(UNDATED_GAP_IDS, (i) => id('h', i));
		const { undated } = boundUndated(range(2000, (i) => [id('u', i), start + i]), 0, start * 2, DEFAULT_LIMITS, { prints: MAX_LET_GO_PRINTS, bytes: JSON.stringify(undatedGap).length });
		const ties = range(MAX_TIE_IDS, (i) => id('t', i));
		const scan = { top: start, topIds: ties, topAll: false, anchor: start, anchorIds: ties, position: 1e9, stalls: 99 };
		const state = stateOf({ v: STATE_VERSION, flow: id('f', 0), hwm: start, hwmIds: ties, hwmAll: false, floor: done.floor, done: done.done, pending, scan, lost: 1e9, undated, undatedOverflow: true, unwatched: range(300, (i) => runPrint(id('p', i))).join(''), undatedLetGo, undatedGap, undatedLast: 'reported', endProbe: { wait: 0, anchor: start, ids: range(END_PROBE_IDS, (i) => id('e', i)), look: range(END_PROBE_LOOK_LENGTH, () => END_PROBE_LOOK_MAX) } });
		// A look cut by a poll's time, saved to be resumed (review v16r D2), at its bound too.
		expect(readTriggerState(state, id('f', 0)).endProbe.look).toHaveLength(END_PROBE_LOOK_LENGTH);
		expect(undated.length).toBeGreaterThan(120);
		const bytes = JSON.stringify(state).length;
		console.log(`worst-case state: ${bytes} bytes (${done.done.length} done, ${pending.length} pending, ${undated.length} undated)`);
		expect(bytes).toBeLessThan(64 * 1024);
	});

	test('unreadable, foreign or other-version state means a fresh activation; version 1 carries on', () => {
		const good = { v: STATE_VERSION, flow: FLOW, hwm: 5, hwmIds: ['a'], hwmAll: true, floor: 0, done: [['a', 5]], pending: [], scan: null, lost: 0 };
		const scan = { top: 9, topIds: ['z'], topAll: true, anchor: 6, anchorIds: ['b'], position: 3 };
		expect(readTriggerState(good, FLOW)).toEqual(good);
		expect(readTriggerState(good, 'other-flow')).toBeUndefined();
		expect(readTriggerState({ ...good, v: 99 }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, done: [['a', 'x']] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, scan: { ...scan, position: -1 } }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, scan: { ...scan, anchorIds: undefined } }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, hwmIds: [1] }, FLOW)).toBeUndefined();
		// Runs without a start time, [id, placement or null] (absent when none): read back as saved; anything
		// else is unreadable (main's ids-only `undated` was never released: it starts over with an activation).
		expect(readTriggerState({ ...good, undated: [['u1', 4], ['u2', null]] }, FLOW)).toEqual({ ...good, undated: [['u1', 4], ['u2', null]] });
		expect(readTriggerState({ ...good, undated: ['u1', 'u2'] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, undated: [['u1', 'x']] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, undated: [['u1']] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, undated: [1] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, undated: [] }, FLOW)).toEqual(good);
		// Set only once more finished runs without a start time were to be remembered than `undated` holds.
		expect(readTriggerState({ ...good, undatedOverflow: true }, FLOW)).toEqual({ ...good, undatedOverflow: true });
		expect(readTriggerState({ ...good, undatedOverflow: 'yes' }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, undatedOverflow: false }, FLOW)).toEqual(good);
		// Fingerprints of runs dropped from the watch list and counted in lost, 5 characters each.
		expect(readTriggerState({ ...good, unwatched: runPrint('r1') + runPrint('r2') }, FLOW)).toEqual({ ...good, unwatched: runPrint('r1') + runPrint('r2') });
		expect(runPrint('r1')).toMatch(/^[A-Za-z0-9_-]{5}$/);
		expect(readTriggerState({ ...good, unwatched: 'abc' }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, unwatched: 'ab.de' }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, unwatched: ['abcde'] }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, unwatched: 'abcde'.repeat(301) }, FLOW)).toBeUndefined();
		// Fingerprints of runs `undated` let go, the same way.
		expect(readTriggerState({ ...good, undatedLetGo: runPrint('u1') }, FLOW)).toEqual({ ...good, undatedLetGo: runPrint('u1') });
		expect(readTriggerState({ ...good, undatedLetGo: 'abcd' }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, undatedLetGo: 'abcde'.repeat(MAX_LET_GO_PRINTS + 1) }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, lost: undefined }, FLOW)).toBeUndefined();
		expect(readTriggerState({ ...good, scan }, FLOW)).toEqual({ ...good, scan });
		expect(readTriggerState(undefined, FLOW)).toBeUndefined();
		expect(readTriggerState('[]', FLOW)).toBeUndefined();
		// Version 1 (saved by the previous release): carries on; its unread stretches are counted as lost.
		const v1 = { v: 1, flow: FLOW, hwm: 5, hwmIds: ['a'], floor: 0, done: [['a', 5]], pending: [['p', 4]], gaps: [] };
		expect(readTriggerState(v1, FLOW)).toEqual({ ...good, pending: [['p', 4]] });
		const v1gap = { position: 1, anchor: 5, anchorIds: ['a'], bottom: null, bottomIds: [], unread: true };
		expect(readTriggerState({ ...v1, gaps: [v1gap] }, FLOW)).toMatchObject({ scan: null, lost: 1 });
	});

	test('a version 1 state\'s dropped unread stretches: counted in lost and said in a warning, once (review v15r D6)', () => {
		// Before: counted in `lost` only, with no warning.
		const v1 = { v: 1, flow: FLOW, hwm: BASE_MS + 5000, hwmIds: ['a'], floor: 0, done: [['a', BASE_MS + 5000]], pending: [], gaps: [{}, {}] };
		const pollOnce = (state) => {
			const poll = new TriggerPoll(state, baseOptions({ pageSize: 5 }));
			const listing = [{ run_id: 'a', run_status: 'succeeded', run_start_time: new Date(BASE_MS + 5000).toISOString() }];
			for (let request; (request = poll.next(false)); ) poll.listed(request.kind === 'status' ? undefined : listing.slice(request.offset, request.offset + 5));
			return poll.result();
		};
		const first = pollOnce(readTriggerState(v1, FLOW));
		expect(first.state.lost).toBe(2);
		expect(first.warnings).toEqual([expect.stringMatching(/^The saved state of flow "flow-model" was written by an older version of this node, which had 2 stretches of the run listing left to read .* \(counted as 2 in lost\)\.$/)]);
		expect(first.changed).toBe(true);
		expect(first.state).not.toHaveProperty('droppedVersion1Gaps');
		const second = pollOnce(readTriggerState(JSON.parse(JSON.stringify(first.state)), FLOW));
		expect(second.warnings).toEqual([]);
		expect(second.state.lost).toBe(2);
		// None dropped: nothing to say.
		expect(pollOnce(readTriggerState({ ...v1, gaps: [] }, FLOW)).warnings).toEqual([]);
	});

	test('a block of runs running without a start time, bigger than the watch list, listed again on each poll: the runs dropped counted in lost once, not on every poll (review v15r D7)', () => {
		// Nulls first, a watch list of 3, 5 runs running on top. Before: lost 2, 4, 6 over three polls for the
		// same 2 runs (the runs dropped each poll in turn, then again), the warning saying 2 were dropped each time.
		const at = (id, s, status = 'succeeded') => ({ run_id: id, run_status: status, run_start_time: s === null ? null : new Date(BASE_MS + s * 1000).toISOString() });
		const block = ['b4', 'b3', 'b2', 'b1', 'b0'].map((id) => at(id, null, 'running'));
		const listing = [...block, at('h', 10)];
		const pollOnce = (saved, rows) => {
			const poll = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize: 10, limits: { maxPending: 3 } }));
			for (let request; (request = poll.next(false)); ) {
				if (request.kind === 'status') poll.statusAnswered(rows.find((run) => run.run_id === request.runId));
				else poll.listed(rows.slice(request.offset, request.offset + 10));
			}
			return poll.result();
		};
		let state = { v: STATE_VERSION, flow: FLOW, hwm: BASE_MS + 10000, hwmIds: ['h'], hwmAll: true, floor: 0, done: [['h', BASE_MS + 10000]], pending: [], scan: null, lost: 0 };
		const lost = [];
		const warnings = [];
		const watched = [];
		for (let i = 0; i < 3; i++) {
			const result = pollOnce(state, listing);
			state = JSON.parse(JSON.stringify(result.state));
			lost.push(state.lost);
			warnings.push(...result.warnings.filter((line) => line.includes('than the trigger can watch')));
			watched.push(state.pending.map(([id]) => id).sort().join(' '));
		}
		expect(lost).toEqual([2, 2, 2]);
		expect(watched).toEqual(['b2 b3 b4', 'b2 b3 b4', 'b2 b3 b4']);
		expect(warnings[0]).toMatch(/the 2 oldest-started are no longer watched, .* \(2 counted in lost\)\.$/);
		expect(warnings[1]).toMatch(/the 2 oldest-started are no longer watched, .* \(0 counted in lost; the other 2 were counted when an earlier poll dropped them\)\.$/);
		// All finished: each emitted once, and the fingerprints of the finished ones let go.
		const finished = listing.map((run) => ({ ...run, run_status: 'succeeded', run_start_time: run.run_start_time ?? new Date(BASE_MS + 20000).toISOString() }));
		const last = pollOnce(state, finished);
		expect(last.runs.map((run) => run.runId).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
		expect(last.state.lost).toBe(2);
		expect(last.state).not.toHaveProperty('unwatched');
	});

	test('start times: ISO strings, epoch seconds or ms; anything else is unknown', () => {
		expect(runStartMs({ run_start_time: '2025-01-01T00:00:00Z' })).toBe(BASE_MS);
		expect(runStartMs({ run_start_time: BASE_MS / 1000 })).toBe(BASE_MS);
		expect(runStartMs({ run_start_time: BASE_MS })).toBe(BASE_MS);
		expect(runStartMs({ run_start_time: 'soon' })).toBeUndefined();
		expect(runStartMs({})).toBeUndefined();
	});
});

describe('runs without a start time listed last (nulls last, as MySQL and SQLite sort them; review v14j D4)', () => {
	// A listing that fits on the pages a poll reads: such a run sits at its end, below every dated run,
	// where its place made it old: missed with no warning on main. Now the page after the last one read,
	// empty, shows that the listing ends there: such rows are told by id (placement null), one unknown is new.
	function nullsLastFlow() {
		const flow = new FakeFlow();
		flow.nullsLast = true;
		for (let i = 0; i < 20; i++) {
			flow.start({ finished: true });
			flow.clockMs += 1000;
		}
		const past = [];
		for (let i = 0; i < 3; i++) past.push(flow.start({ finished: true, outcome: 'failed', undated: true }).id);
		return { flow, past };
	}

	test('each run that fails before it starts is emitted once, past ones never, nothing reported; one request more a poll (the page after the listing\'s end)', () => {
		const { flow, past } = nullsLastFlow();
		const options = { pageSize: 100 };
		let saved = runPoll(flow, undefined, options).state;
		const emitted = [];
		const expected = [];
		const requests = [];
		for (let poll = 0; poll < 12; poll++) {
			flow.clockMs += 1000;
			if (poll % 3 !== 2) expected.push(flow.start({ finished: true, outcome: 'failed', undated: true }).id);
			if (poll % 2 === 0) expected.push(flow.start({ finished: true }).id);
			const result = runPoll(flow, saved, options);
			expect(result.warnings).toEqual([]);
			emitted.push(...ids(result.runs));
			requests.push(result.requests.filter((request) => request.kind === 'list').map((request) => request.offset));
			saved = result.state;
		}
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect([...emitted].sort()).toEqual([...expected].sort());
		expect(emitted.filter((id) => past.includes(id))).toEqual([]);
		expect(saved.lost ?? 0).toBe(0);
		// Known, at the listing's end: told by id, never history (placement null).
		expect(saved.undated.filter(([, placed]) => placed !== null)).toEqual([]);
		// Seen last: every poll asks the page after the last one it read (empty: the listing ends there).
		expect(requests[2]).toEqual([0, 27]);
		expect(requests[0]).toEqual([0, 25]);
		expect(saved.undatedLast).toBe('seen');
	});

	// Review v14r D3 (model seed 282 with the nulls-last draw): a listing that repeats a run on a page, its
	// offsets counting rows. The page after the last was asked at offset + distinct runs, inside the listing:
	// its answer, the page's own repeated rows, was never empty, and every such failure was missed unwarned.
	test('a listing that repeats runs within a page (offsets count rows): each run that fails before it starts is emitted once, nothing reported', () => {
		const flow = new FakeFlow({ repeatIds: true });
		flow.nullsLast = true;
		for (let i = 0; i < 20; i++) {
			flow.start({ finished: true });
			flow.clockMs += 1000;
		}
		const options = { pageSize: 100 };
		let saved = runPoll(flow, undefined, options).state;
		const emitted = [];
		const expected = [];
		let repeatedRows = 0;
		for (let poll = 0; poll < 10; poll++) {
			flow.clockMs += 1000;
			expected.push(flow.start({ finished: true, outcome: 'failed', undated: true }).id);
			expected.push(flow.start({ finished: true }).id);
			const result = runPoll(flow, saved, options);
			expect(result.warnings).toEqual([]);
			emitted.push(...ids(result.runs));
			saved = result.state;
			const page = flow.page(0, 100).runs.map((entry) => entry.run_id);
			repeatedRows = Math.max(repeatedRows, page.length - new Set(page).size);
		}
		// The listing does repeat runs (the case under test), and ends on the first page.
		expect(repeatedRows).toBeGreaterThan(0);
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect([...emitted].sort()).toEqual([...expected].sort());
		expect(saved.lost ?? 0).toBe(0);
		expect(saved.undatedLast).toBe('seen');
	});

	test('seen last (a new one at the listing\'s end), then more runs than a poll reads: reported once (warning, lost 1), dated runs all emitted, none twice', () => {
		const flow = new FakeFlow();
		flow.nullsLast = true;
		for (let i = 0; i < 5; i++) {
			flow.start({ finished: true });
			flow.clockMs += 1000;
		}
		const options = { pageSize: 10 };
		let saved = runPoll(flow, undefined, options).state;
		// A run that fails before it starts at the end of a listing by start time is its oldest (or one listed
		// last): activation tells nothing; one new since, at the end, does.
		const first = flow.start({ finished: true, outcome: 'failed', undated: true }).id;
		const result = runPoll(flow, saved, options);
		expect(ids(result.runs)).toEqual([first]);
		saved = result.state;
		// One is not proof (review v14r D2: an in-place listing's oldest run, missing at activation only,
		// shows the same); a second, on another poll, is.
		expect(saved.undatedLast).toBe('once');
		const emitted = [first];
		const dated = [];
		const warnings = [];
		for (let poll = 0; poll < 8; poll++) {
			flow.clockMs += 1000;
			flow.start({ finished: true, outcome: 'failed', undated: true });
			dated.push(flow.start({ finished: true }).id);
			const next = runPoll(flow, saved, options);
			warnings.push(...next.warnings);
			emitted.push(...ids(next.runs));
			saved = next.state;
		}
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/puts runs without a start time last .* from now on is not emitted/);
		expect(saved.lost).toBe(1);
		expect(saved.undatedLast).toBe('reported');
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect(dated.every((id) => emitted.includes(id))).toBe(true);
	});

	// Review v15r D3 (its repro "tailBlock 3 3": missed 3, reported once after 16 polls): a burst of runs that
	// fail before they start spills past a full first page; the page after it is short, and a short page after a
	// full one may be a page capped at random: it was not taken for the end, so the runs were left to the look at
	// the listing's end, which reports them. The page after the spill, empty, shows the end: emitted once.
	test('a burst of runs failing before they start spills past a full first page (review v15r D3): each emitted once, nothing reported; two requests more only on polls with a spill', () => {
		const flow = new FakeFlow();
		flow.nullsLast = true;
		for (let i = 0; i < 7; i++) {
			flow.start({ finished: true });
			flow.clockMs += 1000;
		}
		const options = { pageSize: 10 };
		let saved = runPoll(flow, undefined, options).state;
		const emitted = [];
		const expected = [];
		const warnings = [];
		const lists = [];
		for (let poll = 0; poll < END_PROBE_EVERY_POLLS + 4; poll++) {
			flow.clockMs += 1000;
			if (poll === 0) for (let i = 0; i < 2; i++) expected.push(flow.start({ finished: true }).id);
			// Two bursts of 3: the listing is 9 dated runs, then 3 and 6 without a start time (pages 10, 2 and 10, 5).
			if (poll === 0 || poll === 5) for (let i = 0; i < 3; i++) expected.push(flow.start({ finished: true, outcome: 'failed', undated: true }).id);
			const result = runPoll(flow, saved, options);
			warnings.push(...result.warnings);
			emitted.push(...ids(result.runs));
			lists.push(result.requests.filter((request) => request.kind === 'list').map((request) => request.offset));
			saved = result.state;
		}
		expect(warnings).toEqual([]);
		expect(saved.lost ?? 0).toBe(0);
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect([...emitted].sort()).toEqual([...expected].sort());
		// The top page, the page after it (the spill), the page after the spill (empty: the end).
		expect(lists[0]).toEqual([0, 10, 12]);
		expect(lists[5]).toEqual([0, 10, 15]);
	});

	// s15n (model seeds 184, 241, 259, 263, 277 with the nulls-last draw): a listing longer than a poll reads,
	// activated before any such run: no poll reads its end, the tail rules never start, and every run that
	// failed before it started was missed with no warning. A look at where the dated rows end, at activation
	// and every END_PROBE_EVERY_POLLS polls, finds one there new since: reported once (warning, lost 1).
	function longFlow({ nullsLast, nullsFirst = false, oldUndated = 0, runs = 300 }) {
		const flow = new FakeFlow();
		flow.nullsLast = nullsLast;
		flow.nullsFirst = nullsFirst;
		for (let i = 0; i < oldUndated; i++) flow.start({ finished: true, outcome: 'failed', undated: true });
		for (let i = 0; i < runs; i++) {
			flow.start({ finished: true });
			flow.clockMs += 1000;
		}
		return flow;
	}
	function pollsWithFailures(flow, polls, { outOfTimeAfter = Infinity } = {}) {
		const options = { pageSize: 10, maxListRequests: 3 };
		const activation = runPoll(flow, undefined, options, { outOfTimeAfter });
		let saved = activation.state;
		const emitted = [];
		const failures = [];
		const dated = [];
		const warnings = [];
		const warnedAt = [];
		const lists = [];
		for (let poll = 0; poll < polls; poll++) {
			flow.clockMs += 1000;
			if (poll % 4 === 1) failures.push(flow.start({ finished: true, outcome: 'failed', undated: true }).id);
			dated.push(flow.start({ finished: true }).id);
			const result = runPoll(flow, saved, options, { outOfTimeAfter });
			warnings.push(...result.warnings);
			for (const warning of result.warnings) warnedAt.push([poll + 1, warning]);
			emitted.push(...ids(result.runs));
			lists.push(result.requests.filter((request) => request.kind === 'list').length);
			saved = result.state;
		}
		return { saved, emitted, failures, dated, warnings, warnedAt, lists, activation };
	}

	test('never read to its end (a listing of 300 runs, 3 pages of 10 a poll, activated before any such run): one new at the end is reported within a probe interval (warning, lost 1), never emitted twice; ~1 request more a poll', () => {
		const { saved, emitted, failures, dated, warnings, lists } = pollsWithFailures(longFlow({ nullsLast: true }), 2 * END_PROBE_EVERY_POLLS + 2);
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect(dated.every((id) => emitted.includes(id))).toBe(true);
		expect(emitted.filter((id) => !dated.includes(id) && !failures.includes(id))).toEqual([]);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/puts runs without a start time last .*a look at its end found/);
		expect(saved.lost).toBe(1);
		expect(saved.undatedLast).toBe('reported');
		// The probe: a poll every END_PROBE_EVERY_POLLS (the first at activation); 300 rows, pages of 10.
		const extra = lists.reduce((sum, n) => sum + n, 0) / lists.length - 1;
		expect(extra).toBeLessThan(1.5);
	});

	// Review v16r D2: the look must fit in the poll's time. Cut, it was saved as done ({wait: 16, anchor: null})
	// and began again from scratch 16 polls later, to be cut again: every run failing before it started was
	// missed, lost 0, no warning. Now a cut look is saved where it stopped and the next poll resumes it.
	test('a look cut by the poll\'s time every poll (two requests a poll fit): resumed where it stopped, one new at the end reported within a probe interval and the polls of two looks (warning, lost 1)', () => {
		const { saved, emitted, failures, dated, warnedAt } = pollsWithFailures(longFlow({ nullsLast: true }), 2 * END_PROBE_EVERY_POLLS + 8, { outOfTimeAfter: 2 });
		expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
		expect(dated.every((id) => emitted.includes(id))).toBe(true);
		expect(emitted.filter((id) => !dated.includes(id) && !failures.includes(id))).toEqual([]);
		expect(warnedAt).toHaveLength(1);
		expect(warnedAt[0][1]).toMatch(/puts runs without a start time last .*a look at its end found/);
		// One look begun at activation, resumed over a few polls; the next one 16 polls after it ends.
		expect(warnedAt[0][0]).toBeLessThanOrEqual(END_PROBE_EVERY_POLLS + 12);
		expect(saved.lost).toBe(1);
		expect(saved.undatedLast).toBe('reported');
	});

	test('a budget that leaves room for no request of the look: activation\'s look is not cut (v16r sweep seed 112); later looks are reported as a possible loss every 16 polls (warning "could not look at the end", lost), never silent', () => {
		const { saved, warnedAt, activation } = pollsWithFailures(longFlow({ nullsLast: true }), 3 * END_PROBE_EVERY_POLLS + 2, { outOfTimeAfter: 1 });
		// Activation's look is never cut (it is the baseline; a run that failed after activation, found by a
		// look that ended on a later poll, was taken into it: v16r sweep seed 112). The next look, begun 16
		// polls later, is cut on every poll: saved to be resumed, and reported 16 polls after it began.
		expect(activation.state.endProbe.look).toBeUndefined();
		expect(activation.state.endProbe.anchor).not.toBeNull();
		expect(warnedAt.map(([poll]) => poll)).toEqual([2 * END_PROBE_EVERY_POLLS + 1, 3 * END_PROBE_EVERY_POLLS + 1]);
		for (const [, warning] of warnedAt) expect(warning).toMatch(/could not look at the end of the run listing .*may have been missed/);
		expect(saved.lost).toBe(2);
	});

	test('activation read to the end, its last page only runs without a start time (nulls last): the look finds the last dated row above it (anchor not null), one new at the end reported within 16 polls', () => {
		// 100 dated runs, 15 failed before they started (the last page of 10 holds only those).
		const { saved, warnedAt, activation } = pollsWithFailures(longFlow({ nullsLast: true, oldUndated: 15, runs: 100 }), END_PROBE_EVERY_POLLS + 2);
		expect(activation.state.endProbe.anchor).not.toBeNull();
		expect(activation.state.endProbe.ids.length).toBeGreaterThan(0);
		expect(warnedAt).toHaveLength(1);
		expect(warnedAt[0][1]).toMatch(/a look at its end found/);
		expect(warnedAt[0][0]).toBeLessThanOrEqual(END_PROBE_EVERY_POLLS + 1);
		expect(saved.lost).toBe(1);
	});

	// Review v17r F4: a server capping each page at random (2 to the rows asked) ended the look's last page
	// above the last dated row: that page's last row was taken as the anchor, with no row after it; the next
	// look, landing elsewhere, saw another anchor and only remembered. Runs failing before they started were
	// missed with no report. A short page ending on a dated row is no end: the look asks the row after it.
	test('nulls last, pages capped at random (2 to the rows asked): the look finds the real last dated row; one failing before it starts after activation is reported within 16 polls (warning, lost), never emitted twice (review v17r F4)', () => {
		const late = [];
		const wrongLook = [];
		for (let seed = 1; seed <= 24; seed++) {
			const flow = longFlow({ nullsLast: true, oldUndated: 6, runs: 300 });
			const rng = prng(seed);
			const page = flow.page.bind(flow);
			flow.page = (offset, limit) => page(offset, Math.min(limit, rng.int(2, limit)));
			const { saved, emitted, failures, warnedAt, activation } = pollsWithFailures(flow, END_PROBE_EVERY_POLLS + 4);
			// The last dated row of the listing (the oldest run), whatever page the look's last request got.
			if (activation.state.endProbe.anchor !== BASE_MS || activation.state.endProbe.ids.length === 0) wrongLook.push(seed);
			expect(emitted.filter((id, index) => emitted.indexOf(id) !== index)).toEqual([]);
			// The first run failing before it starts comes on poll 2: reported by the look 16 polls after activation's.
			const reported = warnedAt.filter(([, warning]) => /a look at its end found/.test(warning)).map(([poll]) => poll);
			if (failures.some((id) => !emitted.includes(id)) && !(reported.length > 0 && reported[0] <= END_PROBE_EVERY_POLLS + 1 && saved.lost >= 1)) late.push(seed);
		}
		expect({ wrongLook, late }).toEqual({ wrongLook: [], late: [] });
	});

	test('in place (the oldest runs failed before they started) and nulls first: never taken for nulls last; each failure emitted once, nothing reported', () => {
		for (const how of [{ nullsLast: false, oldUndated: 3 }, { nullsLast: false, nullsFirst: true, oldUndated: 3 }]) {
			const { saved, emitted, failures, dated, warnings } = pollsWithFailures(longFlow(how), 2 * END_PROBE_EVERY_POLLS + 2);
			expect(warnings).toEqual([]);
			expect(saved.lost).toBe(0);
			expect(saved.undatedLast).toBeUndefined();
			expect([...emitted].sort()).toEqual([...dated, ...failures].sort());
		}
	});

});

describe('runs without a start time listed in place, over a flow\'s life (review v14u D1)', () => {
	/**
	 * Each poll one run fails before it starts (listed without a start time where its creation time puts
	 * it) and one dated run finishes just after it. Returns what each poll emitted, the states, and how
	 * often a run dropped from `undated` was listed again on a page the poll read.
	 */
	function lifetime(polls, options) {
		const flow = new FakeFlow();
		for (let i = 0; i < 5; i++) {
			flow.clockMs += 1000;
			flow.finish(flow.start());
		}
		let saved = runPoll(flow, undefined, options).state;
		const emitted = [];
		const expected = [];
		const warnings = [];
		let relistedDropped = 0;
		let maxUndated = 0;
		for (let i = 0; i < polls; i++) {
			flow.clockMs += 1000;
			const failed = flow.start({ outcome: 'failed', finished: true, undated: true });
			flow.clockMs += 10;
			const dated = flow.start({ finished: true });
			expected.push(failed.id, dated.id);
			flow.clockMs += 1000;
			const remembered = new Set((saved.undated ?? []).map(([id]) => id));
			const onFirstPage = flow.ordered(options.pageSize).filter((run) => run.undated && emitted.includes(run.id));
			relistedDropped += onFirstPage.filter((run) => !remembered.has(run.id)).length;
			const result = runPoll(flow, saved, options);
			emitted.push(...ids(result.runs));
			warnings.push(...result.warnings);
			saved = result.state;
			maxUndated = Math.max(maxUndated, (saved.undated ?? []).length);
		}
		return { emitted, expected, warnings, saved, relistedDropped, maxUndated };
	}

	test('`done` short (4): a run sunk below the floor stays in `undated` while there is room (review v17r F5), and over its bound such runs go first, with no hold: every run emitted once, nothing reported', () => {
		const eachOnceNothingReported = (run) => {
			expect(run.emitted).toEqual(run.expected);
			expect(run.warnings).toEqual([]);
			expect(run.saved.lost).toBe(0);
			expect(run.saved.undatedOverflow).toBeUndefined();
		};
		const run = lifetime(60, { pageSize: 20, limits: { maxDone: 4 } });
		eachOnceNothingReported(run);
		// All 60 known by id (within the bound); listed again, none is told by its place only.
		expect(run.maxUndated).toBe(60);
		expect(run.relistedDropped).toBe(0);
		// Over the bound (4), the runs under the floor go first: none held back, none emitted again.
		const bounded = lifetime(60, { pageSize: 20, limits: { maxDone: 4, maxUndated: 4 } });
		eachOnceNothingReported(bounded);
		expect(bounded.maxUndated).toBe(4);
		// The first page (20 rows) reaches below the floor: runs let go are listed again and not emitted.
		expect(bounded.relistedDropped).toBeGreaterThan(100);
	});

	test('`undated` short (5): over its bound the oldest placements go first, raising the floor, with no hold and no report; every run emitted once', () => {
		const run = lifetime(60, { pageSize: 20, limits: { maxUndated: 5 } });
		expect(run.emitted).toEqual(run.expected);
		expect(run.warnings).toEqual([]);
		expect(run.saved.lost).toBe(0);
		// Before: overflow from the sixth such run, every later one held back (missed, counted in lost).
		expect(run.saved.undatedOverflow).toBeUndefined();
		expect(run.maxUndated).toBe(5);
		// The first page (20 rows) reaches below the raised floor: runs let go are listed again, not emitted.
		expect(run.relistedDropped).toBeGreaterThan(100);
	});
});

describe('runs without a start time known by id under the floor (review v17r F5)', () => {
	test('in place, placed under the floor at activation, then every dated run above it deleted and new ones started: listed higher up it is not taken for a new run (before: a run from before activation emitted)', () => {
		const flow = new FakeFlow();
		const dated = [];
		for (let i = 0; i < 10; i++) {
			flow.clockMs += 1000;
			dated.push(flow.start({ finished: true }));
		}
		flow.clockMs += 1000;
		const failed = flow.start({ outcome: 'failed', finished: true, undated: true });
		for (let i = 0; i < 20; i++) {
			flow.clockMs += 1000;
			dated.push(flow.start({ finished: true }));
		}
		const options = { pageSize: 20, limits: { maxDone: 5 } };
		const activation = runPoll(flow, undefined, options);
		expect(activation.runs).toEqual([]);
		// The floor went over its place: history, yet remembered by id.
		expect(activation.state.floor).toBeGreaterThan(dated[10].startMs);
		expect((activation.state.undated ?? []).map(([id]) => id)).toEqual([failed.id]);
		for (const run of dated.slice(10)) flow.delete(run);
		const fresh = [];
		for (let i = 0; i < 3; i++) {
			flow.clockMs += 1000;
			fresh.push(flow.start({ finished: true }));
		}
		const next = runPoll(flow, activation.state, options);
		expect(ids(next.runs).sort()).toEqual(fresh.map((run) => run.id).sort());
		expect(next.warnings).toEqual([]);
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
		// 26 runs, pages of 10 overlapping by one, then the empty page that ends the listing (its
		// `total` is not trusted to: a server may count the page only).
		expect(activation.requests.filter((r) => r.kind === 'list').map((r) => r.offset)).toEqual([0, 9, 18, 26]);

		const quiet = runPoll(flow, activation.state);
		expect(quiet.runs).toEqual([]);
		// Nothing changed but the countdown to the next look at the listing's end (s15n).
		const { endProbe: probeBefore, ...before } = activation.state;
		const { endProbe: probeAfter, ...after } = quiet.state;
		expect(after).toEqual(before);
		expect(probeAfter).toEqual({ ...probeBefore, wait: END_PROBE_EVERY_POLLS - 1 });
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

	test('a backlog longer than the request budget is worked off over several polls from one resume point', () => {
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
		} while ((state.scan !== null || polls < 2) && polls < 50);
		expect(state.scan).toBeNull();
		expect(polls).toBeGreaterThan(3);
		// The runs that arrived while the last stretch was read: read by the next scan.
		const last = runPoll(flow, state, { maxListRequests: 3 });
		emitted.push(...ids(last.runs));
		state = last.state;
		expect(emitted.slice().sort()).toEqual(backlog.map((run) => run.id).sort());
		expect(runPoll(flow, state).runs).toEqual([]);
	});

	test('sustained overload (runs arriving faster than a poll reads): delayed, never lost or repeated', () => {
		const flow = new FakeFlow();
		const options = { pageSize: 5, maxListRequests: 2, limits: { maxDone: 100 } };
		let { state } = runPoll(flow, undefined, options);
		const started = [];
		const emitted = [];
		let resumed = 0;
		for (let round = 0; round < 12; round++) {
			for (let i = 0; i < 25; i++) {
				flow.clockMs += 10;
				started.push(flow.start({ finished: true }).id);
			}
			const result = runPoll(flow, state, options);
			state = result.state;
			emitted.push(...ids(result.runs));
			if (state.scan) resumed++;
		}
		for (let i = 0, quiet = false; i < 500 && !quiet; i++) {
			const result = runPoll(flow, state, options);
			state = result.state;
			emitted.push(...ids(result.runs));
			quiet = result.runs.length === 0 && !state.scan && result.stats.caughtUp; // read from the top down to the boundary
		}
		expect(resumed).toBeGreaterThan(5);
		expect(state.scan).toBeNull();
		expect(state.lost).toBe(0);
		expect(emitted.slice().sort()).toEqual(started.slice().sort());
		expect(JSON.stringify(state).length).toBeLessThan(8 * 1024);
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
// The seven cases of issue 14, reproduced against the previous trigger (regression tests)

describe('issue 14 regressions', () => {
	const history = (flow, count) => {
		for (let i = 0; i < count; i++) {
			flow.clockMs += 1000;
			flow.start({ finished: true });
		}
	};
	const newRuns = (flow, count) => {
		const made = [];
		for (let i = 0; i < count; i++) {
			flow.clockMs += 1000;
			made.push(flow.start({ finished: true }).id);
		}
		return made;
	};

	test('1. entries without run_start_time (absent or null): activation fails clearly; nothing is re-emitted', () => {
		for (const startTimes of ['missing', 'null']) {
			const flow = new FakeFlow({ startTimes });
			history(flow, 50);
			const activation = runPoll(flow, undefined, { pageSize: 100 });
			expect(activation.listingError).toBeInstanceOf(TriggerListingError);
			expect(activation.listingError.message).toBe(`The run listing of flow "${FLOW}" gives no start times`);
			expect(activation.listingError.description).toMatch(/run_start_time/);
		}
		// Start times missing only while a run is going: exact, and requests do not grow with history, but
		// for the look at where the dated rows end every END_PROBE_EVERY_POLLS polls (s15n): logarithmic in it.
		const flow = new FakeFlow({ startTimes: 'null-while-running' });
		history(flow, 400);
		let { state } = runPoll(flow, undefined, { pageSize: 100 });
		const emitted = [];
		const expected = [];
		for (let poll = 0; poll < 40; poll++) {
			expected.push(...newRuns(flow, 20));
			const result = runPoll(flow, state, { pageSize: 100 });
			const probed = state.endProbe?.wait === 0;
			const rows = flow.ordered().length;
			expect(result.requests.filter((r) => r.kind === 'list').length).toBeLessThanOrEqual(probed ? 2 + 2 * Math.ceil(Math.log2(rows / 100)) + 3 : 2);
			emitted.push(...ids(result.runs));
			state = result.state;
		}
		expect(emitted).toEqual(expected);
	});

	test('2. pages capped below the limit (10, 50): a short page is not the end of the listing', () => {
		for (const pageCap of [10, 50]) {
			for (const total of [true, false]) {
				const flow = new FakeFlow({ pageCap, total });
				history(flow, 30);
				let { state } = runPoll(flow, undefined, { pageSize: 100 });
				const emitted = [];
				const expected = [];
				for (let poll = 0; poll < 3; poll++) {
					expected.push(...newRuns(flow, pageCap + 5));
					const result = runPoll(flow, state, { pageSize: 100 });
					emitted.push(...ids(result.runs));
					state = result.state;
				}
				expect(emitted).toEqual(expected);
			}
		}
	});

	test('3. 2,000 runs in one millisecond: each emitted once, the state stays bounded', () => {
		const flow = new FakeFlow();
		history(flow, 10);
		let { state } = runPoll(flow, undefined);
		flow.clockMs += 1000;
		const batch = [];
		for (let i = 0; i < 2000; i++) batch.push(flow.start({ finished: true }).id);
		const first = runPoll(flow, state, { pageSize: 100 });
		expect(ids(first.runs).sort()).toEqual(batch.slice().sort());
		const bytes = JSON.stringify(first.state).length;
		expect(bytes).toBeLessThan(8 * 1024); // was 53,736 bytes with 2,000 done entries
		expect(first.state.done.length).toBeLessThanOrEqual(500);
		state = first.state;
		// Later polls, with the group reordered each time: nothing again, and one page each.
		const reordered = new FakeFlow({ reorderTies: true });
		reordered.runs = flow.runs;
		reordered.clockMs = flow.clockMs;
		reordered.seq = flow.seq;
		for (let poll = 0; poll < 3; poll++) {
			const result = runPoll(reordered, state, { pageSize: 100 });
			expect(result.runs).toEqual([]);
			expect(result.requests.length).toBe(1);
			state = result.state;
		}
		const late = newRuns(reordered, 3);
		expect(ids(runPoll(reordered, state, { pageSize: 100 }).runs)).toEqual(late);
	});

	test('4. Fetch Full Status: within the time budget, one failure marks one run, nothing is asked again', () => {
		const flow = new FakeFlow();
		let { state } = runPoll(flow, undefined);
		const made = newRuns(flow, 6);
		const poll = new TriggerPoll(readTriggerState(state, FLOW), baseOptions({ fetchFullStatus: true }));
		let details = 0;
		for (let request; (request = poll.next(false, details >= 3)); ) {
			if (request.kind === 'list') poll.listed(flow.list(request.offset, request.limit));
			else if (details++ === 1) poll.detailFailed('Vishwa answered HTTP 500');
			else poll.statusAnswered({ ...flow.status(request.runId), detail: true });
		}
		const result = poll.result();
		expect(ids(result.runs)).toEqual(made);
		expect(details).toBe(3); // the budget was spent after three: the other three are not asked
		// Emitted oldest first; the status answers were asked newest first.
		expect(result.runs.map((run) => run.fullStatusError ?? (run.body.detail ? 'full' : 'entry'))).toEqual([
			"not fetched: the poll's time was spent",
			"not fetched: the poll's time was spent",
			"not fetched: the poll's time was spent",
			'full',
			'not fetched: Vishwa answered HTTP 500',
			'full',
		]);
		const next = runPoll(flow, result.state, { fetchFullStatus: true });
		expect(next.runs).toEqual([]);
		expect(next.requests.filter((r) => r.kind === 'status')).toEqual([]);
	});

	test('5. more runs deleted from the top between two page requests than the page overlap: nothing skipped', () => {
		const flow = new FakeFlow();
		history(flow, 30);
		let { state } = runPoll(flow, undefined);
		const made = newRuns(flow, 60);
		const doomed = made.slice(-15);
		let deleted = 0;
		const result = runPoll(flow, state, {}, {
			beforeRequest: (request) => {
				if (request.kind === 'list' && request.offset > 0 && deleted < 15) {
					flow.deleteTop(5);
					deleted += 5;
				}
			},
		});
		const kept = made.filter((id) => !doomed.includes(id));
		expect(ids(result.runs).filter((id) => !doomed.includes(id))).toEqual(kept);
	});

	test('6. a server that ignores offset: what fits on the first page is exact, the rest is reported, never repeated', () => {
		const flow = new FakeFlow({ ignoreOffset: true });
		history(flow, 30);
		let { state } = runPoll(flow, undefined);
		const few = newRuns(flow, 3);
		const quiet = runPoll(flow, state);
		expect(ids(quiet.runs)).toEqual(few);
		expect(quiet.requests.length).toBe(1);
		const many = newRuns(flow, 25);
		const over = runPoll(flow, state = quiet.state);
		expect(ids(over.runs)).toEqual(many.slice(-10));
		expect(over.state.lost).toBe(1);
		expect(over.warnings[0]).toMatch(/ignores "offset"/);
		expect(over.requests.length).toBeLessThanOrEqual(4);
		const after = runPoll(flow, over.state);
		expect(after.runs).toEqual([]);
		expect(after.requests.length).toBe(1); // no gap that costs requests every poll
	});
});

// ---------------------------------------------------------------------------------------------
// Issue 14 review: what an independent attack (test/attack, test/trigger.attack.test.js) broke

describe('issue 14 review regressions', () => {
	test('a run pushed into a millisecond of more than 50 runs at the boundary, while paging, is emitted by the next poll', () => {
		const flow = new FakeFlow();
		for (let i = 0; i < 10; i++) {
			flow.clockMs += 1000;
			flow.start({ finished: true });
		}
		let { state } = runPoll(flow, undefined);
		flow.clockMs += 1000;
		const group = [];
		for (let i = 0; i < 102; i++) group.push(flow.start({ finished: true }).id);
		let late;
		const first = runPoll(flow, state, {}, {
			beforeRequest: (request) => {
				if (request.kind === 'list' && request.offset > 0 && !late) late = flow.start({ finished: true }).id; // same millisecond, listed first
			},
		});
		expect(ids(first.runs).sort()).toEqual(group.slice().sort());
		expect(first.state.hwmAll).toBe(false); // too many to remember by id: the floor tells
		const second = runPoll(flow, first.state);
		expect(ids(second.runs)).toEqual([late]);
		expect(runPoll(flow, second.state).runs).toEqual([]);
	});

	test('a scan whose first page holds only running runs without a start time still moves the boundary (no repeat once done evicts)', () => {
		const flow = new FakeFlow({ startTimes: 'null-while-running' });
		for (let i = 0; i < 10; i++) {
			flow.clockMs += 1000;
			flow.start({ finished: true });
		}
		const options = { pageSize: 5, limits: { maxDone: 5 } };
		let { state } = runPoll(flow, undefined, options);
		const made = [];
		for (let i = 0; i < 10; i++) {
			flow.clockMs += 1000;
			made.push(flow.start({ finished: true }).id);
		}
		for (let i = 0; i < 5; i++) {
			flow.clockMs += 1000;
			flow.start(); // running, no start time listed: the whole first page
		}
		const emitted = [];
		for (let poll = 0; poll < 4; poll++) {
			const result = runPoll(flow, state, options);
			emitted.push(...ids(result.runs));
			state = result.state;
		}
		expect(emitted).toEqual(made);
		expect(state.hwm).not.toBeNull();
		expect(state.pending).toHaveLength(5);
	});

	test('pages refused or empty below the first page: the scan ends there and reports the runs out of reach once', () => {
		const flow = new FakeFlow();
		for (let i = 0; i < 20; i++) {
			flow.clockMs += 1000;
			flow.start({ finished: true });
		}
		let { state } = runPoll(flow, undefined);
		const made = [];
		for (let i = 0; i < 40; i++) {
			flow.clockMs += 1000;
			made.push(flow.start({ finished: true }).id);
		}
		// Also a server capping pages at 3 (of 5 asked): its pages of 3 are full, and the page before the
		// empty one, asked once more, comes back full again (control for the cap dropped once a page
		// gives all asked, and for the empty page asked again: v14f defect 3).
		for (const how of ['refused', 'empty', 'capped']) {
			const poll = new TriggerPoll(readTriggerState(state, FLOW), baseOptions());
			const asked = [];
			for (let request; (request = poll.next()); ) {
				if (request.kind !== 'list') throw new Error('no status request expected');
				asked.push(request.offset);
				if (request.offset < 15) poll.listed(flow.page(request.offset, how === 'capped' ? Math.min(3, request.limit) : request.limit).runs);
				else if (how === 'refused') poll.listRefused();
				else poll.listed([]);
			}
			const result = poll.result();
			expect(ids(result.runs)).toEqual(made.slice(-ids(result.runs).length));
			expect(result.runs.length).toBeGreaterThanOrEqual(15);
			expect(result.state.lost).toBe(1);
			expect(result.warnings[0]).toMatch(/ended at offset \d+, before the runs the trigger had read/);
			// The empty offset was asked twice, the page before it in between (a refused one: once).
			const last = asked[asked.length - 1];
			expect(asked.filter((offset) => offset === last)).toHaveLength(how === 'refused' ? 1 : 2);
		}
		// A short listing ending above its boundary because old runs were deleted is not a loss.
		const small = new FakeFlow();
		for (let i = 0; i < 3; i++) small.start({ finished: true, startMs: BASE_MS + i });
		const activation = runPoll(small, undefined);
		for (const run of small.runs.values()) small.delete(run);
		small.clockMs += 1000;
		const fresh = small.start({ finished: true }).id;
		const after = runPoll(small, activation.state);
		expect(ids(after.runs)).toEqual([fresh]);
		expect(after.state.lost).toBe(0);
	});

	test('a listing capping each page at random that empties offsets past some depth: the scan ending there after a short page reports the runs below (attack sweep pageCapVaries seeds 61, 834); one whose old runs were deleted does not', () => {
		const flow = new FakeFlow();
		for (let i = 0; i < 20; i++) {
			flow.clockMs += 1000;
			flow.start({ finished: true });
		}
		const { state } = runPoll(flow, undefined);
		const made = [];
		for (let i = 0; i < 40; i++) {
			flow.clockMs += 1000;
			made.push(flow.start({ finished: true }).id);
		}
		// Caps per request: a full first page, then short ones; offsets past 12 come empty (a page asked at
		// 12 or above it still holds rows past that depth, as a server that checks only `offset` does).
		const caps = [10, 6, 4, 9, 6, 7];
		const poll = new TriggerPoll(readTriggerState(state, FLOW), baseOptions());
		const asked = [];
		for (let request; (request = poll.next()); ) {
			if (request.kind !== 'list') throw new Error('no status request expected');
			const cap = caps[asked.length % caps.length];
			asked.push(request.offset);
			poll.listed(request.offset > 12 ? [] : flow.page(request.offset, Math.min(cap, request.limit)).runs);
		}
		const result = poll.result();
		const emitted = ids(result.runs);
		expect(emitted).toEqual(made.slice(-emitted.length));
		expect(emitted.length).toBeLessThan(made.length);
		expect(result.state.lost).toBe(1);
		expect(result.warnings[0]).toMatch(/ended at offset \d+, before the runs the trigger had read/);
		// Asked: 0, 9 (short: 9-14), 15 (empty), 14 (the row above it: empty too), 9 again (lists row 14
		// again), 15 (empty): the loss.
		expect(asked).toEqual([0, 9, 15, 14, 9, 15]);
		// The control: a listing whose older runs were all deleted ends after a short page too; the row
		// above that end, asked once more, is there: no loss. Then the same with the newest run deleted
		// just before that row is asked (the listing's end moves up; the row comes empty): the short page,
		// asked once more, no longer reaches it: no loss either (attack sweep seed 222: a false loss reported before that).
		const small = new FakeFlow();
		for (let i = 0; i < 3; i++) small.start({ finished: true, startMs: BASE_MS + i });
		const activation = runPoll(small, undefined);
		for (const run of small.runs.values()) small.delete(run);
		const fresh = [];
		for (let i = 0; i < 7; i++) {
			small.clockMs += 1000;
			fresh.push(small.start({ finished: true }).id);
		}
		for (const deleteBeforeCheck of [false, true]) {
			const later = new TriggerPoll(readTriggerState(activation.state, FLOW), baseOptions());
			const laterAsked = [];
			let lastEmpty;
			let deleted = false;
			for (let request; (request = later.next()); ) {
				if (deleteBeforeCheck && !deleted && request.offset === lastEmpty - 1) {
					small.deleteTop(1);
					deleted = true;
				}
				const page = small.page(request.offset, Math.min(caps[laterAsked.length % caps.length], request.limit)).runs;
				laterAsked.push(request.offset);
				if (page.length === 0) lastEmpty = request.offset;
				later.listed(page);
			}
			const after = later.result();
			expect(laterAsked).toEqual(deleteBeforeCheck ? [0, 6, 7, 6, 6] : [0, 6, 7, 6, 7]);
			// The run deleted was read on the first page: emitted.
			expect(ids(after.runs)).toEqual(fresh);
			expect(after.state.lost).toBe(0);
			expect(after.warnings).toEqual([]);
		}
	});

	test('a state saved by main before this change (dist of main, four runs, one running) loads (as version 3) and carries on', () => {
		// Produced by main's built TriggerPoll (commit dbfb46e): activation of run_1..run_3 finished, run_4 running.
		const at = (s) => Date.parse('2026-01-01T00:00:00.000Z') + s * 1000;
		const saved = { v: 2, flow: FLOW, hwm: at(4), hwmIds: ['run_4'], hwmAll: true, floor: at(1), done: [['run_1', at(1)], ['run_2', at(2)], ['run_3', at(3)]], pending: [['run_4', at(4)]], scan: null, lost: 0 };
		// Read as version 3. run_1, at the floor, may be a mark the version 2 stamped for a run without a
		// start time: it is known by id from then on (and back in `done` once listed with its start time).
		expect(readTriggerState(saved, FLOW)).toEqual({ ...saved, v: STATE_VERSION, done: saved.done.slice(1), undated: [['run_1', null]] });
		// A resume point with the count of polls that could not read past it (new, optional) loads too.
		const scan = { top: at(4), topIds: ['run_4'], topAll: true, anchor: at(2), anchorIds: ['run_2'], position: 3 };
		expect(readTriggerState({ ...saved, scan: { ...scan, stalls: 7 } }, FLOW).scan).toEqual({ ...scan, stalls: 7 });
		expect(readTriggerState({ ...saved, scan }, FLOW).scan).toEqual(scan);
		expect(readTriggerState({ ...saved, scan: { ...scan, stalls: 'x' } }, FLOW)).toBeUndefined();
		const flow = new FakeFlow();
		for (let i = 1; i <= 4; i++) flow.start({ finished: i < 4, startMs: at(i) });
		flow.finish(flow.runs.get('run_4'));
		flow.clockMs = at(5);
		flow.start({ finished: true });
		const next = runPoll(flow, saved);
		expect(ids(next.runs).sort()).toEqual(['run_4', 'run_5']);
		expect(ids(runPoll(flow, next.state).runs)).toEqual([]);
	});

	test('an oldest-first listing activated while all its runs shared one second: new runs listed below its old first page are reported or refused, never missed silently (model seed 1639 after activation)', () => {
		const outcome = (size, fresh) => {
			const flow = new FakeFlow({ order: 'oldest-first', startTimes: 'iso-seconds' });
			for (let i = 0; i < 6; i++) flow.start({ finished: true });
			const activation = runPoll(flow, undefined, { pageSize: size, maxListRequests: 3 });
			expect(activation.failed).toBeUndefined();
			flow.clockMs += 2000;
			const runs = [];
			for (let i = 0; i < fresh; i++) runs.push(flow.start({ finished: true }));
			let state = activation.state;
			const emitted = [];
			let warnings = 0;
			let refused = 0;
			const polls = (count) => {
				for (let i = 0; i < count; i++) {
					const result = runPoll(flow, state, { pageSize: size, maxListRequests: 3 });
					if (result.failed) {
						refused++;
						continue;
					}
					emitted.push(...ids(result.runs));
					warnings += result.warnings.length;
					state = result.state;
				}
			};
			polls(5);
			// Then newer runs again, below the old first page (now older than the boundary).
			flow.clockMs += 2000;
			for (let i = 0; i < fresh; i++) runs.push(flow.start({ finished: true }));
			polls(5);
			expect(new Set(emitted).size).toBe(emitted.length);
			return { missed: runs.filter((run) => !emitted.includes(run.id)).length, warnings, refused };
		};
		for (const [size, fresh] of [[5, 20], [5, 3], [10, 40], [5, 200]]) {
			const { missed, warnings, refused } = outcome(size, fresh);
			if (missed > 0) expect(warnings + refused).toBeGreaterThan(0);
		}
	});
	test('a listing that is not newest first is refused on its first page', () => {
		const poll = new TriggerPoll(undefined, baseOptions());
		poll.next();
		const entry = (id, ms) => ({ run_id: id, run_start_time: new Date(BASE_MS + ms).toISOString(), run_status: 'completed' });
		expect(() => poll.listed([entry('a', 1), entry('b', 2), entry('c', 3)])).toThrow(TriggerListingError);
		// Runs of one start time, and a newest-first page, are fine.
		const ok = new TriggerPoll(undefined, baseOptions());
		ok.next();
		expect(() => ok.listed([entry('c', 3), entry('b', 3), entry('a', 1)])).not.toThrow();
	});
	test('activation over a block of rows without a start time in a stable order, runs deleted at the top between its requests: steps back as often as needed, and no run that finished before activation is emitted (review v17r F2)', () => {
		// Nulls first: 12 runs that failed before they started (u0-u11, a stable order) above 5 dated runs,
		// Page Size 5. Before activation's requests 1, 3, 5 and 7 the top run is deleted, before request 9
		// the top two. Each of the first four pages at 4 shares no run with the page before, the page at 0
		// asked again shows the page before shifted up by one (the link found again). Before, those four
		// step-backs spent the scan's cap (v16r D1), so the page at 4 after the double deletion (u10 u11 d0..)
		// was read on: u9 was never listed, and the next poll emitted it as a new run.
		const runs = [
			...Array.from({ length: 12 }, (_, i) => ({ run_id: `u${i}`, run_status: 'failed', run_start_time: null })),
			...Array.from({ length: 5 }, (_, i) => ({ run_id: `d${i}`, run_status: 'succeeded', run_start_time: new Date(BASE_MS + (5 - i) * 1000).toISOString() })),
		];
		const deleteBefore = new Map([[1, 1], [3, 1], [5, 1], [7, 1], [9, 2]]);
		const options = baseOptions({ pageSize: 5, nowMs: BASE_MS + 60000 });
		const activation = new TriggerPoll(undefined, options);
		const asked = [];
		for (let request; (request = activation.next(false)); ) {
			runs.splice(0, deleteBefore.get(asked.length) ?? 0);
			asked.push(request.offset);
			activation.listed(runs.slice(request.offset, request.offset + request.limit));
		}
		const first = activation.result();
		expect(first.runs).toEqual([]);
		const next = new TriggerPoll(readTriggerState(JSON.parse(JSON.stringify(first.state)), FLOW), options);
		for (let request; (request = next.next(false)); ) {
			if (request.kind === 'list') next.listed(runs.slice(request.offset, request.offset + request.limit));
			else next.statusAnswered(undefined);
		}
		const second = next.result();
		expect(ids(second.runs)).toEqual([]);
		expect(second.state.lost ?? 0).toBe(0);
		// The fifth step back (the page at 0 asked again after the double deletion) is taken too.
		expect(asked.slice(0, 11)).toEqual([0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0]);
	});
	test('the same with pages capped at random (2-5 rows of Page Size 5): a page asked again that shows the page before whole in its middle, or only the middle of it, found the link too (review v17r F2)', () => {
		// 40 runs that failed before they started above 50 dated ones; before each request of activation after
		// its first, with probability 0.3, the newest 1-2 runs deleted; each page capped at random. Seed 128
		// emitted one such run at the next poll when only pages asked again beginning or ending with the page
		// before's runs counted as the link found.
		let seed = 128;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		const runs = [
			...Array.from({ length: 40 }, (_, i) => ({ run_id: `u${i}`, run_status: 'failed', run_start_time: null })),
			...Array.from({ length: 50 }, (_, i) => ({ run_id: `d${i}`, run_status: 'succeeded', run_start_time: new Date(BASE_MS + (50 - i) * 1000).toISOString() })),
		];
		const before = new Set(runs.map((run) => run.run_id));
		const options = baseOptions({ pageSize: 5, nowMs: BASE_MS + 1e7 });
		let state;
		const emitted = [];
		for (let pollNo = 1; pollNo <= 3; pollNo++) {
			const poll = new TriggerPoll(readTriggerState(state, FLOW), options);
			let n = 0;
			for (let request; (request = poll.next(false)); n++) {
				if (request.kind !== 'list') {
					poll.statusAnswered(undefined);
					continue;
				}
				if (pollNo === 1 && n > 0 && random() < 0.3) runs.splice(0, 1 + Math.floor(random() * 2));
				poll.listed(runs.slice(request.offset, request.offset + 2 + Math.floor(random() * 4)));
			}
			const result = poll.result();
			state = JSON.parse(JSON.stringify(result.state));
			emitted.push(...ids(result.runs));
		}
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
	});
	/**
	 * The harsh model of review v17r F2's open case: 200 runs that failed before they started (no start time,
	 * listed first, in a stable order) above 100 dated runs, Page Size 5; before half of activation's requests
	 * after its first, the newest 1-8 runs deleted. Then 5 polls with 0-3 new runs that fail before they start
	 * (listed on top) and 0-2 new dated runs each, and 4 quiet polls.
	 */
	function harshBlock(seed) {
		const rng = prng(seed);
		const undated = Array.from({ length: 200 }, (_, i) => ({ run_id: `u${i}`, run_status: 'failed', run_start_time: null }));
		const dated = Array.from({ length: 100 }, (_, i) => ({ run_id: `d${i}`, run_status: 'succeeded', run_start_time: new Date(BASE_MS + (100 - i) * 1000).toISOString() }));
		const before = new Set([...undated, ...dated].map((run) => run.run_id));
		const fresh = [];
		const emitted = [];
		let state;
		let warnings = 0;
		let maxBytes = 0;
		let activationRequests = 0;
		for (let pollNo = 1; pollNo <= 10; pollNo++) {
			if (pollNo > 1 && pollNo <= 6) {
				for (let i = rng.int(0, 3); i > 0; i--) {
					fresh.push(`n${fresh.length}`);
					undated.unshift({ run_id: fresh[fresh.length - 1], run_status: 'failed', run_start_time: null });
				}
				for (let i = rng.int(0, 2); i > 0; i--) {
					fresh.push(`n${fresh.length}`);
					dated.unshift({ run_id: fresh[fresh.length - 1], run_status: 'succeeded', run_start_time: new Date(BASE_MS + 200000 + pollNo * 1000 + i).toISOString() });
				}
			}
			const poll = new TriggerPoll(readTriggerState(state, FLOW), baseOptions({ pageSize: 5, nowMs: BASE_MS + 1e6 + pollNo * 60000 }));
			let n = 0;
			for (let request; (request = poll.next(false)); n++) {
				if (request.kind !== 'list') {
					poll.statusAnswered(undefined);
					continue;
				}
				if (pollNo === 1 && n > 0 && rng.chance(0.5)) undated.splice(0, rng.int(1, 8));
				poll.listed([...undated, ...dated].slice(request.offset, request.offset + request.limit));
			}
			const result = poll.result();
			if (pollNo === 1) activationRequests = n;
			state = JSON.parse(JSON.stringify(result.state));
			maxBytes = Math.max(maxBytes, JSON.stringify(state).length);
			expect((state.undatedGap ?? []).length).toBeLessThanOrEqual(10);
			emitted.push(...ids(result.runs));
			warnings += result.warnings.length;
		}
		return { before, fresh, emitted, lost: state.lost, warnings, maxBytes, activationRequests };
	}
	test('activation over a block of 200 rows without a start time while 1-8 runs are deleted at the top before half its requests: no run that finished before activation is emitted, and every run after it is emitted once or reported (review v17r F2, its open case: seeds 22, 29, 47, 55 and 90 of these 100 emitted 1-4 such runs on the build before)', () => {
		const requests = [];
		for (let seed = 1; seed <= 100; seed++) {
			const { before, fresh, emitted, lost, warnings, maxBytes, activationRequests } = harshBlock(seed);
			requests.push(activationRequests);
			expect({ seed, old: emitted.filter((id) => before.has(id)) }).toEqual({ seed, old: [] });
			expect(new Set(emitted).size).toBe(emitted.length);
			const missed = fresh.filter((id) => !emitted.includes(id)).length;
			if (missed > 0) {
				expect(lost).toBeGreaterThanOrEqual(missed);
				expect(warnings).toBeGreaterThan(0);
			}
			expect(maxBytes).toBeLessThan(64 * 1024);
		}
		// The steps back past the caps cost a few requests (about 106 on average before, 115 now).
		expect(requests.reduce((a, b) => a + b) / requests.length).toBeLessThan(130);
	});
	/** 12 runs that failed before they started (nulls first) over 5 dated ones, Page Size 5; `poll(state)` runs one
	 * poll over `rows` as they are then and returns its result (state as saved). */
	const blockOverDated = () => {
		const rows = [
			...Array.from({ length: 12 }, (_, i) => ({ run_id: `u${i}`, run_status: 'failed', run_start_time: null })),
			...Array.from({ length: 5 }, (_, i) => ({ run_id: `d${i}`, run_status: 'succeeded', run_start_time: new Date(BASE_MS + (5 - i) * 1000).toISOString() })),
		];
		const options = baseOptions({ pageSize: 5, nowMs: BASE_MS + 60000 });
		const poll = (state) => {
			const next = new TriggerPoll(readTriggerState(state, FLOW), options);
			for (let request; (request = next.next(false)); ) {
				if (request.kind === 'list') next.listed(rows.slice(request.offset, request.offset + request.limit));
				else next.statusAnswered(undefined);
			}
			const result = next.result();
			return { ...result, state: JSON.parse(JSON.stringify(result.state)) };
		};
		return { rows, poll };
	};
	test('a saved `undatedGap` (activation may have skipped rows of the block on top): a new run without a start time listed above its runs is emitted, one listed below them is held back and reported once, and a poll that read the block in one stretch from the top clears it (review v17r F2)', () => {
		const outcome = (dropSeparators) => {
			const { rows, poll } = blockOverDated();
			const activation = poll(undefined);
			expect(activation.state.undatedGap).toBeUndefined();
			// As an activation that skipped x1 (listed below u5) would have left it: u4, u5 read just above it.
			const saved = { ...activation.state, undatedGap: ['u4', 'u5'] };
			rows.splice(6, 0, { run_id: 'x1', run_status: 'failed', run_start_time: null });
			rows.unshift({ run_id: 'n1', run_status: 'failed', run_start_time: null });
			if (dropSeparators) rows.splice(1, 6); // u0-u5 deleted since
			const second = poll(saved);
			const third = poll(second.state);
			return { second, third };
		};
		const kept = outcome(false);
		expect(ids(kept.second.runs)).toEqual(['n1']);
		expect(kept.second.state.lost).toBe(1);
		expect(kept.second.warnings).toEqual([expect.stringMatching(/^1 finished run of flow "flow-model" listed without a start time was not emitted: when the trigger was activated, runs were deleted at the top/)]);
		expect(kept.second.state.undatedGap).toBeUndefined();
		expect(ids(kept.third.runs)).toEqual([]);
		expect(kept.third.state.lost).toBe(1);
		expect(kept.third.warnings).toEqual([]);
		// Its runs gone from the listing: n1 cannot be told from x1, both held back and reported, never emitted.
		const gone = outcome(true);
		expect(ids(gone.second.runs)).toEqual([]);
		expect(gone.second.state.lost).toBe(2);
		expect(ids(gone.third.runs)).toEqual([]);
		expect(gone.third.state.lost).toBe(2);
		// A saved gap with more runs than it holds is not this version's: activation again.
		expect(readTriggerState({ ...kept.second.state, undatedGap: Array.from({ length: 11 }, (_, i) => `r${i}`) }, FLOW)).toBeUndefined();
	});
	test('a saved `undatedGap` in a listing left with no dated row: a scan that reads it from the top to its end in one stretch clears it, and runs that fail before they start are emitted again (review v18b F4: kept for good, every such run reported instead)', () => {
		const { rows, poll } = blockOverDated();
		const activation = poll(undefined);
		rows.splice(12); // every dated run deleted since
		rows.unshift({ run_id: 'n1', run_status: 'failed', run_start_time: null });
		const second = poll({ ...activation.state, undatedGap: ['u4', 'u5'] });
		expect(second.state.undatedGap).toBeUndefined();
		rows.unshift({ run_id: 'n2', run_status: 'failed', run_start_time: null });
		const third = poll(second.state);
		expect(ids(third.runs)).toEqual(['n2']);
		expect(third.state.lost).toBe(second.state.lost);
	});
	test('activation whose steps back past the caps run out (5 runs deleted at the top before each of its first 118 requests past the top, 330 rows without a start time over 20 dated runs, Page Size 5): it warns once, the rows of the block it skipped are held back and reported at the next poll (once), a run failing before it starts since, on top, is emitted (review v17r F2)', () => {
		const rows = [
			...Array.from({ length: 330 }, (_, i) => ({ run_id: `u${i}`, run_status: 'failed', run_start_time: null })),
			...Array.from({ length: 20 }, (_, i) => ({ run_id: `d${i}`, run_status: 'succeeded', run_start_time: new Date(BASE_MS + (20 - i) * 1000).toISOString() })),
		];
		const before = new Set(rows.map((row) => row.run_id));
		const listedAtActivation = new Set();
		const options = baseOptions({ pageSize: 5, nowMs: BASE_MS + 1e6 });
		const poll = (state, activation = false) => {
			const next = new TriggerPoll(readTriggerState(state, FLOW), options);
			let n = 0;
			for (let request; (request = next.next(false)); n++) {
				if (request.kind !== 'list') {
					next.statusAnswered(undefined);
					continue;
				}
				if (activation && request.offset > 0 && n < 118) rows.splice(0, 5);
				const page = rows.slice(request.offset, request.offset + request.limit);
				if (activation) for (const row of page) listedAtActivation.add(row.run_id);
				next.listed(page);
			}
			const result = next.result();
			return { ...result, state: JSON.parse(JSON.stringify(result.state)) };
		};
		const first = poll(undefined, true);
		expect(first.warnings.filter((warning) => warning.startsWith('Activation of flow "flow-model" may have skipped runs'))).toHaveLength(1);
		expect(first.state.lost).toBe(1);
		expect(first.state.undatedGap.length).toBeGreaterThan(0);
		const skipped = rows.filter((row) => row.run_start_time === null && !listedAtActivation.has(row.run_id)).map((row) => row.run_id);
		expect(skipped.length).toBeGreaterThan(0);
		rows.unshift({ run_id: 'n1', run_status: 'failed', run_start_time: null });
		const second = poll(first.state);
		expect(ids(second.runs)).toEqual(['n1']);
		expect(second.state.lost).toBe(1 + skipped.length);
		expect(second.warnings).toEqual([expect.stringContaining(`${skipped.length} finished runs of flow "flow-model" listed without a start time were not emitted`)]);
		expect(second.state.undatedGap).toBeUndefined();
		const third = poll(second.state);
		expect(ids(third.runs)).toEqual([]);
		expect(third.state.lost).toBe(1 + skipped.length);
		expect([...ids(second.runs), ...ids(third.runs)].filter((id) => before.has(id))).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------
// Randomized model test

/**
 * One long random scenario against a listing whose behaviours are drawn at random from the stand-in's
 * list (test/standin/listing.js): start-time formats, page caps, `total` or not, `offset` ignored,
 * repeated ids, ties reordered between polls, inserts and deletions at the top between page requests.
 * The model keeps within the documented limits that no listing behaviour can lift: runs running at
 * activation are among the newest ACTIVATION_SCAN_RUNS, a run missing from a listing is among the
 * newest `lookback` runs.
 */
function scenario(seed, forced = {}) {
	const rng = prng(seed);
	const listing = drawListing(rng, forced);
	const flow = new FakeFlow(listing);
	const pageSize = rng.pick([5, 10, 20, 100]);
	const filter = rng.pick(['any', 'any', 'succeeded', 'failed']);
	const maxListRequests = rng.pick([3, 5, MAX_LIST_REQUESTS_PER_POLL]);
	const lookback = lookbackRuns(Math.min(pageSize, listing.pageCap || pageSize)); // half a page as served
	const limits = { maxDone: rng.pick([100, 200, 500]) };
	// Runs that fail before they start (never a start time), drawn from a stream of their own so that
	// every other scenario stays as it was: in about a third of the scenarios, nulls first or in place,
	// sometimes more of them than the trigger remembers (`undated`, a documented limit, reported).
	const urng = prng(seed * 31 + 7);
	const undatedRuns = forced.undated !== false && !unusableListing(listing) && urng.chance(0.35);
	const undatedRate = undatedRuns ? urng.pick([0.1, 0.3]) : 0;
	if (undatedRuns) {
		flow.nullsFirst = urng.chance(0.5);
		limits.maxUndated = urng.pick([40, MAX_UNDATED, MAX_UNDATED]);
		// Nulls last (MySQL, SQLite), opt-in: a listing never read to its end while such a run sits there
		// cannot show that it puts them last, and that miss is silent (a documented limit, s14n), so the
		// default seeds do not draw it. TRIGGER_MODEL_NULLS_LAST=1 draws it in half the in-place ones.
		if (process.env.TRIGGER_MODEL_NULLS_LAST && !flow.nullsFirst) flow.nullsLast = prng(seed * 31 + 11).chance(0.5);
	}
	const undatedCount = () => [...flow.runs.values()].filter((run) => run.undated).length;
	/** Rows a page steps down the listing, net of the runs pushed in on top before the next page. */
	const netRowsPerPage = Math.max(1, Math.min(pageSize, listing.pageCap ?? Infinity) - (listing.insertsBetweenPages || 0));
	/** Rows the listing shows without a start time now (failed before they started, or running where it hides the start). */
	const shownWithoutStart = () => [...flow.runs.values()].filter((run) => !run.deleted && (run.undated || (!run.finished && listing.startTimes === 'null-while-running'))).length;
	/** Whether `line` is the read-on report and the listing shows at least the rows its pages could step past. */
	const readOnReportTrue = (line) => {
		const pages = undatedReadOnPages(line);
		return pages !== undefined && shownWithoutStart() >= pages * netRowsPerPage;
	};
	/** Runs without a start time already emitted kept out of the listing, with the polls they still miss. */
	const undatedHidden = new Map();
	const options = { pageSize, filter, maxListRequests, limits };
	const stats = { runs: 0, polls: 0, failedPolls: 0, faults: 0, shifts: 0, deletions: 0, hidden: 0, restarts: 0, rollbacks: 0, deleted: 0, scans: 0, requests: 0, warnings: 0, reorderedWarnings: 0, watchLimitWarnings: 0, undatedLimitWarnings: 0, warningTexts: [], listingErrors: 0, undated: 0, hiddenUndated: 0 };
	let maxStateBytes = 0;
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

	const pastIds = new Set([...flow.runs.values()].filter((run) => run.finished).map((run) => run.id));
	const emitted = [];
	// Every run id listed on a page answered to a poll whose result was kept (not one that failed).
	const shown = new Set();
	const finishedAfter = new Set();
	const markFinished = (run) => {
		if (!pastIds.has(run.id)) finishedAfter.add(run.id);
	};
	let saved;
	let lastEmittedSave;

	const poll = ({ clean = false, onResult } = {}) => {
		stats.polls++;
		// A run missing from this poll's listing: one of the newest `lookback`, in a poll without
		// runs pushed in or deleted while paging (so fewer than `lookback` runs the trigger sees are newer).
		flow.hidden.clear();
		let hiding = false;
		if (!clean && saved && rng.chance(0.15)) {
			const top = flow.ordered(lookback);
			if (top.length) {
				flow.hidden.add(rng.pick(top).id);
				stats.hidden++;
				hiding = true;
			}
		}
		// Runs without a start time already emitted, missing from the listing (anywhere in it: they are
		// known by id, not by place) for one to three polls (review v2r D1: emitted again when back).
		if (!clean && saved && undatedRuns && urng.chance(0.3)) {
			const seen = new Set(emitted);
			const known = [...flow.runs.values()].filter((run) => run.undated && !run.deleted && seen.has(run.id));
			for (let i = urng.int(1, 5); i > 0 && known.length; i--) {
				undatedHidden.set(urng.pick(known).id, urng.int(1, 3));
				stats.hiddenUndated++;
			}
		}
		for (const [id, polls] of undatedHidden) {
			if (clean || polls === 0) undatedHidden.delete(id);
			else {
				flow.hidden.add(id);
				undatedHidden.set(id, polls - 1);
			}
		}
		const failAt = !clean && saved && rng.chance(0.15) ? rng.int(0, 4) : -1;
		const result = runPoll(flow, saved, options, {
			outOfTimeAfter: !clean && rng.chance(0.1) ? rng.int(1, 3) : Infinity,
			beforeRequest: (request, index) => {
				stats.requests++;
				if (index === failAt) {
					stats.faults++;
					throw new Error(`injected ${request.kind} fault`);
				}
				if (clean || hiding || request.kind !== 'list' || request.offset === 0) return;
				if (listing.insertsBetweenPages > 0 && rng.chance(0.3)) {
					stats.shifts++;
					for (let i = rng.int(1, listing.insertsBetweenPages); i > 0; i--) {
						tick();
						const run = startRandomRun(rng.chance(0.5));
						if (run.finished) markFinished(run);
					}
				}
				if (listing.deletesAtTopBetweenPages > 0 && rng.chance(0.3)) {
					stats.deletions++;
					const count = rng.int(1, listing.deletesAtTopBetweenPages);
					stats.deleted += count;
					flow.deleteTop(count);
				}
			},
		});
		flow.hidden.clear();
		if (result.listingError) {
			stats.listingErrors++;
			return [];
		}
		if (result.failed) {
			stats.failedPolls++;
			return [];
		}
		if (onResult) onResult(result);
		for (const id of result.listedIds) shown.add(id);
		if (result.state.scan) stats.scans++;
		stats.warnings += result.warnings.length;
		// A listing that reorders ties per poll draws a new order at every request from the top: a poll
		// that asked for the top twice (a page asked again further up after runs were deleted above) saw
		// ties reordered between two of its requests, the per-request limit (s14j: seed 271 on a path
		// the v14e defect 2 fix took, lists 0,4,0,4,8,10). The same holds for a block of rows without a
		// start time bigger than a page (nulls first), one group of ties (s14n: seed 271 again).
		const topRequests = result.requests.filter((request) => request.kind === 'list' && request.offset === 0).length;
		const reorderedInPoll = listing.reorderTies === true && topRequests > 1;
		// More runs running than the watch list holds (MAX_PENDING) is a documented limit, whatever the
		// listing does: excused only when the model really had that many runs going (seed 2101: 360-562
		// runs running under a 300-run watch list, 21 reports taken for losses without a limit exceeded).
		const overWatchLimit = running().length > (limits.maxPending ?? MAX_PENDING);
		for (const line of result.warnings) {
			if (reorderedInPoll && (line.includes('started at the same time differently on each request') || line.includes('without a start time (still running, or failed before they started) together'))) {
				stats.reorderedWarnings++;
			}
			else if (overWatchLimit && line.includes('are running than the trigger can watch')) stats.watchLimitWarnings++;
			// More runs without a start time than `undated` holds (deleted ones count too): a documented limit.
			else if (undatedCount() > (limits.maxUndated ?? MAX_UNDATED) && line.includes('listed without a start time')) stats.undatedLimitWarnings++;
			// More rows without a start time on top (nulls first) than one poll reads past: a documented limit, excused
			// where the report is true: the listing shows at least as many such rows as the poll's pages could step past,
			// net of the runs pushed in on top between two pages (seeds 3349, 6202, 6240).
			else if (flow.nullsFirst && readOnReportTrue(line)) stats.undatedLimitWarnings++;
			// The top re-read (f15b) shares the scan's 100 pages past the budget: cut, it is that same limit, said
			// for the rows pushed in on top; excused where the listing shows at least as many rows without a
			// start time as those pages could step past (seed 6240: 499 running, 150 pages of net 2 rows).
			else if (flow.nullsFirst && line.includes('had runs pushed in on top of rows without a start time') && shownWithoutStart() >= (maxListRequests + 100) * netRowsPerPage) stats.undatedLimitWarnings++;
			// Seen to put them last, then longer than a poll reads (documented, reported once).
			else if (flow.nullsLast && line.includes('puts runs without a start time last')) stats.undatedLimitWarnings++;
			else stats.warningTexts.push(line);
		}
		if (process.env.TRIGGER_TRACE_WARN) for (const warning of result.warnings) console.log(`poll ${stats.polls}: ${running().length} running: ${warning}`);
		maxStateBytes = Math.max(maxStateBytes, JSON.stringify(result.state).length);
		if (process.env.TRIGGER_WATCH) console.log(`watch poll ${stats.polls}: pending ${result.state.pending.some(([id]) => id === process.env.TRIGGER_WATCH)} done ${result.state.done.some(([id]) => id === process.env.TRIGGER_WATCH)} undated ${JSON.stringify((result.state.undated ?? []).find(([id]) => id === process.env.TRIGGER_WATCH))} floor ${result.state.floor - BASE_MS} hwm ${result.state.hwm - BASE_MS} start ${flow.runs.get(process.env.TRIGGER_WATCH)?.startMs - BASE_MS} undatedN ${(result.state.undated ?? []).length} scan ${JSON.stringify(result.state.scan && [result.state.scan.top - BASE_MS, result.state.scan.anchor - BASE_MS])} finished ${flow.runs.get(process.env.TRIGGER_WATCH)?.finished} without a start time ${flow.runs.get(process.env.TRIGGER_WATCH)?.undated} hidden ${flow.hidden.has(process.env.TRIGGER_WATCH)} emitted ${ids(result.runs).includes(process.env.TRIGGER_WATCH)}`);
		if (process.env.TRIGGER_TRACE_ALL) console.log(`poll ${stats.polls}: hwm ${result.state.hwm - BASE_MS} floor ${result.state.floor - BASE_MS} scan ${JSON.stringify(result.state.scan && { ...result.state.scan, top: result.state.scan.top - BASE_MS, anchor: result.state.scan.anchor - BASE_MS })} emitted ${ids(result.runs)} lists ${result.requests.filter((r) => r.kind === 'list').map((r) => r.offset)}`);
		if (process.env.TRIGGER_TRACE && ids(result.runs).includes(process.env.TRIGGER_TRACE)) {
			const run = flow.runs.get(process.env.TRIGGER_TRACE);
			console.log(`poll ${stats.polls} emitted ${run.id} (start ${run.startMs - BASE_MS}, past ${pastIds.has(run.id)}); before: ${JSON.stringify(saved && { ...saved, done: saved.done.length })}; requests ${JSON.stringify(result.requests)}; after ${JSON.stringify({ ...result.state, done: result.state.done.length })}; emitted before: ${emitted.filter((id) => id === run.id).length}`);
		}
		saved = result.state;
		if (result.runs.length || !lastEmittedSave) lastEmittedSave = saved;
		emitted.push(...ids(result.runs));
		return result.runs;
	};

	// Activation: retried until it succeeds (like activating again after an error).
	for (let i = 0; i < 5 && !saved; i++) poll({ clean: true });
	if (!saved) return { seed, listing, emitted, expected: [], allowed: new Set(), stats, quiet: [], saved: undefined, options, maxStateBytes };

	const steps = rng.int(150, 400);
	for (let step = 0; step < steps; step++) {
		if (undatedRuns && urng.chance(undatedRate)) {
			stats.runs++;
			stats.undated++;
			markFinished(flow.start({ outcome: 'failed', finished: true, runType: 'api', undated: true }));
		}
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
			if (candidates.length) {
				flow.delete(rng.pick(candidates));
				stats.deleted++;
			}
		} else if (roll < 0.7) {
			// n8n 1.x restarting: static data last written with an emission comes back.
			saved = JSON.parse(JSON.stringify(lastEmittedSave));
			stats.rollbacks++;
			if (process.env.TRIGGER_TRACE_ALL) console.log(`rollback to hwm ${saved.hwm - BASE_MS}`);
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
	// A poll that finishes a resumed scan may have no budget left to read what arrived above it: the
	// drain goes on until a poll reads from the top to the boundary, emits nothing, and leaves nothing
	// to resume or watch.
	let caughtUp = false;
	let drained = [];
	const unsettled = () => !caughtUp || drained.length || (saved && (saved.scan || saved.pending.length));
	for (let i = 0; i < 2000 && (i < 2 || unsettled()); i++) {
		drained = poll({ clean: true, onResult: (result) => (caughtUp = result.stats.caughtUp) });
	}
	const shownBeforeQuiet = new Set(shown);
	const quiet = poll({ clean: true });

	const outcomeOf = (id) => flow.runs.get(id).outcome;
	const matching = [...finishedAfter].filter((id) => filter === 'any' || outcomeOf(id) === filter);
	// A run deleted before it was emitted need not be; one emitted and then deleted is fine.
	const expected = matching.filter((id) => !flow.runs.get(id).deleted);
	const undatedRows = undatedRuns ? (flow.nullsFirst ? 'nulls first' : flow.nullsLast ? 'nulls last' : 'in place') : undefined;
	return { seed, listing, emitted, expected, allowed: new Set(matching), stats, quiet, shownBeforeQuiet, saved, options, maxStateBytes, undatedRows };
}

/** The pages named by the read-on report of a nulls-first listing (rows without a start time on every page a poll read), if `line` is one. */
function undatedReadOnPages(line) {
	const match = /showed only rows without a start time .* on the (\d+) pages this poll read/.exec(line);
	return match ? Number(match[1]) : undefined;
}

/** Checks one scenario; returns a failure line, or undefined. */
function judge(result) {
	const { seed, listing, emitted, expected, stats, quiet, options, maxStateBytes, undatedRows } = result;
	const counts = new Map();
	for (const id of emitted) counts.set(id, (counts.get(id) || 0) + 1);
	const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
	const missing = expected.filter((id) => !counts.has(id));
	const extra = [...counts.keys()].filter((id) => !result.allowed.has(id));
	const problems = [];
	const refusedLater = listing.order === 'oldest-first' && stats.listingErrors > 0;
	if (unusableListing(listing) && (listing.order !== 'oldest-first' || refusedLater)) {
		// No start times at all: the trigger refuses (clearly) rather than guess; it never emits.
		// Oldest first (start times given): refused at activation when a page there shows the order; after
		// activation a page's order alone cannot tell it from a newest-first listing by creation with queue
		// delays (a run created later, started earlier, listed above; docs/trigger.md "is sorted oldest
		// first", v14d defect C: refusing such a page failed polls at random on a new flow listed by
		// creation, test/trigger.attack.test.js), so the poll fails only once the first page is old runs
		// oldest first with more below. Runs read and emitted before that (model seeds 4074, 5714: a new
		// flow, or one activated while its runs shared one second) really finished after activation; each
		// must be emitted once and be one the listing could emit; what is not emitted is reported by the
		// refusal (every later poll fails, saying why). Until a page holds two start times the listing is
		// the same as newest first, and judged as one below.
		const datedOldestFirst = listing.order === 'oldest-first' && !UNUSABLE_START_TIMES.includes(listing.startTimes);
		if (!datedOldestFirst && emitted.length) problems.push(`emitted ${emitted.length} runs from a listing it refused`);
		if (datedOldestFirst && repeated.length) problems.push(`repeated ${repeated} from a listing it refused`);
		if (datedOldestFirst && extra.length) problems.push(`extra ${extra} from a listing it refused`);
		if (datedOldestFirst && quiet.length) problems.push(`a quiet poll emitted ${quiet.length} from a listing it refused`);
		if (stats.runs > 0 && stats.listingErrors === 0) problems.push('no listing error');
	} else {
		if (repeated.length) problems.push(`repeated ${repeated}`);
		if (extra.length) problems.push(`extra ${extra}`);
		// A loss is allowed only where a documented limit was exceeded, and then it is reported.
		if (missing.length && stats.warnings === 0) problems.push(`missing (unreported) ${missing}`);
		// Ties in a new order on every request: a group bigger than a page may hide runs, reported (the
		// trigger cannot tell whether it did), like an ignored offset.
		const mayReport = listing.ignoreOffset || listing.reorderTies === 'per-request';
		const unexcused = stats.warnings - stats.reorderedWarnings - stats.watchLimitWarnings - stats.undatedLimitWarnings;
		if (!mayReport && unexcused > 0) problems.push(`${unexcused} loss warnings without a limit exceeded`);
		// Each limit's report only where that limit is: a listing with a stable tie order (or one that
		// reorders only from poll to poll, in polls that asked for the top once) is never reported as
		// reordering on each request, whatever else it does (churn, repeats, an ignored offset: v14e
		// defect 1), nor an honest offset as ignored.
		const reportedAs = (pattern) => stats.warningTexts.filter((text) => pattern.test(text)).length;
		const reorderReports = reportedAs(/orders runs that started at the same time differently on each request/);
		if (mayReport && listing.reorderTies !== 'per-request' && reorderReports > 0) {
			problems.push(`${reorderReports} reports of a tie order changing on each request, from a listing that does not`);
		}
		const offsetReports = reportedAs(/ignores "offset"/);
		if (mayReport && !listing.ignoreOffset && offsetReports > 0) problems.push(`${offsetReports} reports of an ignored offset, from a listing that honours it`);
		// The quiet poll after the drain must emit nothing: the drain ended at a poll that read from the top
		// down to its boundary and its look-back (`stats.caughtUp`), emitted nothing, and left nothing to
		// resume or watch. One case is not a late emission (model seeds 2363, 3019): a listing that ignores
		// `offset` answers every request with its first page, so what the trigger is shown is the listing's
		// choice, not its requests'. A finished run in a group of ties cut by that page's end, listed below
		// the page by this poll's tie order, lies below the look-back in the stretch a drain poll already
		// reported as unseen ("ignores offset ... Runs below that page that finished were not seen"); no
		// request can reach it (every offset gives the same page) and no status request can ask for it (the
		// trigger never learnt its id), so the polls that counted themselves caught up read all they could.
		// When a later tie order lists it on that page, it is emitted then, once (a repeat or an extra still
		// fails above): a reported loss recovered, not a miss. Excused only where all of that holds: the
		// listing ignores offset, the loss was reported as such, and no poll kept before the quiet one was
		// shown the run at all (one shown, running or finished, was the trigger's to watch or emit).
		const offsetReported = listing.ignoreOffset && offsetReports > 0;
		const late = quiet.filter((run) => !(offsetReported && result.shownBeforeQuiet && !result.shownBeforeQuiet.has(run.runId)));
		if (late.length) problems.push(`a quiet poll emitted ${late.length}`);
	}
	if (maxStateBytes >= 48 * 1024) problems.push(`state of ${maxStateBytes} bytes`);
	return problems.length ? `seed ${seed} ${JSON.stringify({ ...options, listing, undatedRows })}: ${problems.join('; ')}` : undefined;
}

const MODEL_SEEDS = Number(process.env.TRIGGER_MODEL_SEEDS || 300);
/**
 * Seeds known to fail (the test fails if a listed seed passes, so a fix shows); only documented limits.
 * Issue 14b fixed the six left by issue 14 (56, 106, 135, 189, 217, 230): the resume point is found
 * by start time, an ignored offset is confirmed by a far probe, a short page of read runs is not the
 * end, the look-back reads whole milliseconds. s14v fixed the six found when the model began drawing
 * runs that fail before they start (259, 277, 1467, 1511, 1553, 2055; replayed by name below), s14x 2204.
 * Seed 5168 failed on d56b13a with a quiet poll emitting a run (docs/trigger.md Limits (6): nulls first, pages of 5, the
 * ~135 rows without a start time in a new order on each request; a run that failed before it started was not
 * shown to the poll that counted itself caught up, and was emitted once by the next); it passes since s14z
 * (dbfe1f7), whose change took the scenario down another path: the class remains, so a seed of it may turn up
 * (offset honoured there, so the judge's excuse for seeds 2363 and 3019 does not cover it).
 * Seed 5945 (nulls first, ~1,500 runs running without a start time; one report also named an ignored offset on a
 * listing that honours it: a false cause, no run missed) passes since this session's merges (f15b's top re-read
 * changed its requests); its class was not traced.
 * Seeds 2363 and 3019 (s16k) were the judge's, not the trigger's: a listing that ignores offset, the quiet poll
 * emitting once a run no kept poll was ever shown (see `judge`); replayed by name below.
 */
const KNOWN_MODEL_FAILURES = [];

// s16k: seeds 2363 and 3019 were KNOWN_MODEL_FAILURES ("a quiet poll emitted 1"). Traced: a listing that ignores
// offset, pages capped at 7, ties reordered per poll (2363, ms) or per request (3019, whole seconds). The drain's
// first poll finds the offset ignored and reports the runs below its page unseen (not caught up, seed 1733); the
// next reads the same first page, all known, its look-back (3 runs) done by runs newer than the page's last
// start time, and is caught up; the run left (run_199, run_128) is a tie of that last start time that the order
// of those polls put below the page. No poll kept before the quiet one ever listed it; the quiet one's order
// does, and emits it once. The trigger read all an ignored offset lets it read: the judge excuses exactly that.
describe('model: a run only an ignored offset hid, first listed by the quiet poll, is a reported loss recovered (s16k)', () => {
	test.each([
		[2363, 'run_199', 'pages capped at 7, ties reordered per poll, epoch ms'],
		[3019, 'run_128', 'pages capped at 7, ties reordered per request, epoch seconds, repeats, 5 inserts between pages'],
	])('seed %i: %s emitted once by the quiet poll, never listed to a kept poll before (%s)', (seed, runId) => {
		const result = scenario(seed);
		expect(result.listing.ignoreOffset).toBe(true);
		expect(ids(result.quiet)).toEqual([runId]);
		expect(result.shownBeforeQuiet.has(runId)).toBe(false);
		expect(result.emitted.filter((id) => id === runId)).toHaveLength(1);
		expect(result.expected).toContain(runId);
		expect(result.stats.warningTexts.some((line) => line.includes('ignores "offset"'))).toBe(true);
		expect(judge(result)).toBeUndefined();
	});

	test('the trigger on a minimal such listing (offset ignored, pages capped at 7, 3 ties at the page end in a new order per poll): reported once, the next poll caught up with the tie unseen, emitted once when an order lists it, never again', () => {
		const run = (id, ms) => ({ run_id: id, run_start_time: BASE_MS + ms, run_status: 'completed' });
		/** One poll; every list request gets the first 7 rows of `rows`, whatever its offset. */
		const poll = (state, rows) => {
			const trigger = new TriggerPoll(readTriggerState(state, FLOW), baseOptions());
			const asked = [];
			for (let request; (request = trigger.next()); ) {
				asked.push(request.kind === 'list' ? request.offset : request.runId);
				if (request.kind === 'list') trigger.listed(rows.slice(0, Math.min(7, request.limit)));
				else trigger.statusAnswered(undefined);
			}
			return { ...trigger.result(), asked };
		};
		const old = [700, 600, 500, 400, 300, 200, 100].map((ms, i) => run(`d${7 - i}`, ms));
		const activation = poll(undefined, old);
		expect(activation.stats.offsetIgnored).toBe(true);
		// Five new runs and three of one millisecond (750) below them: the page shows two of the three.
		const news = [840, 830, 820, 810, 800].map((ms, i) => run(`n${5 - i}`, ms));
		const listing = (ties) => [...news, ...ties.map((id) => run(id, 750)), ...old];
		const reported = poll(activation.state, listing(['t1', 't2', 't3']));
		expect(ids(reported.runs).sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 't1', 't2']);
		expect(reported.warnings).toEqual([expect.stringContaining('ignores "offset": only its first page can be read')]);
		expect(reported.stats.caughtUp).toBe(false);
		// The same order: the page is all known, the look-back (3 runs) read above 750: caught up, t3 unseen.
		const caughtUp = poll(reported.state, listing(['t1', 't2', 't3']));
		expect(caughtUp.asked).toEqual([0]);
		expect(ids(caughtUp.runs)).toEqual([]);
		expect(caughtUp.stats.caughtUp).toBe(true);
		// Another order lists t3 on the page: emitted then, once; later orders emit nothing.
		const shown = poll(caughtUp.state, listing(['t3', 't1', 't2']));
		expect(ids(shown.runs)).toEqual(['t3']);
		let state = shown.state;
		for (const ties of [['t2', 't3', 't1'], ['t1', 't3', 't2'], ['t3', 't2', 't1']]) {
			const later = poll(state, listing(ties));
			expect(ids(later.runs)).toEqual([]);
			expect(later.warnings).toEqual([]);
			state = later.state;
		}
		expect(state.lost).toBe(reported.state.lost);
	});

	test('control: the judge still fails a late run a kept poll was shown, a quiet emission without the listing ignoring offset or without its report, a repeat, and a miss unreported (seed 2363)', () => {
		const result = scenario(2363);
		const { stats, emitted } = result;
		expect(judge({ ...result, shownBeforeQuiet: new Set([...result.shownBeforeQuiet, 'run_199']) })).toMatch(/a quiet poll emitted 1$/);
		expect(judge({ ...result, shownBeforeQuiet: undefined })).toMatch(/a quiet poll emitted 1$/);
		expect(judge({ ...result, listing: { ...result.listing, ignoreOffset: false } })).toMatch(/a quiet poll emitted 1$/);
		const unreported = stats.warningTexts.filter((line) => !line.includes('ignores "offset"'));
		expect(judge({ ...result, stats: { ...stats, warningTexts: unreported } })).toMatch(/a quiet poll emitted 1$/);
		expect(judge({ ...result, emitted: [...emitted, 'run_199'] })).toMatch(/repeated run_199/);
		expect(judge({ ...result, emitted: emitted.filter((id) => id !== 'run_199'), quiet: [], stats: { ...stats, warnings: 0 } })).toMatch(/missing \(unreported\) [^;]*\brun_199\b/);
	});
});

test('v14e defect 1: a listing with a stable tie order, or one new only at each listing from the top, is never reported as reordering on each request (seeds 339, 834, 966)', () => {
	// Seeds beyond the default 300 that failed before: runs deleted at the top between two page
	// requests (and an ignored offset in 339 and 834) made a group shown again without a deleted run
	// look reordered, reported as "orders runs ... differently on each request" with nothing missed.
	for (const seed of [339, 834, 966]) expect(judge(scenario(seed, { undated: false }))).toBeUndefined();
});

// Model seeds beyond the default 300 that failed, replayed by name (each failed before its fix).
describe('model seed replays', () => {
	test.each([
		[665, 'a finished run missing from a scan\'s first page, back above its anchor on the resumed pages, is emitted (pages of 7, whole seconds, budget 3)'],
		[610, 'an empty page inside a full page before, after runs were deleted at the top between the two requests, is asked once more and taken for the listing\'s end, not reported (pages of 5, whole seconds, repeats)'],
		[1290, 'a look-back cut short by the budget is resumed below the boundary, where a run missing from the scan\'s first page is back (null start times while running, budget 3)'],
		[1613, 'an oldest-first listing in whole seconds whose next page begins with a run of the first page (second 0) above runs of second 1 is refused at activation, no past run emitted (ties reordered on each request)'],
		[1639, 'an oldest-first listing whose first page is one second is refused at activation once the next page lists a later run below runs of that page, no run missed silently'],
		[1386, 'a listing with no start times at all, activated as a new flow (all runs running), fails its polls once a poll has read only finished runs without a start time: nothing emitted, no silent miss'],
		[2101, 'more runs running than the watch list holds (360-562 under 300): its reports are a limit exceeded, not losses without one (the judge excused only reordered ties; null start times while running, pages of 5)'],
		[1733, 'a listing that ignores offset (pages capped at 7, ties reordered on each request): a poll that reports runs below its first page unseen is not caught up, so the drain reads on until one is, and the quiet poll after it emits nothing'],
		[4074, 'an oldest-first listing of a new flow (epoch ms, pages capped at 7): runs finished after activation are emitted once while no page can tell the order from a listing by creation, and the listing is refused once its first page is old runs oldest first with more below (the judge demanded nothing emitted)'],
		[5714, 'an oldest-first listing activated while its runs shared one second (whole seconds, offset ignored): the same, 11 runs emitted once before the refusal'],
		// s14z2, exposed by s14z's seek (it reads on from the last page skipped, asking it again: one request of 3).
		[4779, 'a run missing from the listing when its part was read, back still running on a page the resumed scan\'s seek skips (three polls), is watched and emitted when it finishes, not left above where the scan reads on (whole seconds, pages capped at 7, repeats, 5 inserts between pages, budget 3, maxDone 100)'],
	])('seed %i: %s', (seed) => {
		expect(judge(scenario(seed, { undated: false }))).toBeUndefined();
	});

	test('control: from an oldest-first listing refused after activation, a run emitted twice, or one that finished before activation, still fails the judge (seed 4074)', () => {
		const result = scenario(4074, { undated: false });
		expect(result.stats.listingErrors).toBeGreaterThan(0);
		expect(result.emitted.length).toBeGreaterThan(0);
		expect(judge({ ...result, emitted: [...result.emitted, result.emitted[0]] })).toMatch(/repeated run_\d+ from a listing it refused/);
		expect(judge({ ...result, emitted: [...result.emitted, 'run_past'] })).toMatch(/extra run_past from a listing it refused/);
	});
	// Found when the model began drawing runs that fail before they start (s14u), each a listing that puts
	// rows without a start time where their creation time puts them (not nulls first), pages of 5, polls
	// cut after 3-5 requests, and each a run missed with no warning before s14v: a page a resumed scan's
	// seek galloped to began with such a run, was taken for one of a nulls-first listing (above the
	// anchor) and read in place, past the rows stepped over. Replayed with those runs drawn.
	test.each([
		[259, 'a run running without a start time, listed on rows the seek stepped over (19-26), is watched and emitted'],
		[277, 'a run that failed before it started, below the anchor where the seek read in place, is not left to the next scan'],
		[1467, 'two runs missed below a page taken for nulls first are emitted'],
		[1511, 'three runs missed below pages taken for nulls first (13 runs to a poll) are emitted'],
		[1553, 'a run running without a start time, on rows the seek stepped over, is watched and emitted'],
		[2055, 'a page at offset 49 starting with a run that failed before it started, below a dated row this poll listed at 42, is not above the anchor: the rows 45-48 the gallop stepped over (a run running there) are read'],
		// s14x, a regression of s14v's rule: the poll's first page has no row listed higher up to judge by.
		[2204, 'a resumed poll\'s first page starting with a run that failed before it started (run_165), its dated rows below the anchor (74000 under 75000), is not above the anchor: the seek steps back, and the run is emitted, not taken for one above the scan\'s top'],
	])('seed %i (runs without a start time in place): %s', (seed) => {
		expect(judge(scenario(seed))).toBeUndefined();
	});
	// Nulls first, runs running without a start time pushed in on top between pages: the read-on is cut and
	// reported each poll (a documented limit). The report said "lists more than N rows" counting rows read,
	// repeats and shifts included (763 with 396 such runs listed), and the judge took it for a loss without
	// a limit exceeded; it now says what the poll saw, and the judge excuses it where the listing really held
	// more such rows than the poll's pages could step past net of the runs pushed in.
	test.each([
		[6202, 'pages of 5 capped at 7, 5 runs pushed in between pages, ties reordered per poll'],
		[6240, 'pages of 100 capped at 7, 5 runs pushed in between pages, repeats, deletes at the top'],
	])('seed %i (nulls first, the read-on past rows without a start time cut and reported): %s', (seed) => {
		const result = scenario(seed);
		expect(result.undatedRows).toBe('nulls first');
		expect(result.stats.undatedLimitWarnings).toBeGreaterThan(0);
		expect(judge(result)).toBeUndefined();
	});
	test.each([
		// s14c: exposed by s14z's seek (another pattern of requests); the gap is older. Nulls first, start
		// times null while running, pages capped at 7, 5 inserts and a delete at the top between pages.
		[5085, 'runs started while a scan from the top read its first pages (all rows without a start time) and pushed in above them, still running, are watched once the scan finds its top: run_302 and run_306 finish with start times under that top, where no scan reads again, and are emitted'],
		[5859, 'the same with a block of some 200 rows without a start time on top (Page Size 100, pages capped at 10, 3 inserts between pages, budget 50): run_480, pushed in above them while the scan read them, is watched and emitted'],
	])('seed %i (runs without a start time listed first): %s', (seed) => {
		const result = scenario(seed);
		expect(result.undatedRows).toBe('nulls first');
		expect(judge(result)).toBeUndefined();
	});
	// s14n (review v14w D4): nulls first, start times null while running, ties reordered on every request,
	// pages of 5. Some 80 rows without a start time lead the listing, in a new order on every request, so
	// the pages read through them each poll need not cover them: run_249 was on none while it ran (never
	// watched), and finished with a start time below the boundary, unseen, with no warning (main d56b13a).
	// Since s14z's fixes this seed happens to catch it; the block read in another order is reported all the same.
	test('seed 3149: a block of rows without a start time on top, bigger than a page and reordered on every request, is reported, and nothing is missed silently', () => {
		const result = scenario(3149);
		expect(result.undatedRows).toBe('nulls first');
		expect(result.stats.warningTexts.some((line) => line.includes('without a start time (still running, or failed before they started) together'))).toBe(true);
		expect(judge(result)).toBeUndefined();
	});
	test('a block of runs running without a start time on top (nulls first), two pages of it showing two of its runs in another order: reported once a poll (lost 1); the same runs in one order: not (review v14w D4)', () => {
		const dated = (id, ms) => ({ run_id: id, run_start_time: new Date(BASE_MS + ms).toISOString(), run_status: 'completed' });
		const running = (id) => ({ run_id: id, run_start_time: null, run_status: 'running' });
		const old = [dated('d3', 3000), dated('d2', 2000), dated('d1', 1000)];
		/** Answers each list request with the next page of `pages` (then empty pages), for one poll. */
		const poll = (state, pages) => {
			const trigger = new TriggerPoll(state, baseOptions({ pageSize: 5 }));
			let served = 0;
			for (let request; (request = trigger.next()); ) {
				if (request.kind === 'list') trigger.listed(pages[served++] ?? []);
				else trigger.statusAnswered(undefined);
			}
			return trigger.result();
		};
		const saved = poll(undefined, [old]).state;
		// Page 0: n1-n5; the next page (offset 4) shows n3 above n1: another order of the same block.
		const shuffled = poll(saved, [
			['n1', 'n2', 'n3', 'n4', 'n5'].map(running),
			[running('n3'), running('n1'), running('n6'), ...old.slice(0, 2)],
			old,
		]);
		expect(shuffled.warnings.filter((line) => line.includes('without a start time (still running, or failed before they started) together'))).toHaveLength(1);
		expect(shuffled.state.lost).toBe(saved.lost + 1);
		const stable = poll(saved, [
			['n1', 'n2', 'n3', 'n4', 'n5'].map(running),
			[running('n5'), running('n6'), ...old.slice(0, 2)],
			old,
		]);
		expect(stable.warnings).toEqual([]);
		expect(stable.state.lost).toBe(saved.lost);
	});
	// s14c (model seed 5085): the scan from the top finds its top on a later page than its first, and a run
	// pushed in above that first page meanwhile, running without a start time, is never listed where that
	// scan reads; finished, its start time is under the scan's top, where no scan reads again.
	test('a run pushed in on top while a scan reads a first page of rows without a start time, still running, is watched once the scan finds its top (model seed 5085)', () => {
		const dated = (id, ms) => ({ run_id: id, run_start_time: new Date(BASE_MS + ms).toISOString(), run_status: 'completed' });
		const running = (id) => ({ run_id: id, run_start_time: null, run_status: 'running' });
		const old = [dated('d3', 3000), dated('d2', 2000), dated('d1', 1000)];
		/** One poll over `rows`; `before(index, rows)` may change them before each list request. */
		const poll = (state, rows, { before = () => {}, status = {} } = {}) => {
			const trigger = new TriggerPoll(state, baseOptions({ pageSize: 5 }));
			const asked = [];
			for (let request; (request = trigger.next()); ) {
				if (request.kind === 'list') {
					before(asked.length, rows);
					asked.push(request.offset);
					trigger.listed(rows.slice(request.offset, request.offset + request.limit));
				} else trigger.statusAnswered(status[request.runId]);
			}
			return { ...trigger.result(), asked };
		};
		const saved = poll(undefined, [...old]).state;
		const rows = [...['n1', 'n2', 'n3', 'n4', 'n5'].map(running), dated('t', 20000), ...old];
		// `p` starts (at 15000 s, listed without a start time while it runs) after the first page was read.
		const second = poll(saved, rows, { before: (index, listing) => index === 1 && listing.unshift(running('p')) });
		expect(second.state.pending.map(([id]) => id)).toContain('p');
		// Read again from the top once, down to n1 (listed before): one request more.
		expect(second.asked.filter((offset) => offset === 0)).toHaveLength(2);
		expect(second.state.hwm).toBe(BASE_MS + 20000);
		// It finishes: its start time (15000) is under the boundary (20000), below where the next scan stops.
		const third = poll(second.state, [...['n1', 'n2', 'n3', 'n4', 'n5'].map(running), dated('t', 20000)], {
			status: { p: dated('p', 15000) },
		});
		expect(third.runs.map((run) => run.runId)).toEqual(['p']);
	});
	// f15b (review v15r D2, D4, topPushHidden.js, topRecheckRunaway.js): the top re-read, asked and ended right.
	describe('the top re-read (a scan from the top whose first page is all rows without a start time)', () => {
		const dated = (id, ms) => ({ run_id: id, run_start_time: new Date(BASE_MS + ms).toISOString(), run_status: 'completed' });
		const running = (id) => ({ run_id: id, run_start_time: null, run_status: 'running' });
		const old = [dated('d3', 3000), dated('d2', 2000), dated('d1', 1000)];
		/** One poll over `rows`; `before(index, rows)` may change them before each list request. */
		const poll = (state, rows, { before = () => {}, status = {}, options = {} } = {}) => {
			const trigger = new TriggerPoll(state, baseOptions({ pageSize: 5, ...options }));
			const asked = [];
			for (let request; (request = trigger.next()); ) {
				if (request.kind === 'list') {
					before(asked.length, rows, request.offset);
					asked.push(request.offset);
					trigger.listed(rows.slice(request.offset, request.offset + request.limit));
				} else trigger.statusAnswered(status[request.runId]);
			}
			return { ...trigger.result(), asked };
		};
		test('a run of the first page finishing as many runs are pushed in above hides the push: the top is read again all the same, and a run pushed in, still running, is watched and emitted (review v15r D2)', () => {
			const saved = poll(undefined, [...old]).state;
			const block = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map(running);
			const rows = [...block, ...old];
			// Before the second request: `p` starts (running, on top); n1, of the first page, finishes (its old
			// start time puts it at the bottom), so every other row stays where it was; six runs started after
			// `p` finish at once, newest 21000, the scan's top.
			const ks = [21000, 20000, 19000, 18000, 17000, 16000].map((ms, index) => dated(`k${index}`, ms));
			const second = poll(saved, rows, {
				before: (index, listing) => {
					if (index !== 1) return;
					listing.splice(0, 1, running('p'));
					listing.splice(6, 0, ...ks);
					listing.push(dated('n1', 500));
				},
			});
			expect(second.state.hwm).toBe(BASE_MS + 21000);
			expect(second.state.pending.map(([id]) => id)).toContain('p');
			// `p` finishes at 15000, under the boundary and past the look-back: only its status tells.
			const third = poll(second.state, [...block.slice(1), ...ks, ...old, dated('n1', 500)], {
				status: { p: dated('p', 15000), n1: dated('n1', 500) },
			});
			expect(third.runs.map((run) => run.runId)).toContain('p');
			expect([...second.runs, ...third.runs].map((run) => run.runId).sort()).toEqual([...ks.map((row) => row.run_id), 'n1', 'p']);
			expect(third.state.lost).toBe(0);
		});
		test('control: the same first page with no new run started (the top not above the boundary) reads the top once', () => {
			const saved = poll(undefined, [...old]).state;
			const quiet = poll(saved, [...['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map(running), ...old]);
			expect(quiet.asked.filter((offset) => offset === 0)).toHaveLength(1);
			expect(quiet.warnings).toEqual([]);
		});
		test('the runs it listed before finish and move far down: the re-read ends at the first row with a start time at or below the top, in one request, no loss reported (review v15r D4)', () => {
			const history = Array.from({ length: 1000 }, (_, index) => dated(`h${index}`, 100000 - index * 10));
			const saved = poll(undefined, [...history]).state;
			const block = ['r5', 'r4', 'r3', 'r2', 'r1', 'r0'].map(running);
			const rows = [...block, ...history];
			const second = poll(saved, rows, {
				before: (index, listing, offset) => {
					// Two runs pushed in on top (the push shows: a re-read is due) and six finished above the history.
					if (index === 1) listing.splice(0, 0, running('q1'), running('q2'));
					if (index === 1) listing.splice(8, 0, ...[6, 5, 4, 3, 2, 1].map((k) => dated(`k${k}`, 100000 + k * 1000)));
					// Before the re-read: the four first-page runs listed above the second page finish, started long ago.
					if (index > 0 && offset === 0 && listing[2].run_id === 'r5') {
						for (const id of ['r5', 'r4', 'r3', 'r2']) listing.splice(listing.findIndex((row) => row.run_id === id), 1);
						listing.push(...['r5', 'r4', 'r3', 'r2'].map((id, k) => dated(id, 10 - k)));
					}
				},
			});
			expect(second.state.lost).toBe(saved.lost);
			expect(second.warnings).toEqual([]);
			expect(second.asked.filter((offset) => offset === 0)).toHaveLength(2);
			expect(second.asked.length).toBeLessThan(10);
			expect(second.state.pending.map(([id]) => id)).toEqual(expect.arrayContaining(['q1', 'q2']));
		});
		test('runs pushed in on top faster than its pages step: past the poll\'s budget it reads within the 100 pages the scan may read on past it (shared, not 100 more of its own), then reports the loss (lost 1, a warning) (review v15r D4)', () => {
			const saved = poll(undefined, [...old]).state;
			let pushed = 0;
			let rereading = false;
			// A block of 60 runs running on top: with a budget of 5 requests the scan reads on past it to its top.
			const rows = [...Array.from({ length: 60 }, (_, index) => running(`n${index}`)), dated('k', 10000), ...old];
			const second = poll(saved, rows, {
				options: { maxListRequests: 5 },
				before: (index, listing, offset) => {
					// Two runs pushed in on top (the push shows), then from the re-read on more runs before every
					// request than a page steps.
					if (index === 1) listing.unshift(running('q1'), running('q2'));
					if (index > 0 && offset === 0) rereading = true;
					if (rereading) listing.unshift(...Array.from({ length: 6 }, () => running(`p${pushed++}`)));
				},
			});
			expect(rereading).toBe(true);
			expect(second.asked.length).toBeLessThanOrEqual(5 + 100 + 1);
			expect(second.state.lost).toBe(saved.lost + 1);
			expect(second.warnings.filter((line) => line.includes('may finish unseen'))).toHaveLength(1);
		});
	});
	// f15b (review v15r D8, clockAhead.js): runs watched at activation with no start time are placed at n8n's
	// clock; with Vishwa's clock a minute ahead that is older than every run read.
	test('activation stopped by its reach, Vishwa\'s clock a minute ahead of n8n\'s, only the newest runs running (no start time, on top): not counted as lost', () => {
		const dated = (id, ms) => ({ run_id: id, run_start_time: new Date(BASE_MS + ms).toISOString(), run_status: 'completed' });
		const running = (id) => ({ run_id: id, run_start_time: null, run_status: 'running' });
		// 700 runs, one every 200 ms, the newest 120 s after n8n's clock (`nowMs` is BASE_MS): activation reads
		// 300 and the page after them (see v17r F1), not to the end.
		const rows = [...['R2', 'R1', 'R0'].map(running), ...Array.from({ length: 700 }, (_, index) => dated(`h${index}`, 120000 - index * 200))];
		const trigger = new TriggerPoll(undefined, baseOptions({ pageSize: 100 }));
		for (let request; (request = trigger.next()); ) {
			if (request.kind === 'list') trigger.listed(rows.slice(request.offset, request.offset + request.limit));
			else trigger.statusAnswered(undefined);
		}
		const result = trigger.result();
		expect(result.warnings).toHaveLength(1);
		expect(result.warnings[0]).toContain('None of the oldest runs read is still running');
		expect(result.state.lost).toBe(0);
		expect(result.state.pending.map(([id]) => id).sort()).toEqual(['R0', 'R1', 'R2']);
	});
});


test('randomized model: every run finishing after activation is emitted exactly once, whatever the listing does', () => {
	const totals = { scenarios: 0, runs: 0, emitted: 0, missingReported: 0 };
	const quirkCounts = {};
	let maxStateBytes = 0;
	const failures = [];
	const first = Number(process.env.TRIGGER_MODEL_FIRST || 1);
	for (let seed = first; seed < first + MODEL_SEEDS; seed++) {
		const result = scenario(seed);
		const failure = judge(result);
		if (failure) failures.push(failure);
		maxStateBytes = Math.max(maxStateBytes, result.maxStateBytes);
		totals.scenarios++;
		totals.emitted += result.emitted.length;
		totals.missingReported += result.expected.filter((id) => !result.emitted.includes(id)).length;
		for (const key of Object.keys(result.stats)) if (typeof result.stats[key] === 'number') totals[key] = (totals[key] || 0) + result.stats[key];
		for (const [name, value] of Object.entries(result.listing)) {
			if (value !== DEFAULT_LISTING[name]) quirkCounts[name] = (quirkCounts[name] || 0) + 1;
		}
	}
	console.log(
		`trigger model: ${totals.scenarios} scenarios, ${totals.runs} runs, ${totals.emitted} emitted, ${totals.polls} polls ` +
			`(${totals.failedPolls} failed by ${totals.faults} faults, ${totals.listingErrors} refused listings), ${totals.requests} requests, ` +
			`${totals.shifts} inserts and ${totals.deletions} deletions while paging, ${totals.hidden} runs missing from a listing, ` +
			`${totals.undated} runs failed before they started (${totals.hiddenUndated} times one already emitted missing from a listing), ` +
			`${totals.restarts} restarts, ${totals.rollbacks} rollbacks, ${totals.scans} polls leaving a scan to resume; ` +
			`largest state ${maxStateBytes} bytes; ${totals.warnings} loss warnings (${totals.missingReported} runs missed, all reported); ` +
			`scenarios per listing behaviour (non-default): ${JSON.stringify(quirkCounts)}`,
	);
	// Failing seeds are reported with their options and listing (rerun one: TRIGGER_MODEL_FIRST=<seed>
	// TRIGGER_MODEL_SEEDS=1, with TRIGGER_TRACE_ALL=1 / TRIGGER_TRACE_PAGES=1). KNOWN_MODEL_FAILURES are
	// the open ones (see the note of issue 14); every other seed must pass, and these must still fail,
	// so a fix shows here until the list is emptied.
	if (failures.length) console.log(`model failures:\n${failures.join('\n')}`);
	const failing = failures.map((failure) => Number(/^seed (\d+)/.exec(failure)[1]));
	expect(failing).toEqual(KNOWN_MODEL_FAILURES.filter((seed) => seed >= first && seed < first + MODEL_SEEDS));
	for (const name of Object.keys(DEFAULT_LISTING)) if (LISTING_QUIRKS[name].length > 1) expect(quirkCounts[name]).toBeGreaterThan(20);
	expect(totals.faults).toBeGreaterThan(100);
	expect(totals.shifts).toBeGreaterThan(100);
	expect(totals.deletions).toBeGreaterThan(100);
	expect(totals.hidden).toBeGreaterThan(100);
	expect(totals.undated).toBeGreaterThan(100);
	expect(totals.hiddenUndated).toBeGreaterThan(50);
	expect(totals.scans).toBeGreaterThan(10);
	expect(ACTIVATION_SCAN_RUNS).toBeGreaterThanOrEqual(200);
});

describe('activation reads on past its runs (review v17r F1, F3)', () => {
	const drive = (rows, options, answer = (offset, limit) => rows.slice(offset, offset + limit)) => {
		const trigger = new TriggerPoll(undefined, baseOptions(options));
		const asked = [];
		for (let request; (request = trigger.next()); ) {
			if (request.kind === 'list') {
				asked.push(request.offset);
				trigger.listed(answer(request.offset, request.limit));
			} else trigger.statusAnswered(undefined);
		}
		return { result: trigger.result(), asked };
	};
	const second = (id, status = 'completed') => ({ run_id: id, run_start_time: '2025-01-01T00:00:00Z', run_status: status });

	test('runs in milliseconds, one a start time: no page more than the one that reaches 300 runs', () => {
		const rows = Array.from({ length: 700 }, (_, index) => ({ run_id: `h${index}`, run_start_time: new Date(BASE_MS - index * 7).toISOString(), run_status: 'completed' }));
		const { result, asked } = drive(rows, { pageSize: 100 });
		// Pages at 0, 98, 196, 294 (then the look at the listing's end, from 394 on): 394 runs, as before.
		expect(asked.slice(0, 4)).toEqual([0, 98, 196, 294]);
		expect(result.warnings.filter((line) => line.startsWith('Activation read the newest 394 runs'))).toHaveLength(1);
	});

	test('a second shared by all 500 runs read, offsets clamped at 350 (the same page again): the read-on ends at the page with no new run, warned', () => {
		const rows = [...Array.from({ length: 497 }, (_, index) => second(`s${index}`)), ...['x0', 'x1', 'x2'].map((id) => second(id, 'running'))];
		const { result, asked } = drive(rows, { pageSize: 100 }, (offset, limit) => rows.slice(Math.min(offset, 350), Math.min(offset, 350) + limit));
		// 0 to 490, then one request far down that finds offsets clamped (the same page): 7 in all, and the last page
		// of the newest second asked again twice (see `askTopGroupAgain`).
		expect(asked.length).toBeLessThanOrEqual(9);
		expect(result.warnings.some((line) => line.startsWith('Activation read the newest'))).toBe(true);
	});

	test('a second shared by 400 runs read to its end: the 3 running runs listed last are watched', () => {
		const rows = [...Array.from({ length: 397 }, (_, index) => second(`s${index}`)), ...['x0', 'x1', 'x2'].map((id) => second(id, 'running'))];
		const { result } = drive(rows, { pageSize: 100 });
		expect(result.state.pending.map(([id]) => id).sort()).toEqual(['x0', 'x1', 'x2']);
		expect(result.warnings).toEqual([]);
	});
});

describe('review v19: activation asks the last page of its newest runs again (review v18b (2))', () => {
	const { World } = require('./attack/world');
	/**
	 * The newest `groupSize` runs share one whole second above 30 older runs, listed in a new order on every
	 * request from request `phase` on; the first `running` of them still run at activation and finish before
	 * the next poll. `rowsOnTop` runs still running without a start time are listed above them (nulls first).
	 * `sideAnswer` replaces the answer to the page asked again. Activation, then `polls` polls.
	 */
	function activateOverGroup({ groupSize, pageSize, phase, running = 0, rowsOnTop = 0, failedOnTop = 0, failuresPerPoll = 0, sideAnswer, polls = 3 }) {
		const world = new World({ startTimes: 'iso-seconds', ties: 'per-request' }, 1);
		world.requestNo = phase;
		const past = new Set();
		for (let i = 0; i < 30; i++) past.add(world.start({ finished: true, at: world.clock + i * 1000 }).id);
		const groupAt = world.clock + 30000 + 300;
		const group = [];
		for (let i = 0; i < groupSize; i++) group.push(world.start({ finished: i >= running, at: groupAt + i }));
		for (const run of group.slice(running)) past.add(run.id);
		const onTop = new Set();
		for (let i = 0; i < rowsOnTop; i++) onTop.add(world.start({ at: groupAt + 500 }).id);
		// Runs that failed before they started: finished, listed without a start time on top too.
		for (let i = 0; i < failedOnTop; i++) {
			const run = world.start({ finished: true, outcome: 'failed', at: groupAt + 500 });
			onTop.add(run.id);
			past.add(run.id);
		}
		const view = world.view.bind(world);
		world.view = (run) => (onTop.has(run.id) ? { ...view(run), run_start_time: null } : view(run));
		const ordered = world.ordered.bind(world);
		world.ordered = () => {
			const all = ordered();
			return [...all.filter((run) => onTop.has(run.id)), ...all.filter((run) => !onTop.has(run.id))];
		};
		world.clock = groupAt + 600;
		let saved;
		let sideAsked = 0;
		const emitted = [];
		const warnings = [];
		for (let poll = 0; poll <= polls; poll++) {
			if (poll === 1) {
				world.clock += 1000;
				for (const run of world.runs.values()) if (!run.finished) world.finish(run);
			}
			if (poll >= 1) for (let i = 0; i < failuresPerPoll; i++) onTop.add(world.start({ finished: true, outcome: 'failed', at: world.clock - 200 }).id);
			const trigger = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize, nowMs: world.clock, maxStatusChecks: 10 }));
			for (let request; (request = trigger.next()); ) {
				if (request.kind !== 'list') {
					const answer = world.status(request.runId);
					trigger.statusAnswered(answer.status === 200 ? answer.body : undefined);
					continue;
				}
				let runs = world.list(request.offset, request.limit).body.runs;
				if (trigger.side === 'topGroup') {
					sideAsked++;
					if (sideAnswer === 'refused') {
						trigger.listRefused();
						continue;
					}
					if (sideAnswer === 'empty') runs = [];
					if (sideAnswer === 'one row') runs = runs.slice(0, 1);
				}
				trigger.listed(runs);
			}
			const result = trigger.result();
			saved = JSON.parse(JSON.stringify(result.state));
			emitted.push(...result.runs.map((run) => run.runId));
			warnings.push(...result.warnings);
		}
		const watched = group.slice(0, running).map((run) => run.id);
		return { emitted, past, watched, lost: saved.lost ?? 0, warnings, sideAsked };
	}

	test.each(['refused', 'empty', 'one row'])('the page asked again answered %s: taken for another order, no run from before activation emitted (review v19 F4: taken for "tells nothing", the run was emitted)', (sideAnswer) => {
		let sideAsked = 0;
		for (let phase = 0; phase < 30; phase++) {
			for (const [groupSize, pageSize] of [[4, 2], [5, 2], [6, 3], [8, 4]]) {
				const seen = activateOverGroup({ groupSize, pageSize, phase, sideAnswer });
				sideAsked += seen.sideAsked;
				expect({ phase, groupSize, past: seen.emitted.filter((id) => seen.past.has(id)) }).toEqual({ phase, groupSize, past: [] });
				if (seen.sideAsked > 0) expect(seen.lost).toBeGreaterThan(0);
			}
		}
		expect(sideAsked).toBeGreaterThan(10);
	});

	test('after activation made its newest second history (reordered on every request, or offsets emptied inside it), runs that fail before they start, listed on top without a start time, are emitted (review v20 F1: placed at the boundary under the floor, each was held back as one `done` let go, until a newer dated run)', () => {
		for (const [ties, offset] of [['per-request', 'honest'], ['per-poll', 'empty']]) {
			const world = new World({ startTimes: 'iso-seconds', ties, offset, offsetMax: 20 }, 1);
			for (let i = 0; i < 30; i++) world.start({ finished: true, at: world.clock + i * 1000 });
			const groupAt = world.clock + 30000 + 300;
			for (let i = 0; i < 30; i++) world.start({ finished: true, at: groupAt + i });
			world.clock = groupAt + 600;
			const failed = new Set();
			const view = world.view.bind(world);
			world.view = (run) => (failed.has(run.id) ? { ...view(run), run_start_time: null, run_status: 'failed' } : view(run));
			const ordered = world.ordered.bind(world);
			world.ordered = () => {
				const all = ordered();
				return [...all.filter((run) => failed.has(run.id)), ...all.filter((run) => !failed.has(run.id))];
			};
			let saved;
			const emitted = [];
			let lost = 0;
			for (let poll = 0; poll < 4; poll++) {
				if (poll > 0) {
					world.clock += 1000;
					failed.add(world.start({ finished: true, at: world.clock }).id);
				}
				const trigger = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize: 3, nowMs: world.clock }));
				for (let request; (request = trigger.next()); ) {
					if (request.kind === 'list') trigger.listed(world.list(request.offset, request.limit).body.runs);
					else trigger.statusAnswered(undefined);
				}
				const result = trigger.result();
				saved = JSON.parse(JSON.stringify(result.state));
				emitted.push(...result.runs.map((run) => run.runId));
				if (poll === 0) lost = saved.lost;
			}
			expect({ ties, activationLost: lost > 0 }).toEqual({ ties, activationLost: true });
			expect({ ties, emitted: emitted.sort() }).toEqual({ ties, emitted: [...failed].sort() });
		}
	});

	test('a block of 21 runs that failed before they started, in a new order on every request, Page Size 7, one more such failure each poll: no run from before activation is emitted, on pages read below a dated row either, but in at most 1 of 200 request phases (review v20 F2)', () => {
		// 198 of these 200 request phases emitted such runs on 1ec3b22; phase 1 did with the block seen in another
		// order (its run was listed below a dated row); one (38) still does: activation never saw the order change
		// (documented, review v20 F2).
		const emittedPast = [];
		for (let phase = 0; phase < 200; phase++) {
			const seen = activateOverGroup({ groupSize: 1, pageSize: 7, phase: phase * 17, failedOnTop: 21, failuresPerPoll: 1, polls: 2 });
			if (seen.emitted.some((id) => seen.past.has(id))) emittedPast.push(phase);
		}
		expect(emittedPast.includes(1)).toBe(false);
		expect(emittedPast.length).toBeLessThanOrEqual(1);
	});

	test('a run of the newest second watched at activation under rows without a start time, ties in a new order on every request: emitted once it finishes, though its status gives it a later millisecond (review v19: deferred to scans that never listed it, for good, not reported)', () => {
		for (let phase = 0; phase < 40; phase++) {
			const seen = activateOverGroup({ groupSize: 3, pageSize: 2, phase: phase * 17, running: 3, rowsOnTop: 3, polls: 4 });
			const missed = seen.watched.filter((id) => !seen.emitted.includes(id));
			expect({ phase, missed: seen.lost > 0 ? [] : missed }).toEqual({ phase, missed: [] });
			expect(seen.emitted.filter((id) => seen.past.has(id))).toEqual([]);
			expect(seen.emitted.filter((id, index) => seen.emitted.indexOf(id) !== index)).toEqual([]);
		}
	});
});

describe('review v21: activation asks the block without start times on top again (review v20 F2)', () => {
	const { rng } = require('./attack/world');
	/**
	 * `nullsOld` runs that failed before they started (no start time) on top, nulls first, above the newest
	 * `groupSize` runs sharing one second and 10 older runs; `ties` 'per-request': the block and the group come
	 * in a new order on every request (mulberry32, `seed`). Activation at Page Size `pageSize`, then 2 polls with
	 * `nullsNew` new such failures on top and one new dated run each, then 2 quiet polls.
	 */
	function blockOverGroup({ seed, pageSize, groupSize, nullsOld, nullsNew, ties = 'per-request', runningInGroup = false, repeatGap = 0 }) {
		const random = rng(seed);
		const block = Array.from({ length: nullsOld }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' }));
		const group = Array.from({ length: groupSize }, (_, i) => ({ run_id: `g${i}`, run_start_time: new Date(BASE_MS - 100000).toISOString(), run_status: 'completed' }));
		const older = Array.from({ length: 10 }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(BASE_MS - 110000 - i * 1000).toISOString(), run_status: 'completed' }));
		const newer = [];
		const before = new Set([...block, ...group, ...older].map((row) => row.run_id));
		// `runningInGroup`: a run still running, without a start time, listed among the group's runs (at a new place
		// on every request where they are reordered).
		const running = { run_id: 'r0', run_start_time: null, run_status: 'running' };
		const listing = () => {
			const order = (rows) => (ties === 'per-request' ? random.shuffled(rows) : rows);
			const groupRows = [...order(group)];
			if (runningInGroup) groupRows.splice(ties === 'per-request' ? Math.floor(random.next() * (groupRows.length + 1)) : 1, 0, running);
			const rows = [...order(block), ...newer, ...groupRows, ...older];
			// `repeatGap`: the block's second run listed again that many rows below (a join without a tiebreaker).
			if (repeatGap > 0) rows.splice(1 + repeatGap, 0, rows[1]);
			return rows;
		};
		let saved;
		let activationRequests = 0;
		const emitted = [];
		const fresh = [];
		for (let poll = 0; poll <= 4; poll++) {
			if (poll === 1 || poll === 2) {
				for (let i = 0; i < nullsNew; i++) {
					fresh.push(`n${fresh.length}`);
					block.unshift({ run_id: fresh[fresh.length - 1], run_start_time: null, run_status: 'failed' });
				}
				fresh.push(`n${fresh.length}`);
				newer.unshift({ run_id: fresh[fresh.length - 1], run_start_time: new Date(BASE_MS + poll * 1000).toISOString(), run_status: 'completed' });
			}
			const trigger = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize, nowMs: BASE_MS + 10000 + poll * 60000 }));
			for (let request; (request = trigger.next()); ) {
				if (poll === 0) activationRequests++;
				if (request.kind === 'list') trigger.listed(listing().slice(request.offset, request.offset + request.limit));
				else trigger.statusAnswered(undefined);
			}
			const result = trigger.result();
			emitted.push(...result.runs.map((run) => run.runId));
			saved = JSON.parse(JSON.stringify(result.state));
		}
		return { emitted, before, fresh, lost: saved.lost ?? 0, activationRequests };
	}

	/** Activation, then a poll each, over `listings` (one `(offset, limit) => rows` a poll) at Page Size
	 * `pageSize`: the run ids emitted. Status requests answer "not found". */
	function pollsOver(listings, pageSize) {
		let saved;
		const emitted = [];
		for (const [poll, listing] of listings.entries()) {
			const trigger = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize, nowMs: BASE_MS + poll * 60000 }));
			for (let request; (request = trigger.next()); ) {
				if (request.kind === 'list') trigger.listed(listing(request.offset, request.limit));
				else trigger.statusAnswered(undefined);
			}
			const result = trigger.result();
			emitted.push(...result.runs.map((run) => run.runId));
			saved = JSON.parse(JSON.stringify(result.state));
		}
		return emitted;
	}

	// Each emitted a run from before activation on the build before: the pages of the block (or of the group)
	// happened to agree, each the one before shifted as runs pushed in above shift it. Seed 13 still did with the
	// page asked again once (it came back the same by chance: asked twice now); seed 3 (Page Size 3) did through a
	// later poll, whose pages of the block in one order cleared the runs held back though one was never listed
	// (a scan from the top asks the block again too now, while runs are held back). The sweep of these shapes,
	// seeds 1-20 (1,620 activations): 94 emitted a run from before on the build before, 0 now.
	test.each([
		{ seed: 7, pageSize: 2, groupSize: 1, nullsOld: 3, nullsNew: 0 },
		{ seed: 13, pageSize: 2, groupSize: 1, nullsOld: 3, nullsNew: 1 },
		{ seed: 4, pageSize: 2, groupSize: 3, nullsOld: 3, nullsNew: 0 },
		{ seed: 4, pageSize: 3, groupSize: 1, nullsOld: 12, nullsNew: 0 },
		{ seed: 3, pageSize: 3, groupSize: 1, nullsOld: 6, nullsNew: 2 },
		{ seed: 18, pageSize: 2, groupSize: 3, nullsOld: 12, nullsNew: 0 },
	])('seed $seed, $nullsOld such runs over a group of $groupSize, Page Size $pageSize, reordered on every request: no run from before activation is emitted, every later run is emitted or reported', (shape) => {
		const { emitted, before, fresh, lost } = blockOverGroup(shape);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(lost).toBeGreaterThanOrEqual(fresh.filter((id) => !emitted.includes(id)).length);
	});

	// Review v20 F4: a run still running, without a start time, listed inside the group at a new place on every
	// request: at Page Size 2 no page listed two runs of the group, which was taken for one run and never asked
	// again, and a run of it no page listed was emitted (each of these did on the build before, and on the one that
	// asked the block again; the sweep of groups of 2-8 under 0-6 such rows, seeds 1-40: 66 of 1,440, then 13, now 3).
	test.each([
		{ seed: 12, pageSize: 2, groupSize: 2, nullsOld: 0 },
		{ seed: 4, pageSize: 2, groupSize: 3, nullsOld: 0 },
		{ seed: 8, pageSize: 2, groupSize: 3, nullsOld: 6 },
		{ seed: 14, pageSize: 3, groupSize: 2, nullsOld: 6 },
	])('seed $seed, a running run without a start time inside a group of $groupSize under $nullsOld such runs, Page Size $pageSize, reordered on every request: no run from before activation is emitted', (shape) => {
		const { emitted, before, fresh, lost } = blockOverGroup({ ...shape, nullsNew: 1, runningInGroup: true });
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(lost).toBeGreaterThanOrEqual(fresh.filter((id) => !emitted.includes(id)).length);
	});

	// Review v21 F1: the page that showed the newest group whole was shifted (runs pushed in above: a probe far
	// down follows), so compared but not read; read again in its place it came capped, without g2. The group
	// counted as shown whole, no page was asked again, and the next poll emitted g2, from before activation
	// (`lost` 0). A page compared but not read no longer shows a group whole.
	test('the newest group shown whole only by a shifted page, the page read in its place capped: the run it left out is not emitted', () => {
		const at = (ms) => new Date(BASE_MS - ms).toISOString();
		const running = (id) => ({ run_id: id, run_start_time: null, run_status: 'running' });
		const done = (id, ms) => ({ run_id: id, run_start_time: at(ms), run_status: 'completed' });
		const blockRows = Array.from({ length: 11 }, (_, i) => running(`b${i}`));
		const g = (id) => done(id, 100000);
		const older = Array.from({ length: 18 }, (_, i) => done(`d${i}`, 110000 + i * 1000));
		const shifted = [blockRows[3], blockRows[10], blockRows[5], blockRows[2], g('g0'), g('g1'), g('g2'), g('g3'), g('g4'), older[0]];
		const capped = [blockRows[4], blockRows[10], blockRows[5], blockRows[6], g('g3'), g('g4'), g('g1'), g('g0')];
		// After the shift: the capped page's rows, then g0 again (a new order) above the older runs.
		const afterShift = [...blockRows.slice(0, 9), ...capped, g('g0'), ...older];
		const full = [...blockRows, g('g3'), g('g4'), g('g1'), g('g0'), g('g2'), ...older];
		let asked9 = 0;
		const activation = (offset, limit) => {
			if (offset === 0) return blockRows.slice(0, 10);
			if (offset === 9) return asked9++ === 0 ? shifted : capped;
			return afterShift.slice(offset, offset + limit);
		};
		const emitted = pollsOver([activation, (offset, limit) => full.slice(offset, offset + limit)], 10);
		expect(asked9).toBeGreaterThanOrEqual(2);
		expect(emitted).toEqual([]);
	});

	// Review v21 F2: a page capped to one row has no overlap with the next; the newest run deleted between the two
	// requests moved the row under it up onto the capped page's offset, and no page of activation listed it (the
	// step back after a page sharing no run with the one before wanted an overlap). The next poll emitted that run,
	// which failed before activation. Now the page after a short page of one run steps back to it.
	test('a page capped to one row, the newest run deleted before the next request: the row it hid is not emitted later', () => {
		const rows = [
			...Array.from({ length: 20 }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' })),
			...Array.from({ length: 10 }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(BASE_MS - 100000 - i * 1000).toISOString(), run_status: 'completed' })),
		];
		const before = new Set(rows.map((row) => row.run_id));
		let requests = 0;
		let cappedAt;
		const activation = (offset, limit) => {
			requests++;
			if (requests === 3) {
				cappedAt = offset;
				return rows.slice(offset, offset + 1);
			}
			if (requests === 4) rows.splice(0, 1);
			return rows.slice(offset, offset + limit);
		};
		const emitted = pollsOver([activation, (offset, limit) => rows.slice(offset, offset + limit)], 7);
		expect(cappedAt).toBeGreaterThan(0);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
	});

	// Review v21 F3: a resumed scan in a group of one millisecond reordered on every request, at Page Size 2, read a
	// few more of its runs each poll, so it never counted as stalled (the anchor's runs changed) and was never given
	// up: no run newer than the scan's top was emitted, for as long as it crept, and nothing was said. A poll that
	// does not get past the anchor's start time is a stall now (100 in a row give the scan up, reported).
	test('a scan creeping through 60 runs of one millisecond reordered on every request: each poll that does not get past them is a stall', () => {
		const random = rng(1);
		const older = Array.from({ length: 10 }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(BASE_MS - 100000 - i * 1000).toISOString(), run_status: 'completed' }));
		let group = [];
		const newer = [];
		let saved;
		const stalls = [];
		for (let poll = 0; poll <= 5; poll++) {
			if (poll === 1) group = Array.from({ length: 60 }, (_, i) => ({ run_id: `g${i}`, run_start_time: new Date(BASE_MS).toISOString(), run_status: 'completed' }));
			if (poll >= 2) newer.unshift({ run_id: `n${poll}`, run_start_time: new Date(BASE_MS + poll * 1000).toISOString(), run_status: 'completed' });
			const trigger = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize: 2, maxListRequests: 5, nowMs: BASE_MS + 10000 + poll * 60000 }));
			for (let request; (request = trigger.next()); ) {
				if (request.kind === 'list') trigger.listed([...newer, ...random.shuffled(group), ...older].slice(request.offset, request.offset + request.limit));
				else trigger.statusAnswered(undefined);
			}
			const result = trigger.result();
			saved = JSON.parse(JSON.stringify(result.state));
			stalls.push(saved.scan?.stalls ?? 0);
		}
		expect(stalls).toEqual([0, 0, 1, 2, 3, 4]);
		expect(saved.lost ?? 0).toBe(0);
	});

	// Review v20 F3: in a stable order, a run of the block listed again a few rows below comes before another run on
	// one page and after it on a later one; compared across all pages, that was taken for another order: the block's
	// unknown runs were held back, every new failure reported instead of emitted (36 of 108 such shapes at a gap of
	// 2 rows, 12 at 3 and 5, on the code before). Such an inversion now asks the block's page again up to 4 times, and
	// a stable order answers the same each time.
	test('a stable block with a run listed again 2-5 rows below: every later run emitted, nothing reported', () => {
		const reported = [];
		for (const repeatGap of [2, 3, 5]) {
			for (const pageSize of [2, 3, 5]) {
				for (const nullsOld of [3, 6, 12]) {
					const { emitted, fresh, lost } = blockOverGroup({ seed: 1, pageSize, groupSize: 1, nullsOld, nullsNew: 1, ties: 'stable', repeatGap });
					if (lost > 0 || emitted.length !== fresh.length) reported.push({ repeatGap, pageSize, nullsOld, lost, emitted });
				}
			}
		}
		expect(reported).toEqual([]);
	});

	// Review v22 F2: on a stable listing, the block's page asked again came capped to one row (too few runs of the
	// block to tell an order by), or came with the block moved up two rows (the newest runs deleted above) and a dated
	// run started since under it: each was taken for another order, and every new failure was held back and
	// reported (24 of 150 such activations with caps at random, 27 of 150 with runs pushed in and deleted). A capped
	// answer is asked again; the block's rows alone are compared; one run of it on a full page, the last of an
	// earlier answer's, is the block moved up.
	test.each(['capped to one row', 'moved up two rows, a dated run under it'])('a stable block whose page asked again comes %s: nothing held back, every later failure emitted', (how) => {
		const t = (ms) => new Date(BASE_MS - ms).toISOString();
		const rows = [
			...Array.from({ length: 7 }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' })),
			{ run_id: 'g0', run_start_time: t(100000), run_status: 'completed' },
			...Array.from({ length: 10 }, (_, i) => ({ run_id: `d${i}`, run_start_time: t(110000 + i * 1000), run_status: 'completed' })),
		];
		const before = new Set(rows.map((row) => row.run_id));
		let blockAsks = 0;
		let saved;
		const emitted = [];
		for (let poll = 0; poll <= 2; poll++) {
			if (poll > 0) rows.unshift({ run_id: `n${poll}`, run_start_time: null, run_status: 'failed' });
			const trigger = new TriggerPoll(readTriggerState(saved, FLOW), baseOptions({ pageSize: 3, nowMs: BASE_MS + poll * 60000 }));
			for (let request; (request = trigger.next()); ) {
				if (request.kind !== 'list') {
					trigger.statusAnswered(undefined);
					continue;
				}
				let page = rows.slice(request.offset, request.offset + request.limit);
				if (trigger.side === 'block' && blockAsks++ === 0) {
					if (how === 'capped to one row') page = page.slice(0, 1);
					else {
						rows.splice(0, 2);
						rows.splice(rows.findIndex((row) => row.run_start_time !== null), 0, { run_id: 'x0', run_start_time: t(50000), run_status: 'completed' });
						page = rows.slice(request.offset, request.offset + request.limit);
					}
				}
				trigger.listed(page);
			}
			const result = trigger.result();
			emitted.push(...result.runs.map((run) => run.runId));
			saved = JSON.parse(JSON.stringify(result.state));
		}
		expect(blockAsks).toBeGreaterThanOrEqual(2);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(saved.lost ?? 0).toBe(0);
		expect(emitted).toEqual(expect.arrayContaining(['n1', 'n2']));
	});

	test('a stable order (control): every later run emitted, nothing reported, activation asks at most 4 pages more than the listing has', () => {
		for (const pageSize of [2, 3, 5]) {
			for (const nullsOld of [3, 6, 12]) {
				for (const runningInGroup of [false, true]) {
					const { emitted, fresh, lost, activationRequests } = blockOverGroup({ seed: 1, pageSize, groupSize: 3, nullsOld, nullsNew: 1, ties: 'stable', runningInGroup });
					expect(emitted.sort()).toEqual([...fresh].sort());
					expect(lost).toBe(0);
					expect(activationRequests).toBeLessThan(Math.ceil((nullsOld + 14) / Math.max(1, pageSize - 1)) + 8);
				}
			}
		}
	});
});
