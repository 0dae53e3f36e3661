/**
 * The Vishwa Trigger's saved state and its limits: the format kept in the node's workflow static
 * data, how it is read back, how it is kept bounded, and the trigger's parameters. The poll planner
 * (which requests a poll makes, which runs it emits) is ./triggerPoll.ts.
 *
 * The listing (docs/api.md, ASSUMED): `GET /runs?limit&offset`, newest first by start time. The
 * trigger does not rely on more than that order: pages may be shorter than asked, `total` may be
 * missing, runs may be pushed in or deleted between two page requests, a run may be missing from one
 * listing, runs that started in the same millisecond may come in any order, an id may come twice.
 *
 * The state (JSON; bounded, under 64 KiB with 36-character ids):
 * - `hwm`     the boundary: the newest run_start_time (ms) of the last complete scan, with `hwmIds`,
 *             the runs seen that started at exactly that time (`hwmAll`: all of them, else the
 *             first MAX_TIE_IDS). Every run that started after it is unread, so new.
 * - `floor`   every finished run seen that started at or after `floor` is in `done`: below the
 *             boundary, an unknown finished run at or above the floor is new (it was missing from
 *             a listing, or finished unwatched); below the floor it is history.
 * - `done`    [run id, start ms] of finished runs seen, the newest MAX_DONE (and DONE_BYTES). Evicting
 *             the oldest raises `floor` past them (all runs of their millisecond).
 * - `undated` (only when not empty) [run id, placement ms | null] of finished runs listed without a start
 *             time (a run that failed before it started), most recently listed first (MAX_UNDATED,
 *             UNDATED_BYTES). Known by id, whether or not a poll lists them: kept in `done`, dated runs
 *             finishing pushed one missing from a listing out, and back, it was emitted again (review v2r
 *             D1); sharing `done`'s room, they raised its floor over the newest millisecond (v2r D2/D3).
 *             The placement is the next newer start time above the dated run listed just above it, read
 *             in one contiguous stretch (see TriggerPoll `placeUndated`), null when listed above every
 *             dated run (nulls first: listed again, it is on top again, so only its id tells it). A placement below `floor` (and the boundary) is history: listed
 *             again at its place, it is not new, so it is dropped; over the bound, the oldest placements go
 *             first and raise `floor` over them, like `done`'s. Only null ones missing from the listings
 *             longest are let go with `undatedOverflow` (else the list filled over a flow's life and held
 *             every later such run back for good: review v14u D1).
 * - `pending` [run id, start ms] of runs seen unfinished, watched until they finish (MAX_PENDING).
 * - `scan`    the single resume point: a scan from the top down to `hwm` that a poll could not finish
 *             within its request or time budget. It is read on first by the next polls, from the
 *             anchor (the oldest run it read) down; `hwm` moves to its `top` only once it is complete.
 *             Runs pushed in above it meanwhile are read by the scan after it. Nothing is skipped.
 * - `unwatched` (only when not empty) fingerprints (RUN_PRINT_CHARS characters each, see `runPrint`) of runs
 *             dropped from a full watch list and counted in `lost`, newest first, at most MAX_PENDING: such a
 *             run listed again still running is watched again and dropped again; it is not counted again
 *             (review v15r D7: `lost` grew by the same 301 runs on every poll). Forgotten once it finishes.
 * - `undatedLetGo` (only when not empty) fingerprints (as `unwatched`) of the runs `undated` let go, newest
 *             first, at most MAX_LET_GO_PRINTS: listed again, such a run is held back (it is old: not a loss, not
 *             counted); an unknown one held back that is not among them is counted in `lost` (over the bound
 *             the runs let go were listed again and counted on every idle poll, `lost` growing for good). Its
 *             bytes come out of UNDATED_BYTES, so the state's bound holds.
 * - `undatedOverflow` (only when true) more finished runs listed above every dated run without a start
 *             time were to be remembered than `undated` holds, and some were let go: listed again, such a run cannot be told from a new one, so an
 *             unknown finished run without a start time is remembered, not emitted, and counted in `lost`
 *             (never a repeat), for good (a run let go may come back to a listing at any later time).
 * - `undatedLast` (only when set) the listing was seen to put runs without a start time last, below every
 *             dated run (MySQL, SQLite): 'once', one such run new at its end was emitted (an in-place
 *             listing's oldest run, missing at activation only, shows the same: not yet proof); 'seen', on two
 *             polls (proof), each poll asks the page after the last one it read, to read
 *             them while the listing ends there; 'reported' once it went on further (a run that fails before
 *             it starts is then listed below what a poll reads: not emitted, reported once).
 * - `endProbe` (only when set) the last look at where the listing's dated rows end (see `TriggerPoll`'s
 *             probe): `wait` polls until the next one; `anchor`, the start time of the last dated row then (null: none found); `ids`, the rows
 *             without a start time listed right after it (a few); `look`, a look cut by a poll's time,
 *             resumed by the next poll where it stopped. A row there new since, that the trigger
 *             does not know, shows a listing that puts them last (an in-place one lists only old runs there).
 * - `undatedGap` (only when set) activation may have skipped rows of the block of runs without a start time
 *             listed first (nulls first): runs deleted at the top between its page requests, more than its
 *             pages overlap, again and again, moved rows past a page it read on without finding the page
 *             before in it, its steps back spent (review v17r F2). The ids (at most UNDATED_GAP_IDS) are the
 *             last rows without a start time of the listing's top page, asked again as activation ends (they
 *             are known): a skipped run still listed is below them, a run failing before it starts since on
 *             top, above them. So while it is set, an unknown finished run without a start time listed above
 *             every dated row is emitted only when one of them follows it in one stretch of pages (each sharing
 *             a run with the one before); else it is remembered, not emitted, and counted in `lost` (once).
 *             Cleared by the first scan that reads the block from the top to its first dated row in one stretch
 *             without seeing it in another order (each such run still listed is then known). Empty where
 *             activation saw the block in another order on two requests (no place: every such run is then
 *             held back; review v18b (3)).
 * - `lost`    how many runs the trigger knows it may have missed because a documented limit was
 *             exceeded (each also logged as a warning): watched runs dropped from a full watch list,
 *             a listing that ignores `offset` with more new runs than its first page holds.
 *
 * Activation (no state, or state of another flow): reads up to ACTIVATION_SCAN_RUNS runs, records the
 * finished ones in `done` (never emitted) and the unfinished ones in `pending`.
 */
import { VishwaInputError } from './errors';
import { NUMBER_RULES, readNumberOption } from './options';
import { idSegment } from './paths';
import { isJsonObject } from './responses';
import { parseTemporary as readBooleanOption } from './upload';
import {
	DEFAULT_FAILURE_STATUSES,
	DEFAULT_SUCCESS_STATUSES,
	parseStatusList,
	type RunOutcome,
	type StatusLists,
} from './status';

/** 3: `undated` (a version 2 state kept runs without a start time in `done`: see `fromUndatedInDone`). */
export const STATE_VERSION = 3;

/** The listing's maximum `limit` (the stand-in caps it at 100). */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 100;
/** Pages must overlap (a run that moves up between two page requests must not hide at the edge). */
export const MIN_PAGE_SIZE = 2;
/** How many runs activation reads to find the runs already running. */
export const ACTIVATION_SCAN_RUNS = 300;
/** How many runs "Fetch Test Event" looks through for the newest matching finished run. */
export const TEST_EVENT_SCAN_RUNS = 300;
/** Listing requests of one poll; a longer scan is resumed by the next poll. */
export const MAX_LIST_REQUESTS_PER_POLL = 50;
/** Status requests for pending runs that the poll's pages did not show. */
export const MAX_STATUS_CHECKS_PER_POLL = 50;
export const MAX_DONE = 500;
export const DONE_BYTES = 28 * 1024;
export const MAX_PENDING = 300;
export const PENDING_BYTES = 16 * 1024;
/** Finished runs without a start time remembered by id (`undated`): about 220 marks with 36-character
 * ids in the bytes (about 260 unplaced), so the whole state stays under 64 KiB (done 28 + pending 16 + undated 12 + 150 tie ids). */
export const MAX_UNDATED = 500;
export const UNDATED_BYTES = 12 * 1024;
/** Fingerprints of runs `undated` let go (`undatedLetGo`): 5 KB at most, taken from UNDATED_BYTES (a fingerprint
 * costs 5 bytes where a mark costs 40-50, so the two together know about 1,150 such runs with 36-character ids). */
export const MAX_LET_GO_PRINTS = 1000;
/** Runs activation read just above where it may have skipped rows of a block without start times (`undatedGap`). */
export const UNDATED_GAP_IDS = 10;
/** Runs remembered that started in one millisecond (the boundary's, the top's, the anchor's). */
export const MAX_TIE_IDS = 50;
/** Polls in a row a resumed scan may fail to read past its anchor before it is given up (reported):
 * far more than a legit catch-up takes (21 polls at 2 requests a poll, pages of 5, in the overload test). */
export const MAX_STALLED_POLLS = 100;

/** Which finished runs the trigger emits. */
export type RunFilter = 'succeeded' | 'failed' | 'any';

/** [run id, start time in ms] */
export type RunMark = [string, number];

/** [run id, placement in ms: the next newer start time above the dated run listed just above it; null: none] */
export type UndatedMark = [string, number | null];

/** An unfinished scan: read from its top down to `anchor`; the runs below it, down to `hwm`, are unread. */
export interface ScanProgress {
	/** The newest start time this scan read (null: none had one); the next boundary. */
	top: number | null;
	topIds: string[];
	topAll: boolean;
	/** The oldest start time read, and the runs read that started at exactly that time (all of them). */
	anchor: number;
	anchorIds: string[];
	/** Listing position near the anchor when last read: where to start looking for it (by start time). */
	position: number;
	/** Polls in a row that resumed this scan without reading past its anchor (absent: none). */
	stalls?: number;
}

export interface TriggerState {
	v: typeof STATE_VERSION;
	/** The flow this state belongs to: another flow id starts over with an activation. */
	flow: string;
	hwm: number | null;
	hwmIds: string[];
	hwmAll: boolean;
	floor: number;
	done: RunMark[];
	pending: RunMark[];
	scan: ScanProgress | null;
	lost: number;
	/** See the state description above; absent means none. */
	undated?: UndatedMark[];
	/** See the state description above; absent means false. */
	undatedOverflow?: true;
	/** See the state description above; absent means not seen. */
	undatedLast?: 'once' | 'seen' | 'reported';
	/** See the state description above; absent means no probe yet (one is due). */
	endProbe?: EndProbe;
	/** See the state description above; absent means none. */
	unwatched?: string;
	/** See the state description above; absent means none. */
	undatedLetGo?: string;
	/** See the state description above; absent means activation read the block exactly (or there was none). */
	undatedGap?: string[];
	/**
	 * Never saved: set only on a version 1 state just read, to the number of its unread stretches dropped
	 * (counted in `lost`), so that the poll reading it logs the warning that goes with the count.
	 */
	droppedVersion1Gaps?: number;
}

/** See `TriggerState.endProbe`. */
export interface EndProbe {
	wait: number;
	anchor: number | null;
	ids: string[];
	/**
	 * A look cut by a poll's time, resumed by the next poll (`wait` 0): `[next, step, loEnd, hi, lastDated,
	 * asked, polls, flags]` (hi and lastDated -1 for none; flags 1 final, 2 looking up, 4 a page read since
	 * it began showed the listing does not put rows without a start time last, 8 asking the row after a short page
	 * that ended on a dated row; see `TriggerPoll`'s probe). Absent when none is under way.
	 */
	look?: number[];
}

/** Numbers in `EndProbe.look`, each at most END_PROBE_LOOK_MAX (a look past it is not saved: the state stays bounded). */
export const END_PROBE_LOOK_LENGTH = 8;
export const END_PROBE_LOOK_MAX = 2 ** 31 - 1;

/** Polls between two probes of where the listing's dated rows end (one probe costs ~2 log2(rows / page) requests). */
export const END_PROBE_EVERY_POLLS = 16;
/** Rows without a start time right after the last dated row that a probe remembers. */
export const END_PROBE_IDS = 10;

function readEndProbe(raw: unknown): EndProbe | undefined | null {
	if (raw === undefined) return undefined;
	if (typeof raw !== 'object' || raw === null) return null;
	const { wait, anchor, ids } = raw as Record<string, unknown>;
	if (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > END_PROBE_EVERY_POLLS) return null;
	if (anchor !== null && !isFiniteNumber(anchor)) return null;
	if (!Array.isArray(ids) || ids.length > END_PROBE_IDS || !ids.every((id) => typeof id === 'string')) return null;
	const look = (raw as Record<string, unknown>).look;
	if (look === undefined) return { wait, anchor, ids: [...ids] };
	if (
		!Array.isArray(look) ||
		look.length !== END_PROBE_LOOK_LENGTH ||
		!look.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= -1 && n <= END_PROBE_LOOK_MAX) ||
		wait !== 0
	)
		return null;
	return { wait, anchor, ids: [...ids], look: [...(look as number[])] };
}

export interface StateLimits {
	maxDone: number;
	doneBytes: number;
	maxPending: number;
	pendingBytes: number;
	maxUndated: number;
	undatedBytes: number;
}

export const DEFAULT_LIMITS: StateLimits = {
	maxDone: MAX_DONE,
	doneBytes: DONE_BYTES,
	maxPending: MAX_PENDING,
	pendingBytes: PENDING_BYTES,
	maxUndated: MAX_UNDATED,
	undatedBytes: UNDATED_BYTES,
};

/** The listing itself cannot support the trigger (found on the first poll): a clear error, no guess. */
export class TriggerListingError extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'TriggerListingError';
	}
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
/** With Fetch Full Status: set on an item whose status answer could not be had (why). */
export const FULL_STATUS_ERROR_KEY = 'full_status_error';

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

	const pageSize =
		readNumberOption(raw.pageSize, {
			field: TRIGGER_FIELDS.pageSize,
			integer: true,
			min: MIN_PAGE_SIZE,
			max: MAX_PAGE_SIZE,
			unit: '',
		}) ?? DEFAULT_PAGE_SIZE;
	const timeoutMs = readNumberOption(raw.timeout, { ...NUMBER_RULES.requestTimeout, field: TRIGGER_FIELDS.timeout });

	return {
		flowId,
		filter: event,
		lists,
		pageSize,
		// From an expression it may be a string: "true"/"false" (or 1/0) are read, anything else is refused.
		fetchFullStatus: readBooleanOption(raw.fetchFullStatus, TRIGGER_FIELDS.fetchFullStatus),
		timeoutMs,
	};
}

/** An emitted item: Vishwa's fields untouched, plus `flow_id` unless Vishwa sent one itself. */
export function withFlowId(body: Record<string, unknown>, flowId: string): Record<string, unknown> {
	return FLOW_ID_KEY in body ? { ...body } : { ...body, [FLOW_ID_KEY]: flowId };
}

export function matchesFilter(outcome: RunOutcome, filter: RunFilter): boolean {
	if (outcome === 'running') return false;
	return filter === 'any' || filter === outcome;
}

// ---------------------------------------------------------------------------------------------
// Reading listing entries

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** run_start_time in ms, if the entry has a readable one (ISO text, or epoch seconds or ms). */
export function runStartMs(entry: unknown): number | undefined {
	if (!isJsonObject(entry)) return undefined;
	for (const key of ['run_start_time', 'start_time', 'started_at']) {
		const value = entry[key];
		if (isFiniteNumber(value)) return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
		if (typeof value === 'string' && value.trim() !== '') {
			const text = value.trim();
			// Epoch seconds or ms sent as text.
			if (/^\d+(\.\d+)?$/.test(text)) {
				const n = Number(text);
				return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
			}
			const ms = Date.parse(text);
			if (!Number.isNaN(ms)) return ms;
		}
	}
	return undefined;
}

/** Listing page overlap: a run that drops out between two page requests cannot hide at a page edge. */
export function pageOverlap(pageLength: number): number {
	if (pageLength >= 20) return 2;
	if (pageLength >= 2) return 1;
	// A page of one run cannot overlap: Page Size is at least 2, and a listing that serves one run
	// per page is refused (see TriggerPoll.listed).
	return 0;
}

/** Runs read at or below the boundary before a scan stops, to catch a run missing last time. */
export function lookbackRuns(pageSize: number): number {
	return Math.max(1, Math.floor(pageSize / 2));
}

// ---------------------------------------------------------------------------------------------
// Reading the saved state

function isRunMarkList(value: unknown): value is RunMark[] {
	return (
		Array.isArray(value) &&
		value.every((mark) => Array.isArray(mark) && mark.length === 2 && typeof mark[0] === 'string' && isFiniteNumber(mark[1]))
	);
}

function isUndatedList(value: unknown): value is UndatedMark[] {
	return (
		Array.isArray(value) &&
		value.every(
			(mark) => Array.isArray(mark) && mark.length === 2 && typeof mark[0] === 'string' && (mark[1] === null || isFiniteNumber(mark[1])),
		)
	);
}

function isStringList(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function readScan(value: unknown): ScanProgress | null | undefined {
	if (value === null) return null;
	if (!isJsonObject(value)) return undefined;
	const { top, topIds, topAll, anchor, anchorIds, position, stalls } = value;
	if (!(top === null || isFiniteNumber(top)) || !isStringList(topIds) || typeof topAll !== 'boolean') return undefined;
	if (!isFiniteNumber(anchor) || !isStringList(anchorIds) || !isFiniteNumber(position) || position < 0) return undefined;
	if (stalls !== undefined && !(isFiniteNumber(stalls) && stalls >= 0)) return undefined;
	const scan: ScanProgress = { top, topIds: [...topIds], topAll, anchor, anchorIds: [...anchorIds], position };
	if (stalls !== undefined && stalls > 0) scan.stalls = stalls;
	return scan;
}

/**
 * The saved state if it is well-formed and belongs to `flowId`; `undefined` means the next poll is an
 * activation (first poll, another flow id, or a state this version cannot read). A version 1 state
 * carries on (its unread stretches, if any, are dropped and counted in `lost`).
 */
export function readTriggerState(raw: unknown, flowId: string): TriggerState | undefined {
	if (!isJsonObject(raw) || raw.flow !== flowId) return undefined;
	if (!(raw.hwm === null || isFiniteNumber(raw.hwm)) || !isStringList(raw.hwmIds) || !isFiniteNumber(raw.floor)) {
		return undefined;
	}
	if (!isRunMarkList(raw.done) || !isRunMarkList(raw.pending)) return undefined;
	const common = {
		v: STATE_VERSION as typeof STATE_VERSION,
		flow: flowId,
		floor: raw.floor,
		done: raw.done.map(([id, start]) => [id, start] as RunMark),
		pending: raw.pending.map(([id, start]) => [id, start] as RunMark),
	};
	if (raw.v === 1) return Array.isArray(raw.gaps) ? fromVersion1(raw, common) : undefined;
	if ((raw.v !== 2 && raw.v !== STATE_VERSION) || typeof raw.hwmAll !== 'boolean' || !isFiniteNumber(raw.lost)) return undefined;
	const scan = readScan(raw.scan);
	if (scan === undefined) return undefined;
	if (raw.undatedOverflow !== undefined && typeof raw.undatedOverflow !== 'boolean') return undefined;
	if (raw.undatedLast !== undefined && raw.undatedLast !== 'once' && raw.undatedLast !== 'seen' && raw.undatedLast !== 'reported') return undefined;
	const endProbe = readEndProbe(raw.endProbe);
	if (endProbe === null) return undefined;
	// Version 2 had no `undated` (one there is from an unreleased build: it starts over with an activation).
	if (raw.undated !== undefined && (raw.v === 2 || !isUndatedList(raw.undated))) return undefined;
	if (raw.unwatched !== undefined && !isRunPrints(raw.unwatched)) return undefined;
	if (raw.undatedLetGo !== undefined && !isRunPrints(raw.undatedLetGo, MAX_LET_GO_PRINTS)) return undefined;
	if (raw.undatedGap !== undefined && !(isStringList(raw.undatedGap) && raw.undatedGap.length <= UNDATED_GAP_IDS)) return undefined;
	const state: TriggerState = {
		...common,
		hwm: raw.hwm,
		hwmIds: [...raw.hwmIds],
		hwmAll: raw.hwmAll,
		scan,
		lost: raw.lost,
		...(raw.undatedOverflow ? { undatedOverflow: true as const } : {}),
		...(raw.undatedLast ? { undatedLast: raw.undatedLast } : {}),
		...(endProbe ? { endProbe } : {}),
		...(typeof raw.unwatched === 'string' ? { unwatched: raw.unwatched } : {}),
		...(typeof raw.undatedLetGo === 'string' ? { undatedLetGo: raw.undatedLetGo } : {}),
		...(isStringList(raw.undatedGap) ? { undatedGap: [...raw.undatedGap] } : {}),
	};
	if (raw.v === 2) return stateOf(fromUndatedInDone(state));
	const undated = raw.undated?.map(([id, placed]) => [id, placed] as UndatedMark);
	return stateOf(undated ? { ...state, undated } : state);
}

/**
 * A state saved before `undated` (version 2) kept finished runs without a start time in `done`, stamped one ms
 * above the newest other mark it held, or the floor: max(floor, newest) + 1, all of one poll at one
 * stamp. That may be at or below the boundary (a run running at save time set it above every finished
 * one: review v14u D2), so a stamp is told by its place, not by the boundary: a mark one ms above
 * another mark, or at most one above the floor (the ids the boundary or a scan's top remember may be
 * such runs too, placed there: hybrid sweep seed 3); in a chain of marks one ms apart longer than
 * MAX_STAMP_CHAIN, only its top (a burst of dated runs below it). Such
 * marks are taken out of `done` into `undated` (known by id, as they were) with no placement (null:
 * they may be on top of a nulls-first listing), so only a poll that lists them again can let them go.
 * A dated mark taken for one stays known; a poll that lists it with its start time puts it back in
 * `done` (see TriggerPoll). An older poll's stamp inside such a burst's chain stays a dated mark, as
 * the version 2 code kept it (its repeat, review v2r D1, is possible there still).
 */
export function fromUndatedInDone(state: TriggerState): TriggerState {
	const stampMs = oldStampMilliseconds(state.done.map(([, start]) => start), state.floor);
	const stamped = state.done.filter(([, start]) => stampMs.has(start)).map(([id]) => id);
	if (stamped.length === 0) return state;
	const ids = new Set(stamped);
	return { ...state, done: state.done.filter(([id]) => !ids.has(id)), undated: stamped.map((id) => [id, null]) };
}

/** Chains of marks one ms apart longer than this are a burst of dated runs, not stamps of successive polls. */
const MAX_STAMP_CHAIN = 3;

/**
 * The milliseconds of `done` that may hold version 2 stamps (see `fromUndatedInDone`). A burst of dated
 * runs started one ms apart is a long chain of such marks: only its top can be a stamp there (every
 * link taken for one made the upgrade fill `undated` with dated runs and hold for good: review v14w D2,
 * 400 runs one ms apart). Short chains keep the rule: stamps of polls in a row chain one ms apart.
 */
function oldStampMilliseconds(starts: number[], floor: number): Set<number> {
	const sorted = [...new Set(starts)].sort((a, b) => a - b);
	const stamps = new Set<number>();
	for (let from = 0; from < sorted.length; ) {
		let to = from;
		while (to + 1 < sorted.length && sorted[to + 1] === sorted[to] + 1) to++;
		if (to - from + 1 > MAX_STAMP_CHAIN) stamps.add(sorted[to]);
		else for (let i = from; i <= to; i++) if (i > from || sorted[i] - 1 <= floor) stamps.add(sorted[i]);
		from = to + 1;
	}
	return stamps;
}

/** The state with its fields in one order (the poll compares saved JSON to tell a change). */
export function stateOf(state: TriggerState): TriggerState {
	const { v, flow, hwm, hwmIds, hwmAll, floor, done, pending, scan, lost, undated, undatedOverflow, undatedLast, endProbe, unwatched, undatedLetGo, undatedGap } = state;
	return {
		v,
		flow,
		hwm,
		hwmIds,
		hwmAll,
		floor,
		done,
		pending,
		scan,
		lost,
		...(undated && undated.length > 0 ? { undated } : {}),
		...(undatedOverflow ? { undatedOverflow } : {}),
		...(undatedLast ? { undatedLast } : {}),
		...(endProbe ? { endProbe } : {}),
		...(unwatched ? { unwatched } : {}),
		...(undatedLetGo ? { undatedLetGo } : {}),
		...(undatedGap ? { undatedGap } : {}),
	};
}

function fromVersion1(
	raw: Record<string, unknown>,
	common: Pick<TriggerState, 'v' | 'flow' | 'floor' | 'done' | 'pending'>,
): TriggerState {
	const hwmIds = [...(raw.hwmIds as string[])];
	// Version 1 kept up to 20 ids at the boundary. Its unread stretches (gaps) cannot be carried over
	// without risking a repeat: they are dropped and counted as possible losses.
	const gaps = (raw.gaps as unknown[]).length;
	const state = stateOf({ ...common, hwm: raw.hwm as number | null, hwmIds, hwmAll: hwmIds.length < 20, scan: null, lost: gaps });
	return gaps > 0 ? { ...state, droppedVersion1Gaps: gaps } : state;
}

// ---------------------------------------------------------------------------------------------
// Keeping the state bounded

/** What a run mark costs in the saved JSON, roughly: `["<id>",1700000000000],`. */
export function markBytes(id: string): number {
	return JSON.stringify(id).length + 17;
}

/** Up to MAX_TIE_IDS ids, and whether that is all of them. */
export function tieIds(ids: Iterable<string>): { ids: string[]; all: boolean } {
	const list = [...new Set(ids)];
	return { ids: list.slice(0, MAX_TIE_IDS), all: list.length <= MAX_TIE_IDS };
}

/**
 * The newest finished runs within the limits. Evicting a run raises the floor past its start time
 * (and so past every run of the same millisecond: a group bigger than the limit goes as a whole),
 * so "unknown, below the boundary and at or above the floor" still means "not seen finished".
 */
export function boundDone(done: Iterable<RunMark>, floor: number, limits: StateLimits): { done: RunMark[]; floor: number } {
	let kept = [...done].filter(([, start]) => start >= floor).sort((a, b) => a[1] - b[1]);
	let bytes = kept.reduce((sum, [id]) => sum + markBytes(id), 0);
	let cut = 0;
	while (cut < kept.length && (kept.length - cut > limits.maxDone || bytes > limits.doneBytes)) {
		bytes -= markBytes(kept[cut][0]);
		cut++;
	}
	if (cut > 0) {
		floor = Math.max(floor, kept[cut - 1][1] + 1);
		kept = kept.filter(([, start]) => start >= floor);
	}
	return { done: kept, floor };
}

/** What an `undated` mark costs in the saved JSON: `["<id>",1700000000000],` or `["<id>",null],`. */
export function undatedMarkBytes([id, placed]: UndatedMark): number {
	return placed === null ? JSON.stringify(id).length + 8 : markBytes(id);
}

/**
 * The finished runs without a start time to remember, within the limits, in the order given (the poll
 * puts the ones it listed first, then the ones remembered and not listed, in their saved order).
 * - A placement below `floor` and below the boundary `hwm` is history: listed again at its place (by
 *   its neighbours), the run is below both, so not new (see TriggerPoll `isNew`). It is kept all the same
 *   while there is room, and such marks go first when over the bound, oldest placement first, without
 *   raising the floor: listed again higher up (the dated runs above it deleted), or first on a page of a
 *   resumed scan with no dated row above it to place it by (review v15r D1), it cannot be told from a new
 *   one by its place, only by its id (review v17r F5: forgotten, a run from before activation was emitted).
 * - Over the bound, placed ones (below the boundary) go first, oldest placement first, raising `floor`
 *   over each placement let go (as `done`'s eviction does: everything below it is history).
 * - Still over it, the last ones, missing from the listings longest (deleted runs among them), are let
 *   go (`letGo`): listed above every dated run, such a run cannot be told from a new one (reported).
 */
export function boundUndated(
	marks: Iterable<UndatedMark>,
	floor: number,
	hwm: number | null,
	limits: StateLimits,
	/** Saved beside the list, out of its bytes: `prints`, the fingerprints of `undatedLetGo` kept from before
	 * (each run let go now adds one, up to MAX_LET_GO_PRINTS); `bytes`, other fields' (`undatedGap`). */
	reserved: { prints?: number; bytes?: number } = {},
): { undated: UndatedMark[]; floor: number; letGo: number; letGoIds: string[] } {
	const seen = new Set<string>();
	const placedBelow = (placed: number | null, below: number) => placed !== null && hwm !== null && placed < hwm && placed < below;
	let kept = [...marks].filter(([id]) => !seen.has(id) && seen.add(id));
	let prints = Math.min(reserved.prints ?? 0, MAX_LET_GO_PRINTS);
	let bytes = prints * RUN_PRINT_CHARS + (reserved.bytes ?? 0) + kept.reduce((sum, mark) => sum + undatedMarkBytes(mark), 0);
	const over = (count = kept.length) => count > limits.maxUndated || bytes > limits.undatedBytes;
	// Placed under the floor: history, yet kept while there is room, and the first to go, oldest first.
	// Forgotten there, a run listed again higher up, once the dated runs above it were deleted, was taken
	// for a new one: emitted again, or a run from before activation emitted (review v17r F5: runs deleted
	// and pushed in while activation paged). (While a scan is unfinished its resumed pages may list such
	// a run first on a page: review v15r D1.)
	if (over()) {
		const history = kept.filter(([, placed]) => placedBelow(placed, floor)).sort((a, b) => (a[1] as number) - (b[1] as number));
		const dropped = new Set<string>();
		for (const mark of history) {
			if (!over(kept.length - dropped.size)) break;
			dropped.add(mark[0]);
			bytes -= undatedMarkBytes(mark);
		}
		kept = kept.filter(([id]) => !dropped.has(id));
	}
	const byPlacement = kept
		.filter(([, placed]) => placedBelow(placed, Infinity))
		.map(([, placed]) => placed as number)
		.sort((a, b) => a - b);
	for (const placed of byPlacement) {
		if (!over()) break;
		floor = Math.max(floor, placed + 1);
		kept = kept.filter((mark) => !placedBelow(mark[1], floor) || ((bytes -= undatedMarkBytes(mark)), false));
	}
	const letGoIds: string[] = [];
	while (over() && kept.length > 0) {
		const mark = kept.pop() as UndatedMark;
		bytes -= undatedMarkBytes(mark);
		// Its fingerprint, while `undatedLetGo` has room (past it the oldest go: no more bytes).
		if (prints < MAX_LET_GO_PRINTS) {
			prints++;
			bytes += RUN_PRINT_CHARS;
		}
		letGoIds.push(mark[0]);
	}
	return { undated: kept, floor, letGo: letGoIds.length, letGoIds };
}

/** Characters of a run's fingerprint in `unwatched`: 30 bits, 6 a character. */
export const RUN_PRINT_CHARS = 5;
const PRINT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A run id's fingerprint (FNV-1a, 30 bits): `unwatched` holds up to MAX_PENDING of them in 1.5 KB, where
 * as many ids would not fit the state's 64 KiB. Two ids sharing one (about one chance in 3.6 million for
 * a new id among 300) leave the second uncounted once.
 */
export function runPrint(id: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
	let print = '';
	for (let i = 0; i < RUN_PRINT_CHARS; i++) print += PRINT_ALPHABET[(hash >>> (6 * i)) & 63];
	return print;
}

/** The fingerprints of a saved string of them (`unwatched`, `undatedLetGo`), in order. */
export function runPrints(text = ''): string[] {
	const prints: string[] = [];
	for (let at = 0; at < text.length; at += RUN_PRINT_CHARS) prints.push(text.slice(at, at + RUN_PRINT_CHARS));
	return prints;
}

function isRunPrints(value: unknown, max = MAX_PENDING): value is string {
	return (
		typeof value === 'string' &&
		value.length % RUN_PRINT_CHARS === 0 &&
		value.length <= max * RUN_PRINT_CHARS &&
		[...value].every((char) => PRINT_ALPHABET.includes(char))
	);
}

/** The watch list within the limits, rotation order kept; the oldest-started are dropped first. */
export function boundPending(pending: RunMark[], limits: StateLimits): { pending: RunMark[]; dropped: number; droppedIds: string[] } {
	let bytes = pending.reduce((sum, [id]) => sum + markBytes(id), 0);
	if (pending.length <= limits.maxPending && bytes <= limits.pendingBytes) return { pending, dropped: 0, droppedIds: [] };
	const dropped = new Set<string>();
	// Of runs started at one time (a block running without a start time, all placed alike), the ones
	// added last go first: the ones watched before stay watched, so a block bigger than the list drops
	// the same runs on every poll, not each run in turn (review v15r D7).
	const order = pending.map((mark, index) => ({ id: mark[0], start: mark[1], index }));
	for (const { id } of order.sort((a, b) => a.start - b.start || b.index - a.index)) {
		if (pending.length - dropped.size <= limits.maxPending && bytes <= limits.pendingBytes) break;
		dropped.add(id);
		bytes -= markBytes(id);
	}
	return { pending: pending.filter(([id]) => !dropped.has(id)), dropped: dropped.size, droppedIds: [...dropped] };
}
