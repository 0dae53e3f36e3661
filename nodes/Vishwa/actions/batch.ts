import type { IExecuteFunctions } from 'n8n-workflow';

import { createLimiter, type Limiter } from '../core/concurrency';
import type { VishwaConnection } from '../transport';
import { RunWaiter } from './run/waitForRun';

/**
 * What the items of one execution share: Concurrency bounds the requests in flight (uploads,
 * start-runs, status requests), not the items; the runs are waited on together by one waiter;
 * Max Unfinished Runs bounds the runs started and not yet finished.
 */
export class Batch {
	/** Every request of the execution's items goes through this: at most Concurrency at once. */
	readonly requests: Limiter;
	private waiter: RunWaiter | undefined;
	private runSlots: Limiter | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: VishwaConnection,
		readonly concurrency: number,
	) {
		this.requests = createLimiter(concurrency);
	}

	/** The execution's one waiter, created on first use. */
	runWaiter(): RunWaiter {
		this.waiter ??= new RunWaiter(this.ctx, this.connection, this.requests);
		return this.waiter;
	}

	/** Places for unfinished runs; the first caller's limit (the first item's) sets it for all. */
	unfinishedRuns(limit: number): Limiter {
		this.runSlots ??= createLimiter(limit);
		return this.runSlots;
	}
}
