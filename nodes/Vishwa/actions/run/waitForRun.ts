/**
 * The n8n side of waiting for runs, shared by Start Run ("Wait for Completion") and the Wait for
 * Completion operation: their parameters, reading them, and RunWaiter, which waits on every run
 * of one execution at once. It drives core/waitScheduler.ts with n8n's sleep, the execution's
 * cancel signal and status requests through the transport, sending at most Concurrency status
 * requests at once (through the execution's shared request limiter).
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Limiter } from '../../core/concurrency';
import { apiPaths } from '../../core/paths';
import { serverReason } from '../../core/responses';
import {
	DEFAULT_FAILURE_TEXT,
	DEFAULT_SUCCESS_TEXT,
	formatDuration,
	parseMaxUnfinishedRuns,
	parseWaitSettings,
	WAIT_FIELDS,
	type WaitSettings,
} from '../../core/wait';
import { WaitScheduler, type WaitEnd } from '../../core/waitScheduler';
import { pauseFor, vishwaApiRequest, type VishwaConnection } from '../../transport';
import { setErrorItemJson } from '../errorItem';
import { toJsonObject } from './getStatus.operation';

/**
 * On Failed Run and the Wait for Completion Options collection, shown where `show` says. `startsRuns`: the
 * operation starts the runs it waits on, so Max Unfinished Runs applies.
 */
export function waitProperties(show: IDisplayOptions['show'], { startsRuns = false } = {}): INodeProperties[] {
	return [
		{
			displayName: WAIT_FIELDS.onFailedRun,
			name: 'onFailedRun',
			type: 'options',
			options: [
				{
					name: 'Fail the Item',
					value: 'error',
					description:
						'The item fails with the run\'s status and Vishwa\'s error message (with Continue On Fail, it carries the error)',
				},
				{
					name: 'Return the Item',
					value: 'return',
					description: "The run's final status is returned like a successful one; check run_status downstream",
				},
			],
			default: 'error',
			description: 'What to do when the run ends with one of the Failure Statuses',
			displayOptions: { show },
		},
		{
			// Named after what it belongs to: on Start it sits right above the general Options.
			displayName: 'Wait for Completion Options',
			name: 'waitOptions',
			type: 'collection',
			placeholder: 'Add Wait Option',
			description: 'How the node waits for the run: which statuses end it, how often it asks, how long it waits in all',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: WAIT_FIELDS.failureStatuses,
					name: 'failureStatuses',
					type: 'string',
					default: DEFAULT_FAILURE_TEXT,
					description:
						'Comma-separated run_status values that mean the run failed (any letter case). A status on neither list means the run is still going.',
				},
				{
					displayName: WAIT_FIELDS.maxPollInterval,
					name: 'maxPollInterval',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: 10, // DEFAULT_POLL_SCHEDULE.maxMs (a literal: n8n's linter reads defaults statically)
					description: 'The interval between status requests grows by half each time, up to this',
				},
				...(startsRuns
					? [
							{
								displayName: WAIT_FIELDS.maxUnfinishedRuns,
								name: 'maxUnfinishedRuns',
								type: 'number' as const,
								typeOptions: { minValue: 0 },
								default: 0,
								description:
									"How many of this node's runs may be unfinished at once in Vishwa, for plans that limit parallel runs: the next item's run starts when the node sees one finish. A run whose wait ended first (Maximum Wait) keeps its place and is checked on until it finishes. If no place comes free for a whole Maximum Wait, the waiting items fail naming the runs holding the places. 0 means no limit. One setting for the whole node: the first waiting item's value applies to every item.",
							},
						]
					: []),
				{
					displayName: WAIT_FIELDS.maxWait,
					name: 'maxWait',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: 600, // DEFAULT_MAX_WAIT_MS
					description:
						'How long to wait for the run to finish before the item fails with the run ID and its last status. The run itself keeps going in Vishwa.',
				},
				{
					displayName: WAIT_FIELDS.pollInterval,
					name: 'pollInterval',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: 1, // DEFAULT_POLL_SCHEDULE.initialMs
					description: 'Time before the first status request and between the first ones',
				},
				{
					displayName: WAIT_FIELDS.successStatuses,
					name: 'successStatuses',
					type: 'string',
					default: DEFAULT_SUCCESS_TEXT,
					description: 'Comma-separated run_status values that mean the run succeeded (any letter case)',
				},
			],
		},
	];
}

/** The item's wait parameters, validated (a VishwaInputError names the bad one). */
export function readWaitSettings(ctx: IExecuteFunctions, itemIndex: number): WaitSettings {
	const options = ctx.getNodeParameter('waitOptions', itemIndex, {}) as IDataObject;
	return parseWaitSettings({
		...options,
		onFailedRun: ctx.getNodeParameter('onFailedRun', itemIndex, 'error'),
	});
}

/** The item's Max Unfinished Runs, validated; Infinity when there is no limit. */
export function readMaxUnfinishedRuns(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = ctx.getNodeParameter('waitOptions', itemIndex, {}) as IDataObject;
	return parseMaxUnfinishedRuns(options.maxUnfinishedRuns);
}

export interface WaitForRunRequest {
	flowId: string;
	runId: string;
	itemIndex: number;
	settings: WaitSettings;
	/** Per-request timeout (the Request Timeout option). */
	timeoutMs?: number;
	/** false right after starting the run: the first status request comes after one interval. */
	pollImmediately: boolean;
	/**
	 * Told when the wait ends: 'done' when the run was seen finished or the execution ends with the
	 * wait (Stop, a failing node); 'unseen' when the run may still be running (Maximum Wait, a failed
	 * status request), with where its backoff stood (see RunWaiter.watch).
	 */
	onWaitEnd?: (end: { kind: 'done' } | { kind: 'unseen'; backoff: number }) => void;
}

/** A run whose wait ended before it was seen finished, checked on (see RunWaiter.watch). */
export type WatchedRun = Pick<WaitForRunRequest, 'flowId' | 'runId' | 'itemIndex' | 'settings' | 'timeoutMs'>;

/** How one wait ended, as the waiter hands it to the item. */
/** What really happened to a run's status requests, for a truthful timeout message. */
interface RequestLog {
	/** Attempts sent (retries included); a request still queued for a Concurrency place is not sent. */
	sent: number;
	/** How the last answered attempt ended: "HTTP 500", "no answer within 30000 ms". */
	lastAnswer?: string;
	/** An attempt sent and not answered yet. */
	unanswered: boolean;
}

type WaitOutcome =
	| WaitEnd
	| { kind: 'cancelled' }
	| { kind: 'abandoned'; failedItem: number }
	| { kind: 'error'; error: unknown; backoff: number };

interface PendingWait {
	request: WaitForRunRequest;
	/** The status path, built (and the ids checked) before the wait joins the scheduler. */
	path: string;
	log: RequestLog;
	settle: (outcome: WaitOutcome, log: RequestLog) => void;
}

/**
 * The loop sleeps at most this long at a time (a run without Maximum Wait has no deadline to wake
 * for). Stop, an answer and a new run wake it at once (pauseFor clears its timer).
 */
const SLEEP_SLICE_MS = 1000;

/**
 * Waits on every run of one execution at once: one loop, one scheduler, each run on its own
 * backoff, and every request attempt through the execution's shared limiter, in its priority lane
 * (so start-runs, uploads and status requests together stay within Concurrency, and a started run
 * is polled on schedule). Stop (the execution's cancel signal) ends every wait at once.
 */
export class RunWaiter {
	private readonly scheduler = new WaitScheduler<number>();
	private readonly waits = new Map<number, PendingWait>();
	private readonly signal: AbortSignal | undefined;
	private nextKey = 0;
	private looping = false;
	private wakeLoop: (() => void) | undefined;
	/** Set once another item failed the node: nothing is waited on any more. */
	private abandonedFor: number | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: VishwaConnection,
		private readonly requests: Limiter,
		/** Aborted when another item fails the node: ends the status requests on their way. */
		private readonly abandonSignal?: AbortSignal,
	) {
		this.signal = ctx.getExecutionCancelSignal?.();
		this.signal?.addEventListener('abort', () => this.wake(), { once: true });
	}

	/**
	 * Waits until the run finishes and returns its final status answer, whole. A failed run (unless
	 * On Failed Run is "return"), a run that outlasts the Maximum Wait and a cancelled execution are
	 * errors naming the run; the item of a failed or timed-out run keeps its last status answer.
	 */
	async wait(request: WaitForRunRequest): Promise<IDataObject> {
		// An empty id is an input error, found before any request.
		const path = apiPaths.runStatus(request.flowId, request.runId);
		const log: RequestLog = { sent: 0, unanswered: false };
		const outcome: WaitOutcome = this.signal?.aborted
			? { kind: 'cancelled' }
			: this.abandonedFor !== undefined
				? { kind: 'abandoned', failedItem: this.abandonedFor }
				: await new Promise<WaitOutcome>((settle) => {
					const key = this.nextKey++;
					this.waits.set(key, { request, path, log, settle });
					this.scheduler.add(key, request.settings, Date.now(), request.pollImmediately);
					this.wake();
					if (!this.looping) void this.loop();
				});
		request.onWaitEnd?.(
			outcome.kind === 'timedOut' || outcome.kind === 'error' ? { kind: 'unseen', backoff: outcome.backoff } : { kind: 'done' },
		);
		return this.toOutput(request, outcome, log);
	}

	/**
	 * Goes on checking a run whose wait ended before it was seen finished (Max Unfinished Runs keeps
	 * its place meanwhile): status requests on the run's backoff from `backoff` on, with no Maximum
	 * Wait, through the same Concurrency places, until `onFinished` (the run was seen on a list) or
	 * the returned stop, which answers where the backoff stood. A failed status request is tried
	 * again on the backoff; Stop and a failing node end it (unfinished).
	 */
	watch(run: WatchedRun, backoff: number, onFinished: () => void): () => number {
		let position = backoff;
		let key: number | undefined;
		let stopped = false;
		const path = apiPaths.runStatus(run.flowId, run.runId);
		const request: WaitForRunRequest = { ...run, settings: { ...run.settings, maxWaitMs: Infinity }, pollImmediately: false };
		const start = () => {
			if (stopped || this.signal?.aborted || this.abandonedFor !== undefined) return;
			const own = (key = this.nextKey++);
			const log: RequestLog = { sent: 0, unanswered: false };
			this.waits.set(own, {
				request,
				path,
				log,
				settle: (outcome) => {
					if (key !== own) return;
					key = undefined;
					if (outcome.kind === 'finished') onFinished();
					else if (outcome.kind === 'error') {
						position = outcome.backoff;
						start();
					}
				},
			});
			this.scheduler.add(own, request.settings, Date.now(), false, position);
			this.wake();
			if (!this.looping) void this.loop();
		};
		start();
		return () => {
			stopped = true;
			if (key !== undefined) {
				position = this.scheduler.backoffOf(key) ?? position;
				this.scheduler.remove(key);
				this.waits.delete(key);
				key = undefined;
			}
			return position;
		};
	}

	/**
	 * Item `failedItem` failed the node: every wait ends now, and later ones at once. The runs keep
	 * going in Vishwa; status requests on their way are left to finish and ignored.
	 */
	abandon(failedItem: number): void {
		if (this.abandonedFor !== undefined) return;
		this.abandonedFor = failedItem;
		for (const key of this.scheduler.clear()) this.settle(key, { kind: 'abandoned', failedItem });
		this.wake();
	}

	private async loop(): Promise<void> {
		this.looping = true;
		try {
			while (this.scheduler.size > 0) {
				if (this.signal?.aborted) {
					for (const key of this.scheduler.clear()) this.settle(key, { kind: 'cancelled' });
					return;
				}
				const now = Date.now();
				for (const { key, end } of this.scheduler.expire(now)) this.settle(key, end);
				// Every due run is handed to the limiter's priority lane at once: the limiter alone bounds
				// the requests in flight, per attempt, so a run pausing before a retry (Retry-After)
				// blocks no other run's poll.
				for (const due of this.scheduler.takeDue(now, Infinity)) this.poll(due.key);
				const wakeAt = this.scheduler.nextWakeMs();
				if (wakeAt === undefined) return;
				const ms = wakeAt > now ? wakeAt - now : SLEEP_SLICE_MS;
				await this.sleep(Math.min(ms, SLEEP_SLICE_MS));
			}
		} finally {
			this.looping = false;
		}
	}

	/** Sleeps `ms`, or less when woken (an answer, a new run, Stop). */
	private async sleep(ms: number): Promise<void> {
		const timer = new AbortController();
		const woken = new Promise<void>((resolve) => (this.wakeLoop = resolve));
		try {
			await Promise.race([pauseFor(ms, timer.signal, { signalIsOwn: true }), woken]);
		} finally {
			this.wakeLoop = undefined;
			timer.abort();
		}
	}

	private wake(): void {
		this.wakeLoop?.();
	}

	private settle(key: number, outcome: WaitOutcome): void {
		const pending = this.waits.get(key);
		if (!pending) return;
		this.waits.delete(key);
		pending.settle(outcome, pending.log);
	}

	/** One status request, given at most the time left before the run's Maximum Wait is over. */
	private poll(key: number): void {
		const pending = this.waits.get(key);
		if (!pending) return;
		const { request, path } = pending;
		const flowId = String(request.flowId).trim();
		const runId = String(request.runId).trim();
		const { log } = pending;
		const gone = Symbol('gone');
		// Status requests of started runs go before queued start-runs and uploads (a priority
		// lane), one Concurrency place per attempt: a pause before a retry holds none.
		const slot = async <T>(attempt: () => Promise<T>) => await this.requests.run(attempt, true);
		const deadlineAt = this.scheduler.deadlineOf(key);
		Promise.resolve()
			.then(async () => {
				// Its turn came after the Maximum Wait ran out: the loop reports it.
				if (deadlineAt === undefined || deadlineAt <= Date.now()) return gone;
				return await vishwaApiRequest(this.ctx, this.connection, {
					method: 'GET',
					path,
					idempotency: 'safe',
					timeoutMs: request.timeoutMs,
					deadlineAt,
					itemIndex: request.itemIndex,
					action: `get the status of run "${runId}" of flow "${flowId}"`,
					notFoundMessage: `Run "${runId}" of flow "${flowId}" was not found while waiting for it to finish`,
					slot,
					abortSignal: this.abandonSignal,
					onSent: () => {
						log.sent++;
						log.unanswered = true;
					},
					onAnswer: (what) => {
						log.lastAnswer = what;
						log.unanswered = false;
					},
				});
			})
			.then(
				(body) => {
					if (body === gone) return;
					const answer = this.scheduler.answer(key, body, Date.now());
					if (answer !== 'waiting' && answer !== 'gone') this.settle(key, answer);
				},
				(error: unknown) => {
					const deadlineAt = this.scheduler.deadlineOf(key);
					if (deadlineAt === undefined) return; // no longer waited on
					// Stop and the Maximum Wait are reported by the loop, the same way for every run.
					if (this.signal?.aborted || Date.now() >= deadlineAt) return;
					const backoff = this.scheduler.backoffOf(key) ?? 0;
					this.scheduler.remove(key);
					this.settle(key, { kind: 'error', error, backoff });
				},
			)
			.finally(() => this.wake());
	}

	private toOutput(request: WaitForRunRequest, outcome: WaitOutcome, log: RequestLog): IDataObject {
		const { itemIndex, settings } = request;
		const flowId = String(request.flowId).trim();
		const runId = String(request.runId).trim();
		const run = `Run "${runId}" of flow "${flowId}"`;
		const node = this.ctx.getNode();
		// The run exists (or was given): a failed wait's item keeps its id.
		if (outcome.kind === 'error') throw setErrorItemJson(outcome.error, { run_id: runId });
		if (outcome.kind === 'abandoned') {
			throw new NodeOperationError(node, `Stopped waiting for run "${runId}" of flow "${flowId}": item ${outcome.failedItem} failed`, {
				description: 'Only the waiting stopped; the run itself was not cancelled in Vishwa.',
				itemIndex,
			});
		}
		if (outcome.kind === 'cancelled') {
			throw new NodeOperationError(node, `Stopped waiting for run "${runId}" of flow "${flowId}": the execution was cancelled`, {
				description: 'Only the waiting stopped; the run itself was not cancelled in Vishwa.',
				itemIndex,
			});
		}
		const lastAnswer = outcome.body === undefined ? {} : toJsonObject(outcome.body, 'status');
		const errorItem = { run_id: runId, ...lastAnswer };
		if (outcome.kind === 'timedOut') {
			// Counted from the requests really sent (a request waiting for a Concurrency place is not).
			const made = log.sent;
			const last =
				outcome.status !== undefined
					? `last status "${outcome.status}"`
					: log.lastAnswer !== undefined && log.lastAnswer !== 'HTTP 200'
						? `last answer: ${log.lastAnswer}`
						: made === 0
							? 'no status request could be sent'
							: outcome.body === undefined
								? 'no answer to its status requests'
								: "no run_status in Vishwa's answer";
			const requests =
				made === 0
					? `no status request was sent: the other requests of this execution held every place of the Concurrency option until the deadline`
					: `${made} status request${made === 1 ? '' : 's'} sent${log.lastAnswer === undefined ? ', none answered' : `, last answer ${log.lastAnswer}`}${log.unanswered ? ', the last one still unanswered at the deadline' : ''}`;
			const error = new NodeOperationError(
				node,
				`${run} did not finish within ${formatDuration(settings.maxWaitMs)} (${last})`,
				{
					description: [
						`It may still be running in Vishwa (${requests}).`,
						`Raise ${WAIT_FIELDS.maxWait}${made === 0 ? ' or the Concurrency option' : ''}, or check it later with Run > Get Status or Run > Wait for Completion.`,
						outcome.status === undefined
							? ''
							: `If "${outcome.status}" means the run has ended, add it to ${WAIT_FIELDS.successStatuses} or ${WAIT_FIELDS.failureStatuses}.`,
					]
						.filter((sentence) => sentence !== '')
						.join(' '),
					itemIndex,
				},
			);
			throw setErrorItemJson(error, errorItem);
		}
		if (outcome.outcome === 'failed' && settings.onFailedRun === 'error') {
			const reason = serverReason(outcome.body);
			const error = new NodeOperationError(node, `${run} failed (status "${outcome.status}")`, {
				description: `${reason ? `Vishwa said: ${reason}. ` : ''}Set ${WAIT_FIELDS.onFailedRun} to "Return the Item" to get the run's final status as output instead.`,
				itemIndex,
			});
			throw setErrorItemJson(error, errorItem);
		}
		return lastAnswer;
	}
}
