/**
 * Max Unfinished Runs, counted at Vishwa: a place is taken before an item's run is started and
 * given back only when the run is seen finished, not when the item's wait ends. A run whose wait
 * ended first (Maximum Wait, a failed status request) keeps its place and, while items wait for a
 * place, is checked on through the execution's waiter (its backoff, its status requests under
 * Concurrency); a start-run whose outcome is unknown (the run may exist, its ID is not known) keeps
 * its place for the rest of the execution. An item fails waiting for a place only when none came free for its Maximum Wait.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { formatDuration, WAIT_FIELDS } from '../../core/wait';
import { pauseFor, whenAborted } from '../../transport';
import type { RunWaiter, WatchedRun } from './waitForRun';

/** An item's place, from before its run is started until the run is seen finished. */
export interface RunPlace {
	/** The run started: it holds the place (named when an item waits too long). */
	startedRun(runId: string): void;
	/** The run was seen finished, or none was started: the place is free. */
	release(): void;
	/** The item's wait ended before the run was seen finished: kept until it is (see watch). */
	keepWhileRunning(run: WatchedRun, backoff: number): void;
	/** A start-run whose answer was lost or gave no run ID: kept for the rest of the execution. */
	keepForGood(): void;
}

interface Holder {
	itemIndex: number;
	runId?: string;
	/** Waited on by its item ('waited'), checked on while items wait ('unseen'), or never seen ('unknown'). */
	state: 'starting' | 'waited' | 'unseen' | 'unknown';
	run?: WatchedRun;
	backoff: number;
	stopWatching?: () => number;
}

interface Waiting {
	itemIndex: number;
	give: (place: RunPlace) => void;
	refuse: (error: Error) => void;
}

/**
 * The waits for a place sleep at most this long at a time, then look at their deadline again (it
 * moves whenever a place comes free).
 */
const SLEEP_SLICE_MS = 1000;
/** How many holders a "waited too long" message names; the rest are counted. */
const NAMED_HOLDERS = 20;

export class UnfinishedRuns {
	private readonly holders = new Set<Holder>();
	private readonly waiting: Waiting[] = [];
	private closedWith: Error | undefined;
	/** When a place last came free: an item's wait for a place counts from then, so a queue that moves never times out. */
	private lastFreedAt = 0;

	constructor(
		/** Infinity: no limit. */
		readonly limit: number,
		private readonly node: () => INode,
		private readonly waiter: () => RunWaiter,
		private readonly cancelSignal: AbortSignal | undefined,
	) {}

	/**
	 * A place for item `itemIndex`'s run, in item order; fails naming the runs that hold the places
	 * only when no place came free for `maxWaitMs` (a long queue that keeps moving is not a failure:
	 * 200 items under a limit of 5 all run, however long that takes).
	 */
	async take(itemIndex: number, maxWaitMs: number): Promise<RunPlace> {
		if (this.closedWith) throw this.closedWith;
		if (this.holders.size < this.limit && this.waiting.length === 0) return this.placeFor(itemIndex);
		let outcome: { place: RunPlace } | { error: Error } | undefined;
		// Ends the current sleep: a place came, the wait was refused, or Stop.
		const wake = new AbortController();
		const entry: Waiting = {
			itemIndex,
			give: (place) => {
				outcome ??= { place };
				wake.abort();
			},
			refuse: (error) => {
				outcome ??= { error };
				wake.abort();
			},
		};
		this.waiting.push(entry);
		this.checkOnUnseenRuns();
		const queuedAt = Date.now();
		const deadline = () => Math.max(queuedAt, this.lastFreedAt) + maxWaitMs;
		const forgetStop = this.cancelSignal ? whenAborted(this.cancelSignal, () => wake.abort()) : undefined;
		try {
			while (!outcome && !this.cancelSignal?.aborted && Date.now() < deadline()) {
				await pauseFor(Math.min(SLEEP_SLICE_MS, deadline() - Date.now()), wake.signal);
			}
		} finally {
			forgetStop?.();
		}
		if (outcome && 'place' in outcome) return outcome.place;
		this.leaveQueue(entry);
		if (outcome) throw outcome.error;
		if (this.cancelSignal?.aborted) {
			throw new NodeOperationError(
				this.node(),
				`Stopped: the execution was cancelled while item ${itemIndex} waited for a place under ${WAIT_FIELDS.maxUnfinishedRuns}`,
				{ description: 'No run was started for it.', itemIndex },
			);
		}
		throw this.waitedTooLong(itemIndex, maxWaitMs);
	}

	/** Refuses every item waiting for a place, and later ones; stops checking on runs. */
	close(error: Error): void {
		this.closedWith ??= error;
		for (const entry of this.waiting.splice(0)) entry.refuse(this.closedWith);
		this.stopCheckingOnRuns();
	}

	private placeFor(itemIndex: number): RunPlace {
		const holder: Holder = { itemIndex, state: 'starting', backoff: 0 };
		this.holders.add(holder);
		let freed = false;
		return {
			startedRun: (runId) => {
				holder.runId = runId;
				holder.state = 'waited';
			},
			release: () => {
				if (freed) return;
				freed = true;
				this.free(holder);
			},
			keepWhileRunning: (run, backoff) => {
				if (freed) return;
				Object.assign(holder, { state: 'unseen', run, backoff });
				this.checkOnUnseenRuns();
			},
			keepForGood: () => {
				if (!freed) holder.state = 'unknown';
			},
		};
	}

	private free(holder: Holder): void {
		holder.stopWatching?.();
		this.holders.delete(holder);
		this.lastFreedAt = Date.now();
		const next = this.waiting.shift();
		if (next) next.give(this.placeFor(next.itemIndex));
		if (this.waiting.length === 0) this.stopCheckingOnRuns();
	}

	private leaveQueue(entry: Waiting): void {
		const at = this.waiting.indexOf(entry);
		if (at >= 0) this.waiting.splice(at, 1);
		if (this.waiting.length === 0) this.stopCheckingOnRuns();
	}

	/** While items wait for a place: every run holding one unseen is checked on. */
	private checkOnUnseenRuns(): void {
		if (this.waiting.length === 0 || this.closedWith) return;
		for (const holder of this.holders) {
			if (holder.state !== 'unseen' || holder.stopWatching || !holder.run) continue;
			holder.stopWatching = this.waiter().watch(holder.run, holder.backoff, () => {
				holder.stopWatching = undefined;
				this.free(holder);
			});
		}
	}

	/** Nobody waits for a place: no status requests for runs nobody waits on. */
	private stopCheckingOnRuns(): void {
		for (const holder of this.holders) {
			if (!holder.stopWatching) continue;
			holder.backoff = holder.stopWatching();
			holder.stopWatching = undefined;
		}
	}

	private waitedTooLong(itemIndex: number, maxWaitMs: number): NodeOperationError {
		const holders = [...this.holders].sort((a, b) => a.itemIndex - b.itemIndex);
		const named = holders.slice(0, NAMED_HOLDERS).map((holder) => {
			if (holder.state === 'unknown') return `item ${holder.itemIndex}: a run whose ID is unknown (its start-run's answer was lost or had none)`;
			if (holder.runId === undefined) return `item ${holder.itemIndex}: a run being started`;
			return `item ${holder.itemIndex}: ${holder.runId}${holder.state === 'unseen' ? ' (its wait ended, not seen finished yet)' : ''}`;
		});
		const more = holders.length - named.length;
		return new NodeOperationError(
			this.node(),
			`Item ${itemIndex}: no run was started: no place under ${WAIT_FIELDS.maxUnfinishedRuns} (${this.limit}) came free within ${formatDuration(maxWaitMs)}`,
			{
				description: `The places are held by runs not seen finished: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}. They keep going in Vishwa; the node frees a place when it sees one finish. Raise ${WAIT_FIELDS.maxWait} or ${WAIT_FIELDS.maxUnfinishedRuns}, or check those runs with Run > Get Status.`,
				itemIndex,
			},
		);
	}
}
