/**
 * Vishwa does not publish its run_status values, so finished/not-finished is decided from lists the
 * user can edit, compared case-insensitively. Anything on neither list counts as still running.
 */
export const DEFAULT_SUCCESS_STATUSES = ['completed', 'succeeded', 'success', 'finished'];
export const DEFAULT_FAILURE_STATUSES = [
	'failed',
	'error',
	'cancelled',
	'canceled',
	'aborted',
	'timed_out',
	'timeout',
];

export type RunOutcome = 'succeeded' | 'failed' | 'running';

export interface StatusLists {
	success: string[];
	failure: string[];
}

export const DEFAULT_STATUS_LISTS: StatusLists = {
	success: DEFAULT_SUCCESS_STATUSES,
	failure: DEFAULT_FAILURE_STATUSES,
};

/** "Completed, DONE , ok" -> ["completed", "done", "ok"]; an array is accepted too. */
export function parseStatusList(input: unknown): string[] {
	const parts = Array.isArray(input) ? input : String(input ?? '').split(',');
	return parts.map((part) => String(part).trim().toLowerCase()).filter((part) => part !== '');
}

export function classifyStatus(status: unknown, lists: StatusLists = DEFAULT_STATUS_LISTS): RunOutcome {
	if (typeof status !== 'string') return 'running';
	const normalized = status.trim().toLowerCase();
	if (lists.success.includes(normalized)) return 'succeeded';
	if (lists.failure.includes(normalized)) return 'failed';
	return 'running';
}
