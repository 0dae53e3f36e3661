/**
 * The Vishwa Trigger's state machine: which finished runs a poll emits and what it remembers for the
 * next poll. Pure code (no n8n, no HTTP, no clock): a poll is a `TriggerPoll` that asks for requests
 * one at a time (`next()`), is fed their answers, and ends with the runs to emit and the new state.
 * The node (VishwaTrigger.node.ts) only sends the requests and stores the state.
 *
 * The listing (VISHWA_API.md): `GET /runs?limit&offset`, newest first by start time. A run keeps its
 * place when it finishes; new runs are pushed in at the top (shifting everything down, also while we
 * page); the listing may be shorter than the history; a run may be missing from one listing and back
 * in the next.
 *
 * The state (the node's workflow static data; JSON; bounded, under 64 KiB):
 * - `hwm`     newest run_start_time seen (ms), and `hwmIds`, the runs seen that started at exactly
 *             that time. A poll reads pages from the top until it is back below it ("the boundary")
 *             and has read `lookbackRuns` runs there, so a run that was missing from the last listing
 *             is caught when it is back.
 * - `floor`   every run that started at or after `floor` and was seen finished is in `done`. So a
 *             finished run that is unknown and started at or after `floor` is new (it finished after
 *             activation, or appeared late) and is emitted; one that started before is old history.
 * - `done`    [run id, start ms] of finished runs seen: the newest MAX_DONE (and DONE_BYTES at most).
 *             Evicting the oldest raises `floor` past them, so memory never grows with the history.
 * - `pending` [run id, start ms] of runs seen unfinished, watched wherever they are in the listing:
 *             from the pages a poll reads, else with the status endpoint (404: dropped). At most
 *             MAX_PENDING (the oldest are dropped first); MAX_STATUS_CHECKS_PER_POLL checked a poll,
 *             in rotation.
 * - `gaps`    stretches of the listing a poll could not finish reading within its request budget (a
 *             backlog after a long outage): the runs below the last one read (`anchor`, its start
 *             time; `anchorIds`, the runs read that started at that same time) down to `bottom` (the
 *             boundary of the poll that left it, with its `bottomIds`).
 *             Later polls find the place again (`position` is a hint; the anchor time decides) and
 *             read on, so a backlog is worked off over several polls, never skipped. While a gap is
 *             `unread`, every finished run in it is new, even below `floor`. At most MAX_GAPS: the
 *             two deepest are then merged, and the merged stretch falls back to the `floor` rule.
 *
 * Activation (no state, or state of another flow): reads up to ACTIVATION_SCAN_RUNS runs, records the
 * finished ones in `done` (never emitted) and the unfinished ones in `pending` (emitted when they
 * finish). A run already running at activation but deeper than that is not watched.
 *
 * The node replaces the saved state only after every request of a poll succeeded, so a failing poll
 * leaves it untouched and the next successful poll catches up. Restoring any earlier saved state (n8n
 * 1.x writes static data only with an emission) is safe: no run emitted after it was saved is in a
 * state older than the emission.
 */
import { VishwaInputError } from './errors';
import { idSegment } from './paths';
import { extractRunId, extractRunStatus, isJsonObject } from './responses';
import {
	classifyStatus,
	DEFAULT_FAILURE_STATUSES,
	DEFAULT_SUCCESS_STATUSES,
	parseStatusList,
	type RunOutcome,
	type StatusLists,
} from './status';

export const STATE_VERSION = 1;

/** The listing's maximum `limit` (the stand-in caps it at 100). */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 100;
/** How many runs activation reads to find the runs already running. */
export const ACTIVATION_SCAN_RUNS = 300;
/** How many runs "Fetch Test Event" looks through for the newest matching finished run. */
export const TEST_EVENT_SCAN_RUNS = 300;
/** Listing requests of one poll; a longer backlog is left as a gap for the next polls. */
export const MAX_LIST_REQUESTS_PER_POLL = 50;
/** Status requests for pending runs that the poll's pages did not show. */
export const MAX_STATUS_CHECKS_PER_POLL = 50;
export const MAX_DONE = 500;
export const DONE_BYTES = 28 * 1024;
export const MAX_PENDING = 300;
export const PENDING_BYTES = 16 * 1024;
export const MAX_GAPS = 8;
/** Runs remembered per gap that started at exactly its anchor time (ties). */
const MAX_ANCHOR_IDS = 20;
/** The same page answered this many times in a row: the scan is chasing (or `offset` is ignored). */
const SAME_PAGE_REPEATS = 3;

/** Which finished runs the trigger emits. */
export type RunFilter = 'succeeded' | 'failed' | 'any';

/** [run id, start time in ms] */
export type RunMark = [string, number];

export interface Gap {
	/** Listing position of the anchor run when last seen: where to start looking. */
	position: number;
	/** Start time of the last run read; the unread runs are below it. */
	anchor: number;
	/** Runs read that started exactly at `anchor`. */
	anchorIds: string[];
	/** Runs that started before this time were read before; null: read to the end of the listing. */
	bottom: number | null;
	/** Runs read before that started exactly at `bottom`. */
	bottomIds: string[];
	/** Whether no run between `anchor` and `bottom` has been read yet. */
	unread: boolean;
}

export interface TriggerState {
	v: typeof STATE_VERSION;
	/** The flow this state belongs to: another flow id starts over with an activation. */
	flow: string;
	hwm: number | null;
	hwmIds: string[];
	floor: number;
	done: RunMark[];
	pending: RunMark[];
	gaps: Gap[];
}

export interface TriggerPollOptions {
	flowId: string;
	filter: RunFilter;
	lists: StatusLists;
	pageSize: number;
	/** Ask for each emitted run's status answer (one request per run read from the listing). */
	fetchFullStatus: boolean;
	/** Wall clock, only used to order runs that carry no start time at all. */
	nowMs: number;
	maxListRequests?: number;
	maxStatusChecks?: number;
	limits?: Partial<StateLimits>;
}

export interface StateLimits {
	maxDone: number;
	doneBytes: number;
	maxPending: number;
	pendingBytes: number;
	maxGaps: number;
}

const DEFAULT_LIMITS: StateLimits = {
	maxDone: MAX_DONE,
	doneBytes: DONE_BYTES,
	maxPending: MAX_PENDING,
	pendingBytes: PENDING_BYTES,
	maxGaps: MAX_GAPS,
};

export type TriggerRequest =
	| { kind: 'list'; offset: number; limit: number }
	| { kind: 'status'; runId: string; purpose: 'pending' | 'detail' };

export interface EmittedRun {
	runId: string;
	startMs: number;
	outcome: 'succeeded' | 'failed';
	/** The listing entry or status answer, untouched. */
	body: Record<string, unknown>;
}

export interface PollStats {
	listRequests: number;
	statusRequests: number;
	entriesRead: number;
	activation: boolean;
	gapsLeft: number;
}

export interface PollResult {
	/** The state to save (even after an activation, which emits nothing). */
	state: TriggerState;
	/** Runs to emit, oldest first. */
	runs: EmittedRun[];
	/** Whether `state` differs from the state the poll started with. */
	changed: boolean;
	stats: PollStats;
}

// ---------------------------------------------------------------------------------------------
// The node's parameters

/** Display names of the trigger's parameters, so errors name what the user sees. */
export const TRIGGER_FIELDS = {
	flowId: 'Flow ID',
	event: 'Trigger On',
	successStatuses: 'Success Statuses',
	failureStatuses: 'Failure Statuses',
	fetchFullStatus: 'Fetch Full Status',
	pageSize: 'Page Size',
	timeout: 'Request Timeout (Ms)',
} as const;

/** The key each emitted item gets with the flow id, unless Vishwa's own answer already has it. */
export const FLOW_ID_KEY = 'flow_id';

export interface TriggerSettings {
	flowId: string;
	filter: RunFilter;
	lists: StatusLists;
	pageSize: number;
	fetchFullStatus: boolean;
	timeoutMs: number | undefined;
}

export interface RawTriggerSettings {
	flowId?: unknown;
	event?: unknown;
	successStatuses?: unknown;
	failureStatuses?: unknown;
	fetchFullStatus?: unknown;
	pageSize?: unknown;
	timeout?: unknown;
}

/** Validates the trigger's parameters; a VishwaInputError names the bad one. */
export function parseTriggerSettings(raw: RawTriggerSettings): TriggerSettings {
	idSegment(raw.flowId, TRIGGER_FIELDS.flowId);
	const flowId = String(raw.flowId).trim();

	const event = raw.event === undefined || raw.event === '' ? 'any' : raw.event;
	if (event !== 'any' && event !== 'succeeded' && event !== 'failed') {
		throw new VishwaInputError(
			`${TRIGGER_FIELDS.event} must be "any", "succeeded" or "failed" (got ${JSON.stringify(event)})`,
			TRIGGER_FIELDS.event,
		);
	}

	const lists: StatusLists = {
		success: raw.successStatuses === undefined ? [...DEFAULT_SUCCESS_STATUSES] : parseStatusList(raw.successStatuses),
		failure: raw.failureStatuses === undefined ? [...DEFAULT_FAILURE_STATUSES] : parseStatusList(raw.failureStatuses),
	};
	for (const [list, field] of [
		[lists.success, TRIGGER_FIELDS.successStatuses],
		[lists.failure, TRIGGER_FIELDS.failureStatuses],
	] as const) {
		if (list.length === 0) {
			throw new VishwaInputError(
				`${field} is empty`,
				field,
				'List at least one run_status value, separated by commas (e.g. completed, succeeded).',
			);
		}
	}
	const both = lists.success.find((status) => lists.failure.includes(status));
	if (both !== undefined) {
		throw new VishwaInputError(
			`Status "${both}" is in both ${TRIGGER_FIELDS.successStatuses} and ${TRIGGER_FIELDS.failureStatuses}`,
			TRIGGER_FIELDS.successStatuses,
			'A status can mean success or failure, not both. Remove it from one of the lists.',
		);
	}

	let pageSize = DEFAULT_PAGE_SIZE;
	if (raw.pageSize !== undefined && raw.pageSize !== '') {
		pageSize = Number(raw.pageSize);
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
			throw new VishwaInputError(
				`${TRIGGER_FIELDS.pageSize} must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${JSON.stringify(raw.pageSize)})`,
				TRIGGER_FIELDS.pageSize,
			);
		}
	}

	let timeoutMs: number | undefined;
	if (raw.timeout !== undefined && raw.timeout !== '') {
		timeoutMs = Number(raw.timeout);
		if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
			throw new VishwaInputError(
				`${TRIGGER_FIELDS.timeout} must be a positive number of milliseconds (got ${JSON.stringify(raw.timeout)})`,
				TRIGGER_FIELDS.timeout,
			);
		}
	}

	return {
		flowId,
		filter: event,
		lists,
		pageSize,
		fetchFullStatus: raw.fetchFullStatus === true,
		timeoutMs,
	};
}

/** An emitted item: Vishwa's fields untouched, plus `flow_id` unless Vishwa sent one itself. */
export function withFlowId(body: Record<string, unknown>, flowId: string): Record<string, unknown> {
	return FLOW_ID_KEY in body ? { ...body } : { ...body, [FLOW_ID_KEY]: flowId };
}

// ---------------------------------------------------------------------------------------------
// Reading the saved state

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isRunMarkList(value: unknown): value is RunMark[] {
	return (
		Array.isArray(value) &&
		value.every((mark) => Array.isArray(mark) && mark.length === 2 && typeof mark[0] === 'string' && isFiniteNumber(mark[1]))
	);
}

function isStringList(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function readGap(value: unknown): Gap | undefined {
	if (!isJsonObject(value)) return undefined;
	const { position, anchor, anchorIds, bottom, bottomIds, unread } = value;
	if (!isFiniteNumber(position) || position < 0 || !isFiniteNumber(anchor)) return undefined;
	if (!(bottom === null || isFiniteNumber(bottom)) || typeof unread !== 'boolean') return undefined;
	if (!isStringList(anchorIds) || !isStringList(bottomIds)) return undefined;
	return { position, anchor, anchorIds: [...anchorIds], bottom, bottomIds: [...bottomIds], unread };
}

/**
 * The saved state if it is well-formed and belongs to `flowId`; `undefined` means the next poll is an
 * activation (first poll, another flow id, or a state this version cannot read).
 */
export function readTriggerState(raw: unknown, flowId: string): TriggerState | undefined {
	if (!isJsonObject(raw)) return undefined;
	if (raw.v !== STATE_VERSION || raw.flow !== flowId) return undefined;
	if (!(raw.hwm === null || isFiniteNumber(raw.hwm)) || !isStringList(raw.hwmIds) || !isFiniteNumber(raw.floor)) {
		return undefined;
	}
	if (!isRunMarkList(raw.done) || !isRunMarkList(raw.pending) || !Array.isArray(raw.gaps)) return undefined;
	const gaps = raw.gaps.map(readGap);
	if (gaps.some((gap) => gap === undefined)) return undefined;
	return {
		v: STATE_VERSION,
		flow: flowId,
		hwm: raw.hwm,
		hwmIds: [...raw.hwmIds],
		floor: raw.floor,
		done: raw.done.map(([id, start]) => [id, start]),
		pending: raw.pending.map(([id, start]) => [id, start]),
		gaps: gaps as Gap[],
	};
}

// ---------------------------------------------------------------------------------------------
// Reading listing entries

/** run_start_time in ms, if the entry has a readable one (ISO text, or epoch seconds or ms). */
export function runStartMs(entry: unknown): number | undefined {
	if (!isJsonObject(entry)) return undefined;
	for (const key of ['run_start_time', 'start_time', 'started_at']) {
		const value = entry[key];
		if (isFiniteNumber(value)) return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
		if (typeof value === 'string' && value.trim() !== '') {
			const ms = Date.parse(value);
			if (!Number.isNaN(ms)) return ms;
		}
	}
	return undefined;
}

export function matchesFilter(outcome: RunOutcome, filter: RunFilter): boolean {
	if (outcome === 'running') return false;
	return filter === 'any' || filter === outcome;
}

/** What a run mark costs in the saved JSON, roughly: `["<id>",1700000000000],`. */
function markBytes(id: string): number {
	return JSON.stringify(id).length + 17;
}

/** Listing page overlap: a run that drops out between two page requests cannot hide at a page edge. */
export function pageOverlap(pageSize: number): number {
	if (pageSize >= 20) return 2;
	if (pageSize >= 3) return 1;
	return 0;
}

/** Runs read below the boundary before a scan stops, to catch a run that was missing last time. */
export function lookbackRuns(pageSize: number): number {
	return Math.max(1, Math.floor(pageSize / 2));
}

// ---------------------------------------------------------------------------------------------
// One poll

/** One contiguous reading of the listing, page after page. */
interface Segment {
	kind: 'activation' | 'top' | 'gap' | 'test';
	offset: number;
	/** Runs that started before this time were read by earlier polls; null: read to the end. */
	bottom: number | null;
	/** Runs read by earlier polls that started exactly at `bottom`. */
	bottomIds: string[];
	/**
	 * Distinct runs read that started before `bottom` (a run seen twice, pushed down while paging,
	 * counts once), and runs read before that started exactly at `bottom`: the look-back counts both
	 * but needs one of the first (so the whole group of runs of that millisecond is read).
	 */
	below: Set<string>;
	atBottom: Set<string>;
	pagesRead: number;
	maxPages: number;
	previousPage: string | undefined;
	repeats: number;
	/** The start time of the last run read, for entries that carry none. */
	lastStart: number | undefined;
	/**
	 * The oldest run read: its start time, the runs read that started at that same time, and a
	 * position at or above its own. What a reading read is everything from the top down to it
	 * (not to the last page: runs pushed in while paging can make the last page a higher one).
	 */
	oldestStart: number | undefined;
	oldestIds: string[];
	oldestPosition: number;
	/** For a resumed gap: the gap as saved. */
	gap?: Gap;
	/** For a resumed gap still looking for its place, and the next step back when it is too far down. */
	seeking: boolean;
	seekStep: number;
}

interface Candidate {
	run: EmittedRun;
	seq: number;
	fromList: boolean;
}

export class TriggerPoll {
	private readonly options: Required<Omit<TriggerPollOptions, 'limits'>>;
	private readonly limits: StateLimits;
	private readonly initial: TriggerState | undefined;
	readonly activation: boolean;

	private readonly knownAtStart = new Map<string, number>();
	private readonly done = new Map<string, number>();
	private readonly pending = new Map<string, number>();
	private readonly hwmBefore: number | null;
	private readonly hwmIdsBefore: string[];
	private hwm: number | null;
	private hwmIds: string[];
	private readonly floor: number;

	private readonly gapsToResume: Gap[];
	/** The saved gaps whose stretch no run has been read from: their runs are left to them. */
	private readonly unreadGaps: Gap[];
	private readonly gapsLeft: Gap[] = [];
	/** Runs the top reading found above the boundary: each pushed every gap down by one. */
	private newRunsAbove = 0;

	private readonly seenThisPoll = new Set<string>();
	private readonly finishedThisPoll = new Set<string>();
	private readonly candidates: Candidate[] = [];
	private seq = 0;

	private segment: Segment | undefined;
	private phase: 'scan' | 'status' | 'detail' | 'done' = 'scan';
	private statusQueue: string[] = [];
	private detailQueue: Candidate[] = [];
	private awaiting: TriggerRequest | undefined;
	private awaitingDetail: Candidate | undefined;

	private activationEnded = false;
	private activationOldest: number | undefined;
	private testEvent: Candidate | undefined;
	private readonly stats: PollStats;

	constructor(state: TriggerState | undefined, options: TriggerPollOptions) {
		const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(options.pageSize) || DEFAULT_PAGE_SIZE));
		this.options = {
			flowId: options.flowId,
			filter: options.filter,
			lists: options.lists,
			pageSize,
			fetchFullStatus: options.fetchFullStatus,
			nowMs: options.nowMs,
			maxListRequests: Math.max(2, options.maxListRequests ?? MAX_LIST_REQUESTS_PER_POLL),
			maxStatusChecks: Math.max(0, options.maxStatusChecks ?? MAX_STATUS_CHECKS_PER_POLL),
		};
		this.limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
		this.initial = state;
		this.activation = state === undefined;
		this.hwmBefore = state?.hwm ?? null;
		this.hwmIdsBefore = state?.hwmIds ?? [];
		this.hwm = this.hwmBefore;
		this.hwmIds = [...this.hwmIdsBefore];
		this.floor = state?.floor ?? 0;
		for (const [id, start] of state?.done ?? []) {
			this.done.set(id, start);
			this.knownAtStart.set(id, start);
		}
		for (const [id, start] of state?.pending ?? []) {
			this.pending.set(id, start);
			this.knownAtStart.set(id, start);
		}
		this.gapsToResume = (state?.gaps ?? []).map((gap) => ({ ...gap, anchorIds: [...gap.anchorIds] }));
		this.unreadGaps = this.gapsToResume.filter((gap) => gap.unread);
		this.stats = { listRequests: 0, statusRequests: 0, entriesRead: 0, activation: this.activation, gapsLeft: 0 };
		this.segment = this.activation
			? this.newSegment('activation', 0, null, Math.ceil(ACTIVATION_SCAN_RUNS / pageSize))
			: this.newSegment('top', 0, this.hwmBefore, Infinity, this.hwmIdsBefore);
	}

	/**
	 * "Fetch Test Event": the newest finished run that matches the filter among the newest
	 * TEST_EVENT_SCAN_RUNS runs (see `foundTestEvent()`). Reads no saved state, produces none.
	 */
	static testEventSearch(options: TriggerPollOptions): TriggerPoll {
		const empty: TriggerState = { v: STATE_VERSION, flow: options.flowId, hwm: null, hwmIds: [], floor: 0, done: [], pending: [], gaps: [] };
		const search = new TriggerPoll(empty, options);
		search.segment = search.newSegment('test', 0, null, Math.ceil(TEST_EVENT_SCAN_RUNS / search.options.pageSize));
		return search;
	}

	/** For a test-event search, once complete: the run found, if any. */
	foundTestEvent(): EmittedRun | undefined {
		return this.testEvent?.run;
	}

	/**
	 * The next request to make, or `undefined` when the poll is complete (then call `result()`).
	 * `outOfTime`: the node's time budget is spent; no more listing pages are read (what is left
	 * becomes a gap for the next poll), but the first page always is.
	 */
	next(outOfTime = false): TriggerRequest | undefined {
		if (this.awaiting) throw new Error('TriggerPoll: answer the previous request first');
		for (;;) {
			if (this.phase === 'scan') {
				const segment = this.segment;
				if (!segment) {
					this.startStatusPhase();
					continue;
				}
				// Activation has its own bound (ACTIVATION_SCAN_RUNS), not the per-poll request budget.
				const budgetSpent =
					(segment.kind !== 'activation' && this.stats.listRequests >= this.options.maxListRequests) ||
					(outOfTime && this.stats.listRequests > 0);
				if (segment.pagesRead >= segment.maxPages || budgetSpent) {
					this.endSegment(true, budgetSpent);
					continue;
				}
				this.awaiting = { kind: 'list', offset: segment.offset, limit: this.options.pageSize };
				this.stats.listRequests++;
				return this.awaiting;
			}
			if (this.phase === 'status') {
				const runId = this.statusQueue.shift();
				if (runId === undefined) {
					this.phase = 'detail';
					this.detailQueue = this.options.fetchFullStatus
						? this.candidates.filter((candidate) => candidate.fromList && this.isEmitted(candidate))
						: [];
					continue;
				}
				this.awaiting = { kind: 'status', runId, purpose: 'pending' };
				this.stats.statusRequests++;
				return this.awaiting;
			}
			if (this.phase === 'detail') {
				const candidate = this.detailQueue.shift();
				if (!candidate) {
					this.phase = 'done';
					continue;
				}
				this.awaitingDetail = candidate;
				this.awaiting = { kind: 'status', runId: candidate.run.runId, purpose: 'detail' };
				this.stats.statusRequests++;
				return this.awaiting;
			}
			return undefined;
		}
	}

	/** The answer to a `list` request: the runs of the page (already taken out of its wrapper). */
	listed(entries: readonly unknown[]): void {
		const request = this.awaiting;
		const segment = this.segment;
		if (!request || request.kind !== 'list' || !segment) throw new Error('TriggerPoll: no listing was asked for');
		this.awaiting = undefined;
		segment.pagesRead++;
		this.stats.entriesRead += entries.length;

		if (segment.seeking && segment.gap) {
			// Resuming a gap: reading in place must start on a page that starts at or above the anchor
			// run, else unread runs could be skipped. The position hint is too far down when runs were
			// pushed in while the gap was recorded, or deleted since: step back, further each time.
			// (Too far up only costs pages of runs read before.) The runs of a page found too far down
			// are left for the reading in place.
			if (segment.offset > 0 && this.overshot(entries[0], segment.gap)) {
				segment.seekStep = Math.max(this.options.pageSize, segment.seekStep * 2);
				segment.offset = Math.max(0, segment.offset - segment.seekStep);
				return;
			}
			segment.seeking = false;
		}

		const ids: string[] = [];
		entries.forEach((entry, index) => {
			const id = this.observe(entry, segment, request.offset + index);
			if (id !== undefined) ids.push(id);
		});
		const pageKey = ids.join('\u0000');
		segment.repeats = ids.length > 0 && segment.previousPage === pageKey ? segment.repeats + 1 : 0;
		segment.previousPage = pageKey;

		const endOfListing = entries.length < request.limit;
		const reachedBoundary =
			(segment.kind === 'top' || segment.kind === 'gap') &&
			segment.bottom !== null &&
			segment.below.size > 0 &&
			segment.below.size + segment.atBottom.size >= lookbackRuns(this.options.pageSize);
		if (endOfListing || reachedBoundary) {
			if (segment.kind === 'activation') this.activationEnded = true;
			this.endSegment(false);
			return;
		}
		// The same page again and again: runs pushed in at the top exactly as fast as we page (or a
		// server that ignores `offset`). Stop chasing; the rest becomes a gap, so nothing is lost.
		if (segment.repeats >= SAME_PAGE_REPEATS || segment.maxPages === 0) {
			this.endSegment(true);
			return;
		}
		segment.offset += Math.max(1, entries.length - pageOverlap(this.options.pageSize));
	}

	/** The answer to a `status` request; `undefined` when the run was not found (404). */
	statusAnswered(body: unknown): void {
		const request = this.awaiting;
		if (!request || request.kind !== 'status') throw new Error('TriggerPoll: no status was asked for');
		this.awaiting = undefined;
		if (request.purpose === 'detail') {
			const candidate = this.awaitingDetail;
			this.awaitingDetail = undefined;
			// A run deleted in the meantime keeps its listing entry rather than being dropped.
			if (candidate && isJsonObject(body)) candidate.run.body = body;
			return;
		}
		const runId = request.runId;
		const start = this.pending.get(runId);
		if (start === undefined) return;
		if (body === undefined) {
			this.pending.delete(runId);
			return;
		}
		const outcome = classifyStatus(extractRunStatus(body), this.options.lists);
		if (outcome === 'running' || !isJsonObject(body)) {
			// Rotate: the next poll checks the others first.
			this.pending.delete(runId);
			this.pending.set(runId, start);
			return;
		}
		this.pending.delete(runId);
		this.finish(runId, runStartMs(body) ?? start, outcome, body, false);
	}

	/** The outcome of a complete poll. */
	result(): PollResult {
		if (this.phase !== 'done' || this.awaiting) throw new Error('TriggerPoll: the poll is not complete');
		const state = this.buildState();
		const runs = this.candidates
			.filter((candidate) => this.isEmitted(candidate))
			.sort((a, b) => a.run.startMs - b.run.startMs || b.seq - a.seq)
			.map((candidate) => candidate.run);
		this.stats.gapsLeft = state.gaps.length;
		const changed = this.initial === undefined || JSON.stringify(this.initial) !== JSON.stringify(state);
		return { state, runs, changed, stats: { ...this.stats } };
	}

	// -------------------------------------------------------------------------------------------

	private newSegment(
		kind: Segment['kind'],
		offset: number,
		bottom: number | null,
		maxPages: number,
		bottomIds: string[] = [],
	): Segment {
		return {
			kind,
			offset,
			bottom,
			bottomIds: [...bottomIds],
			below: new Set(),
			atBottom: new Set(),
			pagesRead: 0,
			maxPages,
			previousPage: undefined,
			repeats: 0,
			lastStart: undefined,
			oldestStart: undefined,
			oldestIds: [],
			oldestPosition: offset,
			seeking: false,
			seekStep: 0,
		};
	}

	private isEmitted(candidate: Candidate): boolean {
		return matchesFilter(candidate.run.outcome, this.options.filter);
	}

	/**
	 * Whether a resumed gap's first page starts too far down: at or below its anchor time. (A run
	 * that started in the anchor's very millisecond may sit above the anchor run, pushed in later.)
	 */
	private overshot(first: unknown, gap: Gap): boolean {
		const id = extractRunId(first);
		const start = runStartMs(first) ?? (id === undefined ? undefined : this.knownAtStart.get(id));
		return start === undefined || start <= gap.anchor;
	}

	/** The unread gap whose stretch an unknown run lies in, if any. */
	private unreadGapOf(id: string, start: number): Gap | undefined {
		return this.unreadGaps.find(
			(gap) =>
				(gap.bottom === null || start > gap.bottom || (start === gap.bottom && !gap.bottomIds.includes(id))) &&
				(start < gap.anchor || (start === gap.anchor && !gap.anchorIds.includes(id))),
		);
	}

	/** Processes one listing entry; returns its run id (undefined for an entry that is not a run). */
	private observe(entry: unknown, segment: Segment, position: number): string | undefined {
		if (!isJsonObject(entry)) return undefined;
		const id = extractRunId(entry);
		if (id === undefined) return undefined;
		const parsedStart = runStartMs(entry);
		const knownStart = this.knownAtStart.get(id);
		// An entry without a start time sits where the listing puts it: no newer than the one above.
		const start = parsedStart ?? knownStart ?? segment.lastStart ?? this.hwmBefore ?? this.options.nowMs;
		segment.lastStart = start;
		if (segment.oldestStart === undefined || start < segment.oldestStart) {
			segment.oldestStart = start;
			segment.oldestIds = [id];
			segment.oldestPosition = position;
		} else if (start === segment.oldestStart) {
			if (segment.oldestIds.length < MAX_ANCHOR_IDS && !segment.oldestIds.includes(id)) segment.oldestIds.push(id);
			segment.oldestPosition = Math.max(segment.oldestPosition, position);
		}
		if (parsedStart !== undefined && (this.hwm === null || parsedStart >= this.hwm)) {
			if (parsedStart !== this.hwm) this.hwmIds = [];
			this.hwm = parsedStart;
			if (this.hwmIds.length < MAX_ANCHOR_IDS && !this.hwmIds.includes(id)) this.hwmIds.push(id);
		}
		if (segment.kind === 'activation' && parsedStart !== undefined) {
			this.activationOldest = Math.min(this.activationOldest ?? parsedStart, parsedStart);
		}

		const firstSight = !this.seenThisPoll.has(id);
		this.seenThisPoll.add(id);
		if (segment.bottom !== null) {
			// Strictly older: runs that started at the boundary's very millisecond may still be unread.
			const atBoundary = start === segment.bottom && (segment.bottomIds.includes(id) || knownStart !== undefined);
			if (start < segment.bottom) segment.below.add(id);
			else if (atBoundary) segment.atBottom.add(id);
			else if (segment.kind === 'top' && firstSight && knownStart === undefined) this.newRunsAbove++;
		}
		if (segment.kind === 'test') {
			this.considerTestEvent(id, start, entry, segment);
			return id;
		}

		if (this.finishedThisPoll.has(id) || this.done.has(id)) return id;
		const outcome = classifyStatus(extractRunStatus(entry), this.options.lists);
		const pendingStart = this.pending.get(id);
		if (pendingStart !== undefined) {
			if (outcome === 'running') {
				if (parsedStart !== undefined && parsedStart !== pendingStart) this.pending.set(id, parsedStart);
				return id;
			}
			// Finished while activation was still reading: emitted by the next poll, like any other.
			if (this.activation) return id;
			this.pending.delete(id);
			this.finish(id, start, outcome, entry, true);
			return id;
		}
		// A run in a stretch no poll has read yet belongs to that gap's own reading: another reading
		// passing by leaves it alone (it could not tell it apart later).
		const gap = this.unreadGapOf(id, start);
		if (gap && segment.gap !== gap) return id;
		if (outcome === 'running') {
			this.pending.set(id, start);
			return id;
		}
		if (this.activation) {
			this.done.set(id, start);
			return id;
		}
		// Below the floor is history no longer remembered; in an unread stretch, it is new anyway.
		if (start < this.floor && !gap) return id;
		this.finish(id, start, outcome, entry, true);
		return id;
	}

	private finish(
		id: string,
		start: number,
		outcome: 'succeeded' | 'failed',
		body: Record<string, unknown>,
		fromList: boolean,
	): void {
		this.finishedThisPoll.add(id);
		if (start >= this.floor) this.done.set(id, start);
		this.candidates.push({ run: { runId: id, startMs: start, outcome, body }, seq: this.seq++, fromList });
	}

	private considerTestEvent(id: string, start: number, entry: Record<string, unknown>, segment: Segment): void {
		if (this.testEvent) return;
		const outcome = classifyStatus(extractRunStatus(entry), this.options.lists);
		if (outcome === 'running' || !matchesFilter(outcome, this.options.filter)) return;
		this.testEvent = { run: { runId: id, startMs: start, outcome, body: entry }, seq: this.seq++, fromList: true };
		this.candidates.push(this.testEvent);
		segment.maxPages = 0; // found: no more pages
	}

	private endSegment(cutShort: boolean, budgetSpent = false): void {
		const segment = this.segment;
		this.segment = undefined;
		if (!segment) return;
		if (cutShort && (segment.kind === 'top' || segment.kind === 'gap')) this.leaveGap(segment);
		if (segment.kind === 'activation' || segment.kind === 'test' || budgetSpent) return;
		// Resume the stretches earlier polls could not finish, on the page that starts with the last
		// run read. Every run that appeared above it since pushed it down by one: that is the first
		// guess; the anchor time decides.
		const gap = this.gapsToResume.shift();
		if (!gap) return;
		// Every gap lies below what was just read.
		const guess = gap.position + this.newRunsAbove - pageOverlap(this.options.pageSize) - 1;
		const resumeAt = Math.max(0, guess, segment.kind === 'gap' ? segment.oldestPosition : 0);
		this.segment = this.newSegment('gap', resumeAt, gap.bottom, Infinity, gap.bottomIds);
		this.segment.gap = gap;
		this.segment.seeking = true;
	}

	/** What is left of a reading cut short becomes a gap for the next polls. */
	private leaveGap(segment: Segment): void {
		const gap = segment.gap;
		const oldest = segment.oldestStart;
		if (oldest !== undefined && segment.bottom !== null && oldest < segment.bottom && !segment.seeking) {
			// Only the look-back below the boundary was cut short: a gap with nothing unread, whose
			// reading does the look-back (so a run missing from the last listing is still caught).
			this.gapsLeft.push({ ...this.gapBelow(segment, oldest, gap), unread: false });
			return;
		}
		if (gap) {
			if (segment.pagesRead === 0) {
				this.gapsToResume.unshift(gap); // not reached: kept as saved (moved down later)
			} else if (segment.seeking) {
				this.gapsLeft.push({ ...gap, position: segment.offset }); // a better guess
			} else if (oldest === undefined || oldest > gap.anchor) {
				// Read in place, but not yet down to the anchor run: nothing of the stretch was read.
				this.gapsLeft.push({ ...gap, position: segment.oldestPosition });
			} else {
				this.gapsLeft.push(this.gapBelow(segment, oldest, gap));
			}
			return;
		}
		// A top reading cut short leaves runs newer than the last poll's boundary: never read.
		if (oldest !== undefined) this.gapsLeft.push(this.gapBelow(segment, oldest, undefined));
	}

	private gapBelow(segment: Segment, anchor: number, resumed: Gap | undefined): Gap {
		const anchorIds = resumed && resumed.anchor === anchor ? [...resumed.anchorIds] : [];
		for (const id of segment.oldestIds) {
			if (anchorIds.length < MAX_ANCHOR_IDS && !anchorIds.includes(id)) anchorIds.push(id);
		}
		return {
			position: segment.oldestPosition,
			anchor,
			anchorIds,
			bottom: segment.bottom,
			bottomIds: [...segment.bottomIds],
			unread: resumed ? resumed.unread : true,
		};
	}

	private startStatusPhase(): void {
		this.phase = 'status';
		if (this.activation) {
			this.statusQueue = [];
			return;
		}
		// Gaps not reached this poll stay, moved down by the runs that appeared above them.
		for (const gap of this.gapsToResume.splice(0)) {
			this.gapsLeft.push({ ...gap, position: gap.position + this.newRunsAbove });
		}
		const unseen = [...this.pending.keys()].filter((id) => !this.seenThisPoll.has(id));
		this.statusQueue = unseen.slice(0, this.options.maxStatusChecks);
	}

	private buildState(): TriggerState {
		let floor = this.floor;
		if (this.activation && this.activationOldest !== undefined) {
			// Activation read every run (the listing ended) or only the newest ones: then runs as old
			// as the oldest one read may exist unread, so the floor goes just above it.
			floor = this.activationEnded ? this.activationOldest : this.activationOldest + 1;
		}
		let done = [...this.done.entries()].filter(([, start]) => start >= floor).sort((a, b) => a[1] - b[1]);
		// Keep the newest; evicting a run raises the floor past its start time (and every run that
		// started at the same time), so "unknown and at or above the floor" still means "new".
		let bytes = done.reduce((sum, [id]) => sum + markBytes(id), 0);
		// The runs at the boundary itself stay (the next poll tells them apart from new runs that
		// started in the same millisecond).
		let cut = 0;
		const hwm = this.hwm ?? Infinity;
		while (
			cut < done.length &&
			done[cut][1] < hwm &&
			(done.length - cut > this.limits.maxDone || bytes > this.limits.doneBytes)
		) {
			bytes -= markBytes(done[cut][0]);
			cut++;
		}
		if (cut > 0) {
			floor = Math.max(floor, done[cut - 1][1] + 1);
			done = done.filter(([, start]) => start >= floor);
		}

		// Pending: keep the rotation order; drop the oldest-started (most likely stuck) first.
		let pending: RunMark[] = [...this.pending.entries()];
		let pendingBytes = pending.reduce((sum, [id]) => sum + markBytes(id), 0);
		if (pending.length > this.limits.maxPending || pendingBytes > this.limits.pendingBytes) {
			const dropped = new Set<string>();
			for (const [id] of [...pending].sort((a, b) => a[1] - b[1])) {
				if (pending.length - dropped.size <= this.limits.maxPending && pendingBytes <= this.limits.pendingBytes) break;
				dropped.add(id);
				pendingBytes -= markBytes(id);
			}
			pending = pending.filter(([id]) => !dropped.has(id));
		}

		// Gaps, newest first; too many: merge the two deepest. Reading from the upper one's anchor down
		// to the lower one's bottom covers both, and the stretch read in between again, so the merged
		// one is no longer "unread" and falls back to the floor rule.
		const gaps = [...this.gapsLeft].sort((a, b) => b.anchor - a.anchor || a.position - b.position);
		while (gaps.length > this.limits.maxGaps) {
			const lower = gaps.pop() as Gap;
			const upper = gaps.pop() as Gap;
			const bottom = upper.bottom === null || lower.bottom === null ? null : Math.min(upper.bottom, lower.bottom);
			gaps.push({ ...upper, bottom, bottomIds: [...lower.bottomIds], unread: false });
		}

		return { v: STATE_VERSION, flow: this.options.flowId, hwm: this.hwm, hwmIds: this.hwmIds, floor, done, pending, gaps };
	}
}
