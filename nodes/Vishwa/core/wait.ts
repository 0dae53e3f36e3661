/**
 * Waiting for a run to finish, as pure decisions plus one loop whose clock, sleep and status request
 * are injected: the n8n side (actions/run/waitForRun.ts) plugs in real ones, the unit tests fake
 * ones. Start Run's "Wait for Completion" and the Wait for Completion operation both use it.
 */
import { VishwaInputError } from './errors';
import { extractRunStatus } from './responses';
import { DEFAULT_POLL_SCHEDULE, pollDelayMs, type PollSchedule } from './schedule';
import {
	classifyStatus,
	DEFAULT_FAILURE_STATUSES,
	DEFAULT_SUCCESS_STATUSES,
	parseStatusList,
	type StatusLists,
} from './status';

export const DEFAULT_MAX_WAIT_MS = 10 * 60 * 1000;

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
} as const;

function positiveSeconds(raw: unknown, fallbackMs: number, field: string): number {
	if (raw === undefined || raw === null || raw === '') return fallbackMs;
	const seconds = typeof raw === 'number' ? raw : Number(String(raw).trim());
	if (!Number.isFinite(seconds) || seconds <= 0) {
		throw new VishwaInputError(
			`${field} must be a positive number of seconds (got ${JSON.stringify(raw)})`,
			field,
		);
	}
	return Math.round(seconds * 1000);
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
 * How long to sleep before the next status request, or `undefined` when the deadline has come:
 * the backoff delay, clipped so the last sleep ends exactly at the deadline.
 */
export function nextPollDelayMs(
	sleepsSoFar: number,
	schedule: PollSchedule,
	nowMs: number,
	deadlineMs: number,
): number | undefined {
	const remaining = deadlineMs - nowMs;
	if (remaining <= 0) return undefined;
	return Math.min(pollDelayMs(sleepsSoFar, schedule), remaining);
}

export type WaitResult =
	| { kind: 'finished'; outcome: 'succeeded' | 'failed'; status: string; body: unknown; polls: number; waitedMs: number }
	| { kind: 'timedOut'; status: string | undefined; body: unknown; polls: number; waitedMs: number }
	| { kind: 'cancelled'; status: string | undefined; body: unknown; polls: number; waitedMs: number };

export interface WaitDependencies {
	/** One status request; its errors end the wait (the caller's transport already retried). */
	fetchStatus: () => Promise<unknown>;
	/** Resolves after `ms`, or earlier once the wait is cancelled. */
	sleep: (ms: number) => Promise<void>;
	now: () => number;
	isCancelled: () => boolean;
}

/**
 * Polls until the run's status is on one of the lists, the maximum wait is over, or the wait is
 * cancelled. With `pollImmediately` false the first request comes after the first interval (a run
 * that was started a moment ago is rarely finished already).
 */
export async function pollUntilFinished(
	settings: Pick<WaitSettings, 'schedule' | 'maxWaitMs' | 'lists'>,
	deps: WaitDependencies,
	pollImmediately: boolean,
): Promise<WaitResult> {
	const startedMs = deps.now();
	const deadlineMs = startedMs + settings.maxWaitMs;
	let sleeps = 0;
	let polls = 0;
	let body: unknown;
	let status: string | undefined;
	const waited = () => deps.now() - startedMs;

	if (!pollImmediately) {
		const delay = nextPollDelayMs(sleeps, settings.schedule, deps.now(), deadlineMs);
		if (delay !== undefined) {
			await deps.sleep(delay);
			sleeps++;
		}
	}
	for (;;) {
		if (deps.isCancelled()) return { kind: 'cancelled', status, body, polls, waitedMs: waited() };
		body = await deps.fetchStatus();
		polls++;
		status = extractRunStatus(body);
		const outcome = classifyStatus(status, settings.lists);
		if (outcome !== 'running') {
			return { kind: 'finished', outcome, status: status as string, body, polls, waitedMs: waited() };
		}
		const delay = nextPollDelayMs(sleeps, settings.schedule, deps.now(), deadlineMs);
		if (delay === undefined) return { kind: 'timedOut', status, body, polls, waitedMs: waited() };
		await deps.sleep(delay);
		sleeps++;
	}
}

/** 1500 -> "1.5 s", 600000 -> "10 min", 90000 -> "1 min 30 s". */
export function formatDuration(ms: number): string {
	const totalSeconds = Math.round(ms / 100) / 10;
	if (totalSeconds < 60) return `${totalSeconds} s`;
	const minutes = Math.floor(totalSeconds / 60);
	const seconds = Math.round(totalSeconds - minutes * 60);
	return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}
