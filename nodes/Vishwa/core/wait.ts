/**
 * The wait options of Start Run's "Wait for Completion" and the Wait for Completion operation:
 * defaults, validation and messages. The decisions of waiting itself are in waitScheduler.ts.
 */
import { VishwaInputError } from './errors';
import { readNumberOption, secondsRule, shown } from './options';
import { DEFAULT_POLL_SCHEDULE, type PollSchedule } from './schedule';
import {
	DEFAULT_FAILURE_STATUSES,
	DEFAULT_SUCCESS_STATUSES,
	parseStatusList,
	type StatusLists,
} from './status';

export const DEFAULT_MAX_WAIT_MS = 10 * 60 * 1000;

/**
 * The smallest Poll Interval, Max Poll Interval and Maximum Wait accepted: the editor's minimum
 * (0.1 s), enforced at run time too, since an expression's value skips the editor's check.
 */
export const MIN_WAIT_SECONDS = 0.1;

/** The default lists as the node's text parameters show them. */
export const DEFAULT_SUCCESS_TEXT = DEFAULT_SUCCESS_STATUSES.join(', ');
export const DEFAULT_FAILURE_TEXT = DEFAULT_FAILURE_STATUSES.join(', ');

export type OnFailedRun = 'error' | 'return';

export interface WaitSettings {
	schedule: PollSchedule;
	maxWaitMs: number;
	lists: StatusLists;
	onFailedRun: OnFailedRun;
}

/** The wait parameters as the node reads them (seconds, comma-separated lists). */
export interface RawWaitSettings {
	pollInterval?: unknown;
	maxPollInterval?: unknown;
	maxWait?: unknown;
	successStatuses?: unknown;
	failureStatuses?: unknown;
	onFailedRun?: unknown;
}

/** Display names of the wait parameters, so errors name what the user sees. */
export const WAIT_FIELDS = {
	pollInterval: 'Poll Interval (Seconds)',
	maxPollInterval: 'Max Poll Interval (Seconds)',
	maxWait: 'Maximum Wait (Seconds)',
	successStatuses: 'Success Statuses',
	failureStatuses: 'Failure Statuses',
	onFailedRun: 'On Failed Run',
	maxUnfinishedRuns: 'Max Unfinished Runs',
} as const;

function positiveSeconds(raw: unknown, fallbackMs: number, field: string): number {
	const seconds = readNumberOption(raw, secondsRule(field, MIN_WAIT_SECONDS));
	return seconds === undefined ? fallbackMs : Math.round(seconds * 1000);
}

/** Validates the wait parameters; missing ones take their defaults. */
export function parseWaitSettings(raw: RawWaitSettings): WaitSettings {
	const initialMs = positiveSeconds(raw.pollInterval, DEFAULT_POLL_SCHEDULE.initialMs, WAIT_FIELDS.pollInterval);
	const capMs = positiveSeconds(raw.maxPollInterval, DEFAULT_POLL_SCHEDULE.maxMs, WAIT_FIELDS.maxPollInterval);
	const maxWaitMs = positiveSeconds(raw.maxWait, DEFAULT_MAX_WAIT_MS, WAIT_FIELDS.maxWait);

	const success = raw.successStatuses === undefined ? undefined : parseStatusList(raw.successStatuses);
	const failure = raw.failureStatuses === undefined ? undefined : parseStatusList(raw.failureStatuses);
	const lists: StatusLists = {
		success: success ?? [...DEFAULT_SUCCESS_STATUSES],
		failure: failure ?? [...DEFAULT_FAILURE_STATUSES],
	};
	if (lists.success.length === 0) {
		throw new VishwaInputError(
			`${WAIT_FIELDS.successStatuses} is empty`,
			WAIT_FIELDS.successStatuses,
			'List at least one status that means the run succeeded, separated by commas (e.g. completed, succeeded).',
		);
	}
	const both = lists.success.find((status) => lists.failure.includes(status));
	if (both !== undefined) {
		throw new VishwaInputError(
			`Status "${both}" is in both ${WAIT_FIELDS.successStatuses} and ${WAIT_FIELDS.failureStatuses}`,
			WAIT_FIELDS.successStatuses,
			'A status can mean success or failure, not both. Remove it from one of the lists.',
		);
	}

	const onFailedRun = raw.onFailedRun === undefined || raw.onFailedRun === '' ? 'error' : raw.onFailedRun;
	if (onFailedRun !== 'error' && onFailedRun !== 'return') {
		throw new VishwaInputError(
			`${WAIT_FIELDS.onFailedRun} must be "error" or "return" (got ${JSON.stringify(onFailedRun)})`,
			WAIT_FIELDS.onFailedRun,
		);
	}

	return {
		// A Poll Interval above the cap is honoured: the user asked for fewer requests.
		schedule: { initialMs, maxMs: Math.max(initialMs, capMs), factor: DEFAULT_POLL_SCHEDULE.factor },
		maxWaitMs,
		lists,
		onFailedRun,
	};
}

/**
 * Max Unfinished Runs: how many started runs may be unfinished at once (for plans that limit
 * parallel runs). Empty or 0 means no limit. Read by the same rule as every other numeric option
 * (readNumberOption: numbers, or decimal text; not "0x10", [2] or []), so a value that is not a
 * count never silently removes the limit.
 */
export function parseMaxUnfinishedRuns(raw: unknown): number {
	const rule = { field: WAIT_FIELDS.maxUnfinishedRuns, integer: true, min: 0, max: Number.MAX_SAFE_INTEGER, unit: '' } as const;
	let count: number | undefined;
	let refused = false;
	try {
		count = readNumberOption(raw, rule);
	} catch {
		refused = true; // reworded below: "0 for no limit" is what this option's users need to read
	}
	if (refused) {
		throw new VishwaInputError(
			`${WAIT_FIELDS.maxUnfinishedRuns} must be a whole number, 0 for no limit (got ${shown(raw)})`,
			WAIT_FIELDS.maxUnfinishedRuns,
			'Give a whole number of runs, or 0 for no limit. If the value comes from an expression, check what it returns for this item.',
		);
	}
	return count === undefined || count === 0 ? Infinity : count;
}

/** 1500 -> "1.5 s", 600000 -> "10 min", 90000 -> "1 min 30 s". */
export function formatDuration(ms: number): string {
	const totalSeconds = Math.round(ms / 100) / 10;
	if (totalSeconds < 60) return `${totalSeconds} s`;
	const minutes = Math.floor(totalSeconds / 60);
	const seconds = Math.round(totalSeconds - minutes * 60);
	return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}
