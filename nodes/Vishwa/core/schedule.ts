/** Timing decisions, kept pure so they can be unit-tested without clocks. */

export interface PollSchedule {
	/** First delay between status requests, in ms. */
	initialMs: number;
	/** Upper bound of the delay, in ms. */
	maxMs: number;
	/** Growth per poll. */
	factor: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 1000, maxMs: 10000, factor: 1.5 };

/** Delay before status request number `attempt` (0-based) while waiting for a run. */
export function pollDelayMs(attempt: number, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE): number {
	const delay = schedule.initialMs * Math.pow(schedule.factor, Math.max(0, attempt));
	return Math.round(Math.min(schedule.maxMs, Math.max(1, delay)));
}

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	baseMs: number;
	capMs: number;
	/** The longest Retry-After the node is willing to honour, in ms. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	baseMs: 500,
	capMs: 8000,
	maxRetryAfterMs: 60000,
};

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^retry)]. */
export function retryDelayMs(
	retry: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(policy.capMs, policy.baseMs * Math.pow(2, Math.max(0, retry)));
	return Math.round(ceiling * (0.5 + random() / 2));
}

/** A header's value: the first one when it came more than once. */
function headerText(header: unknown): string | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	return String(value).trim();
}

/**
 * A Retry-After header in ms: delta-seconds, or an HTTP date. `undefined` when absent or invalid
 * (a negative number, anything unreadable), so the caller falls back to its own backoff.
 *
 * A date is measured against the answer's own `Date` header when it has a readable one: both come
 * from the server's clock, so a server whose clock is off by minutes still gets the wait it asked
 * for. Only without a `Date` header is the local clock (`nowMs`) used. A date already past means
 * "retry now" (0).
 */
export function parseRetryAfterMs(header: unknown, nowMs: number, serverDateHeader?: unknown): number | undefined {
	const text = headerText(header);
	if (text === undefined || text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// A number of any other form (-5, +3) is not delta-seconds, and not a date either, though
	// Date.parse reads "-5" as a year: an HTTP date always has a month name.
	if (!/[a-z]/i.test(text)) return undefined;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	const serverDateText = headerText(serverDateHeader);
	const serverNow = serverDateText ? Date.parse(serverDateText) : Number.NaN;
	const reference = Number.isNaN(serverNow) ? nowMs : serverNow;
	return Math.max(0, date - reference);
}
