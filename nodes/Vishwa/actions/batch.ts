import type { IExecuteFunctions } from 'n8n-workflow';

import { createLimiter, type Limiter } from '../core/concurrency';
import { pauseFor, whenAborted, type RateLimitGate, type VishwaConnection } from '../transport';
import { UnfinishedRuns } from './run/unfinishedRuns';
import { RunWaiter } from './run/waitForRun';

/** How many runs a failed node's message lists by item; the rest are counted. */
export const LISTED_RUNS = 20;

/**
 * What the items of one execution share: Concurrency bounds the requests in flight (uploads,
 * start-runs, status requests), not the items; the runs are waited on together by one waiter;
 * Max Unfinished Runs bounds the runs started and not yet finished.
 */
export class Batch {
	/** Every request of the execution's items goes through this: at most Concurrency at once. */
	readonly requests: Limiter;
	/**
	 * Vishwa's rate limit, for the items' uploads and start-runs: while a 429's Retry-After runs, none
	 * of them is sent, and after it only the refused request's retry, until it is answered; then the
	 * others in the order they were held. Letting them go would only draw more 429s, start runs out
	 * of item order and use up their retries. Nothing held (nor the refused request's pause) keeps a
	 * Concurrency place, so status requests of started runs go on (each waits out its own 429).
	 */
	readonly rateLimit: RateLimitGate = createRateLimitGate();
	/** Runs this execution started (or an earlier try of it, see ../tries.ts), by item index. */
	readonly startedRuns = new Map<number, string>();
	private waiter: RunWaiter | undefined;
	private runSlots: UnfinishedRuns | undefined;
	private failedItem: number | undefined;
	/** Aborted when the node fails: ends the status requests still on their way. */
	private readonly failing = new AbortController();
	/** Stop, or the node failing: ends every wait of the items' uploads and start-runs (RateLimitGate.waitsEnd). */
	private readonly itemWaitsEnd: AbortSignal;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: VishwaConnection,
		readonly concurrency: number,
		/** Without Continue On Fail: the first item to fail fails the node (see fail). */
		private readonly failFast = false,
	) {
		// A freed place goes to the next request on the next event-loop turn, one per turn (see LimiterOptions).
		this.requests = createLimiter(concurrency, { nextTurn: async () => await pauseFor(0) });
		const stop = ctx.getExecutionCancelSignal?.();
		this.itemWaitsEnd = stop ? AbortSignal.any([stop, this.failing.signal]) : this.failing.signal;
		// Stop refuses every request still waiting for a place at once: handed their places one per
		// turn, thousands of them (with Continue On Fail) kept the node busy for seconds after Stop.
		const stopped = () => this.requests.close(Object.assign(new Error('Not done: the execution was stopped'), { notSent: true }));
		if (stop?.aborted) stopped();
		else if (stop) {
			stop.addEventListener('abort', stopped, { once: true });
			// The signal lives as long as the execution: a node run many times in it (a loop) would else
			// leave a listener, and its Batch, per run.
			this.ended = () => stop.removeEventListener('abort', stopped);
		}
	}

	/** Removes what the batch hung on the execution (called once the node's items are all done). */
	private ended: () => void = () => undefined;
	end(): void {
		this.ended();
	}

	/**
	 * Runs an item's requests in one Concurrency place, handing them the rate limit through which
	 * they give the place back while they wait (RateLimitGate.away). Without Continue On Fail, an item
	 * failing here fails the node before its place is given to the next waiting item.
	 */
	async itemRequests<T>(itemIndex: number, task: (rateLimit: RateLimitGate) => Promise<T>): Promise<T> {
		return await this.requests.run(async (place) => {
			const gate = this.rateLimit;
			const waitsEnd = this.itemWaitsEnd;
			const outcome = task({
				waitsEnd,
				hold: (ms) => gate.hold(ms),
				passed: async (signal) => await gate.passed(signal),
				get open() {
					return gate.open;
				},
				away: async (wait) => await place.away(wait),
			});
			// Registered before the await below, so it runs before the place is released.
			outcome.catch(() => (this.failFast ? this.fail(itemIndex) : undefined));
			return await outcome;
		});
	}

	/** The execution's one waiter, created on first use. */
	runWaiter(): RunWaiter {
		this.waiter ??= new RunWaiter(this.ctx, this.connection, this.requests, this.failing.signal);
		if (this.failedItem !== undefined) this.waiter.abandon(this.failedItem);
		return this.waiter;
	}

	/** Places for unfinished runs; the first caller's limit (the first item's) sets it for all. */
	unfinishedRuns(limit: number): UnfinishedRuns {
		this.runSlots ??= new UnfinishedRuns(
			limit,
			() => this.ctx.getNode(),
			() => this.runWaiter(),
			this.ctx.getExecutionCancelSignal?.(),
		);
		return this.runSlots;
	}

	/** The item whose failure ends the node (without Continue On Fail), once one failed. */
	get failed(): number | undefined {
		return this.failedItem;
	}

	/**
	 * Item `itemIndex` failed and the node fails with it, as n8n's item-by-item loop would stop at it:
	 * nothing more is sent (requests waiting for a place are dropped, no run is started after this),
	 * and no run is waited on any more. Requests already on their way finish, so the runs they start
	 * are known (and a Retry On Fail waits on them instead of starting them again).
	 */
	fail(itemIndex: number): void {
		if (this.failedItem !== undefined) return;
		this.failedItem = itemIndex;
		// Refuses requests that never got (or, back from a rate-limit wait, never got again) a place:
		// nothing of theirs was carried out, so a Retry On Fail may send them (tries.ts outcomeUnknown).
		const stopped = Object.assign(new Error(`Not done: item ${itemIndex} failed first`), { notSent: true });
		this.requests.close(stopped);
		this.runSlots?.close(stopped);
		this.waiter?.abandon(itemIndex);
		this.failing.abort(stopped);
	}

	/**
	 * The runs this execution started, for the failed node's message (item index and run ID), so the
	 * user can find them in Vishwa: the first LISTED_RUNS by item, then how many more.
	 */
	describeStartedRuns(): string | undefined {
		if (this.startedRuns.size === 0) return undefined;
		const runs = [...this.startedRuns].sort(([a], [b]) => a - b);
		const listed = runs.slice(0, LISTED_RUNS).map(([item, runId]) => `item ${item}: ${runId}`);
		const more = runs.length - listed.length;
		const count = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
		return `This execution started ${count}; none was cancelled in Vishwa: ${listed.join(', ')}${more > 0 ? `, and ${more} more` : ''}.`;
	}
}

/**
 * The execution's rate-limit gate. Held requests wait in a queue and are let go in the order they
 * came, at once when it opens (the holder's answer, or the end of the Retry-After).
 */
function createRateLimitGate(): RateLimitGate {
	let until = 0;
	let holders = 0;
	const waiting: Array<() => void> = [];
	let timer: AbortController | undefined;
	const isOpen = () => holders === 0 && Date.now() >= until;
	const check = () => {
		if (isOpen()) {
			timer?.abort();
			timer = undefined;
			for (const go of waiting.splice(0)) go();
			return;
		}
		// Only the end of the Retry-After can open it without a holder's answer: look again then.
		if (waiting.length > 0 && !timer && Date.now() < until) {
			const own = (timer = new AbortController());
			void pauseFor(until - Date.now(), own.signal, { signalIsOwn: true }).then((ranOut) => {
				if (!ranOut || timer !== own) return;
				timer = undefined;
				check();
			});
		}
	};
	return {
		get open() {
			return isOpen();
		},
		hold(ms) {
			until = Math.max(until, Date.now() + ms);
			holders++;
			let released = false;
			return () => {
				if (released) return;
				released = true;
				holders--;
				check();
			};
		},
		async passed(signal) {
			if (isOpen() || signal?.aborted) return;
			await new Promise<void>((resolve) => {
				const go = () => {
					forget?.();
					resolve();
				};
				const onAbort = () => {
					const at = waiting.indexOf(go);
					if (at >= 0) waiting.splice(at, 1);
					if (waiting.length === 0) {
						timer?.abort();
						timer = undefined;
					}
					resolve();
				};
				waiting.push(go);
				// Before check(), which may call go at once.
				const forget = signal ? whenAborted(signal, onAbort) : undefined;
				check();
			});
		},
	};
}
