/**
 * Runs `worker` over `items` with at most `limit` in flight and returns results in input order.
 * A worker must not throw for a single item's failure (return it as a value instead), so one
 * item never cancels the others.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	worker: (item: T, index: number) => Promise<R>,
	/** Checked before each item: once true, no further item is started (their results stay empty). */
	stopped: () => boolean = () => false,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
	const runLane = async () => {
		while (next < items.length && !stopped()) {
			const index = next++;
			results[index] = await worker(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: lanes }, runLane));
	return results;
}

/**
 * At most `limit` tasks at once; the others wait their turn, first come first served within their
 * lane. A task run with `priority` goes before every waiting ordinary one: a status request of a run
 * already started must not queue behind start-runs of runs not started yet (the started run's
 * Maximum Wait is running meanwhile).
 */
export interface Limiter {
	run<T>(task: (place: LimiterPlace) => Promise<T>, priority?: boolean): Promise<T>;
	/** Tasks running now. */
	readonly active: number;
	/** Tasks waiting for their turn. */
	readonly queued: number;
	/** The most tasks that ever ran at once. */
	readonly peak: number;
	/**
	 * Refuses every task still waiting for its turn, and every later one, with `error` (they never
	 * run); tasks already running finish.
	 */
	close(error: Error): void;
}

/** The place a running task holds. */
export interface LimiterPlace {
	/**
	 * Gives the place back while `wait` runs (a pause, a wait for another request), then takes one
	 * again in the priority lane, so the task goes before every ordinary task that queued meanwhile.
	 * Throws the close error, without a place, when the limiter was closed in between.
	 */
	away(wait: () => Promise<void>): Promise<void>;
}

/** How a limiter hands a freed place to a waiting task. */
export interface LimiterOptions {
	/**
	 * Resolves on a later turn of the event loop (a zero-length timer). When given, a place freed
	 * while tasks wait is handed over on the next turn, one place per turn, instead of at once: with
	 * a new connection per request (n8n-core 2.x), a request built at once only reaches the wire
	 * after the connect completes on a later turn, so when several answers arrive together every
	 * next request is built before any of them is sent, and they go out (and come back) together
	 * again, round after round. One hand-over per turn gives each new request's connect a poll phase
	 * to complete (and the request to leave) before the next is built, which spreads them out. The
	 * place stays counted as taken meanwhile.
	 */
	nextTurn?: () => Promise<unknown>;
}

/** A limiter; `Infinity` (or 0 / not a number) means no limit. */
export function createLimiter(limit: number, { nextTurn }: LimiterOptions = {}): Limiter {
	const max = Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : Infinity;
	type Turn = { start: () => void; refuse: (error: Error) => void };
	const waiting: Turn[] = [];
	const waitingFirst: Turn[] = [];
	let active = 0;
	let peak = 0;
	let closedWith: Error | undefined;
	/** Places freed while tasks waited, not handed over yet (with `nextTurn`); counted in `active`. */
	let freed = 0;
	/** Takes a place: at once when one is free (no promise, so the task starts in the same tick). */
	const take = (priority: boolean): Promise<void> | undefined => {
		if (closedWith) throw closedWith;
		const queued = waiting.length + waitingFirst.length > 0 || freed > 0;
		if (active < max && !queued) {
			active++;
			peak = Math.max(peak, active);
			return undefined;
		}
		const turn = new Promise<void>((start, refuse) => (priority ? waitingFirst : waiting).push({ start, refuse })).then(() => {
			peak = Math.max(peak, active);
		});
		// A place is free but tasks queued before this one are still to be handed theirs on coming turns:
		// this one queues behind them (a status request queued first is not overtaken by a later start-run),
		// and the free place joins the hand-overs.
		if (active < max) {
			active++;
			if (freed++ === 0 && nextTurn) void handOverOnePerTurn(nextTurn);
		}
		return turn;
	};
	/** Gives a freed place to the next waiting task (it stays taken), or frees it when none waits. */
	const handOver = () => {
		const next = waitingFirst.shift() ?? waiting.shift();
		if (next) next.start();
		else active--;
	};
	const handOverOnePerTurn = async (turn: () => Promise<unknown>) => {
		while (freed > 0) {
			await turn().catch(() => undefined);
			// close() gave back the places not handed over yet.
			if (freed === 0) return;
			freed--;
			handOver();
		}
	};
	const release = () => {
		if (!nextTurn) return handOver();
		// Every waiting task is already promised a freed place: this one is free at once.
		if (waiting.length + waitingFirst.length <= freed) return void active--;
		// The place stays counted as taken until it is handed over, so `active` stays within the limit.
		if (freed++ === 0) void handOverOnePerTurn(nextTurn);
	};
	return {
		get active() {
			return active;
		},
		get queued() {
			return waiting.length + waitingFirst.length;
		},
		get peak() {
			return peak;
		},
		close(error: Error) {
			closedWith ??= error;
			active -= freed;
			freed = 0;
			for (const turn of waitingFirst.splice(0).concat(waiting.splice(0))) turn.refuse(closedWith);
		},
		async run<T>(task: (place: LimiterPlace) => Promise<T>, priority = false): Promise<T> {
			const turn = take(priority);
			if (turn) await turn;
			let held = true;
			const place: LimiterPlace = {
				async away(wait) {
					if (!held) return await wait();
					held = false;
					release();
					await wait();
					const turn = take(true);
					if (turn) await turn;
					held = true;
				},
			};
			try {
				return await task(place);
			} finally {
				if (held) release();
			}
		},
	};
}
