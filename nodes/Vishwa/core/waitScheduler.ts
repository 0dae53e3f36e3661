/**
 * Waiting for many runs at once, as pure decisions (no clock, no timers, no requests): which runs
 * are due for a status request now, how long that request may take, what an answer means, when
 * a run's Maximum Wait is over and when to look again. actions/run/waitForRun.ts drives it with
 * n8n's sleep, the execution's cancel signal and status requests through the transport; the unit
 * tests drive it with a fake clock.
 *
 * Each run keeps the single-run backoff (Poll Interval growing by half up to Max Poll Interval), so
 * waiting on 200 runs costs 200 times one run's status requests. The caller bounds how many status
 * requests are out at once (`takeDue`'s `slots`).
 */
import { extractRunStatus } from './responses';
import { pollDelayMs, type PollSchedule } from './schedule';
import { classifyStatus } from './status';
import type { WaitSettings } from './wait';

/** How a run's wait ended. */
export type WaitEnd =
	| { kind: 'finished'; outcome: 'succeeded' | 'failed'; status: string; body: unknown; polls: number; waitedMs: number }
	| {
			kind: 'timedOut';
			status: string | undefined;
			body: unknown;
			polls: number;
			waitedMs: number;
			/** A status request was still unanswered when the Maximum Wait ran out. */
			requestPending: boolean;
			/** Intervals scheduled so far: where the run's backoff stood, to go on checking it from there. */
			backoff: number;
	  };

/**
 * The last status request is sent this long before the deadline at the latest, so that it can be
 * answered within the Maximum Wait: 1 s, or less for short intervals and waits.
 */
export function finalPollLeadMs(schedule: PollSchedule, maxWaitMs: number): number {
	return Math.max(1, Math.min(1000, schedule.initialMs, Math.floor(maxWaitMs / 2)));
}

/**
 * When to send the next status request after `sleepsSoFar` intervals: the backoff delay from
 * `nowMs`, but no later than the last moment a request is still worth sending (`leadMs` before the
 * deadline); `undefined` when that moment has passed.
 */
export function nextPollAtMs(
	sleepsSoFar: number,
	schedule: PollSchedule,
	nowMs: number,
	deadlineMs: number,
	leadMs: number,
): number | undefined {
	const lastMs = deadlineMs - leadMs;
	if (nowMs >= lastMs) return undefined;
	return Math.min(nowMs + pollDelayMs(sleepsSoFar, schedule), lastMs);
}

interface RunWait {
	settings: Pick<WaitSettings, 'schedule' | 'maxWaitMs' | 'lists'>;
	startedMs: number;
	deadlineMs: number;
	leadMs: number;
	/** Intervals scheduled so far (the backoff's position). */
	sleeps: number;
	polls: number;
	/** Time of the next status request; undefined once no more are worth sending. */
	nextPollMs: number | undefined;
	inFlight: boolean;
	status: string | undefined;
	body: unknown;
	/** Insertion order, to break ties (input order). */
	seq: number;
}

/** A run whose status request may go now, and how long that request may take at most. */
export interface DuePoll<K> {
	key: K;
	budgetMs: number;
}

export class WaitScheduler<K> {
	private readonly runs = new Map<K, RunWait>();
	private seq = 0;

	get size(): number {
		return this.runs.size;
	}

	get inFlight(): number {
		let count = 0;
		for (const run of this.runs.values()) if (run.inFlight) count++;
		return count;
	}

	has(key: K): boolean {
		return this.runs.has(key);
	}

	/** The moment the run's Maximum Wait is over. */
	deadlineOf(key: K): number | undefined {
		return this.runs.get(key)?.deadlineMs;
	}

	/** Intervals scheduled so far for the run (its backoff's position). */
	backoffOf(key: K): number | undefined {
		return this.runs.get(key)?.sleeps;
	}

	/**
	 * Starts waiting on a run. With `pollImmediately` false (a run started a moment ago is rarely
	 * finished already) the first status request comes after the first interval; `backoff` goes on
	 * from where an earlier wait on the run left its backoff (the next interval is that long).
	 * A `maxWaitMs` of Infinity waits without a deadline.
	 */
	add(
		key: K,
		settings: Pick<WaitSettings, 'schedule' | 'maxWaitMs' | 'lists'>,
		nowMs: number,
		pollImmediately: boolean,
		backoff = 0,
	): void {
		if (this.runs.has(key)) throw new Error(`Already waiting on ${String(key)}`);
		const deadlineMs = nowMs + settings.maxWaitMs;
		const leadMs = finalPollLeadMs(settings.schedule, settings.maxWaitMs);
		const run: RunWait = {
			settings,
			startedMs: nowMs,
			deadlineMs,
			leadMs,
			sleeps: 0,
			polls: 0,
			nextPollMs: nowMs,
			inFlight: false,
			status: undefined,
			body: undefined,
			seq: this.seq++,
		};
		if (!pollImmediately) {
			run.nextPollMs = nextPollAtMs(backoff, settings.schedule, nowMs, deadlineMs, leadMs);
			run.sleeps = backoff + 1;
		}
		this.runs.set(key, run);
	}

	/** Runs whose Maximum Wait is over (a status request may still be out): removed, with how they ended. */
	expire(nowMs: number): Array<{ key: K; end: WaitEnd }> {
		const ended: Array<{ key: K; end: WaitEnd }> = [];
		for (const [key, run] of this.runs) {
			if (nowMs < run.deadlineMs) continue;
			this.runs.delete(key);
			ended.push({
				key,
				end: {
					kind: 'timedOut',
					status: run.status,
					body: run.body,
					polls: run.polls,
					waitedMs: nowMs - run.startedMs,
					requestPending: run.inFlight,
					backoff: run.sleeps,
				},
			});
		}
		return ended;
	}

	/**
	 * Up to `slots` runs whose status request is due, the longest-due first (then input order),
	 * marked as having a request out. Each may take until its run's deadline at most.
	 */
	takeDue(nowMs: number, slots: number): Array<DuePoll<K>> {
		if (slots <= 0) return [];
		const due: Array<[K, RunWait]> = [];
		for (const entry of this.runs) {
			const run = entry[1];
			if (!run.inFlight && run.nextPollMs !== undefined && run.nextPollMs <= nowMs && nowMs < run.deadlineMs) {
				due.push(entry);
			}
		}
		due.sort(([, a], [, b]) => (a.nextPollMs as number) - (b.nextPollMs as number) || a.seq - b.seq);
		return due.slice(0, slots).map(([key, run]) => {
			run.inFlight = true;
			return { key, budgetMs: run.deadlineMs - nowMs };
		});
	}

	/**
	 * A status answer: how the wait ended when the status is on a list, 'waiting' when the run is
	 * still going (its next request is scheduled), 'gone' when the run is no longer waited on
	 * (its Maximum Wait ran out meanwhile: the late answer changes nothing).
	 */
	answer(key: K, body: unknown, nowMs: number): WaitEnd | 'waiting' | 'gone' {
		const run = this.runs.get(key);
		if (!run) return 'gone';
		run.inFlight = false;
		run.polls++;
		run.body = body;
		run.status = extractRunStatus(body);
		const outcome = classifyStatus(run.status, run.settings.lists);
		if (outcome !== 'running') {
			this.runs.delete(key);
			return {
				kind: 'finished',
				outcome,
				status: run.status as string,
				body,
				polls: run.polls,
				waitedMs: nowMs - run.startedMs,
			};
		}
		run.nextPollMs = nextPollAtMs(run.sleeps, run.settings.schedule, nowMs, run.deadlineMs, run.leadMs);
		run.sleeps++;
		return 'waiting';
	}

	/** Stops waiting on a run (its status request failed); false when it was no longer waited on. */
	remove(key: K): boolean {
		return this.runs.delete(key);
	}

	/** Every run still waited on, removed (the execution was cancelled). */
	clear(): K[] {
		const keys = [...this.runs.keys()];
		this.runs.clear();
		return keys;
	}

	/** The next moment something is due (a status request or a deadline); undefined when nothing is waited on. */
	nextWakeMs(): number | undefined {
		let wake: number | undefined;
		for (const run of this.runs.values()) {
			const candidates = [run.deadlineMs];
			if (!run.inFlight && run.nextPollMs !== undefined) candidates.push(run.nextPollMs);
			for (const at of candidates) if (wake === undefined || at < wake) wake = at;
		}
		return wake;
	}
}
