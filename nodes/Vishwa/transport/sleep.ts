/**
 * The package's one timer: every pause (between attempts, at the rate limit, between status
 * requests, waiting for a Max Unfinished Runs place) goes through `pauseFor`, so Stop and a failing
 * node end it and leave no timer running. Community nodes may not call setTimeout themselves, so the
 * timer is n8n's: n8n-workflow 1.x's `sleep` ignores an abort signal (its timer would run out after
 * the node ended), its `sleepWithAbort` clears the timer on abort; 2.x's `sleep` takes the signal
 * (and has no sleepWithAbort).
 */
import * as n8nWorkflow from 'n8n-workflow';

import { MAX_TIMER_MS } from '../core/options';

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const abortableSleep: AbortableSleep =
	(n8nWorkflow as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ?? n8nWorkflow.sleep;

/**
 * Waits `ms` (at most the longest timer Node.js honours), or less when `signal` is aborted (its
 * timer is then cleared). Answers whether the whole time ran; never throws. `signalIsOwn`: the
 * signal is this pause's alone (a controller made for it), so it is handed to n8n as it is.
 */
export async function pauseFor(ms: number, signal?: AbortSignal, { signalIsOwn = false } = {}): Promise<boolean> {
	if (signal?.aborted) return false;
	// Unless the signal is the pause's own, a signal of its own, tied to the caller's by a listener
	// removed afterwards: n8n 1.x's sleepWithAbort never removes its listener when the time runs out,
	// which on a long-lived signal (Stop's) would pile up one per pause.
	const own = signal && !signalIsOwn ? new AbortController() : undefined;
	const forget = own && signal ? whenAborted(signal, () => own.abort(PAUSE_CUT_SHORT)) : undefined;
	try {
		await abortableSleep(Math.max(0, Math.min(ms, MAX_TIMER_MS)), own?.signal ?? signal);
	} catch {
		return false;
	} finally {
		forget?.();
	}
	return !signal?.aborted;
}

const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` when `signal` (not yet aborted) aborts; answers a function that forgets it. A
 * signal gets one listener however many wait on it: hundreds of items held at a rate limit or
 * waiting for a Max Unfinished Runs place share the execution's signal, and a listener each makes
 * Node.js print a MaxListenersExceededWarning ("possible memory leak") into n8n's log.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
	let waiters = abortWaiters.get(signal);
	if (!waiters) {
		const callbacks = new Set<() => void>();
		waiters = callbacks;
		abortWaiters.set(signal, callbacks);
		signal.addEventListener(
			'abort',
			() => {
				const due = [...callbacks];
				callbacks.clear();
				for (const callback of due) callback();
			},
			{ once: true },
		);
	}
	const entry = () => onAbort();
	waiters.add(entry);
	const registered = waiters;
	return () => {
		registered.delete(entry);
	};
}

/** One shared reason: abort() without one builds a DOMException with its stack each time. */
const PAUSE_CUT_SHORT = new Error('The pause was cut short');
