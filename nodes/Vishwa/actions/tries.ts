/**
 * What earlier tries of the same node execution did, for "Retry On Fail".
 *
 * n8n retries a node by running it again, whole, with the same input items and the same
 * execution-data object (workflow-execute.js: runNode in a loop over maxTries, when the node threw,
 * or with Continue On Fail when the first output item has json.error). A retry must not start a
 * second run for an item whose run an earlier try already started, so operations that create
 * something remember, per item, what they created. The memory is keyed by that execution-data
 * object (this.getExecuteData()), so it lives exactly as long as the node's run in this
 * execution: a new execution, or the node's next run in a loop, starts empty. Kept only when
 * Retry On Fail is on.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { VishwaInputError } from '../core/errors';
import { httpCodeOf } from './errorItems';

const memories = new WeakMap<object, Map<string, Map<number, unknown>>>();

/**
 * The per-item memory named `name` of this node run, or `undefined` when Retry On Fail is off
 * (nothing will run again) or the context has no execution data.
 */
export function triesMemory<T>(ctx: IExecuteFunctions, name: string): Map<number, T> | undefined {
	if (!retriesOn(ctx)) return undefined;
	const getExecuteData = (ctx as Partial<IExecuteFunctions>).getExecuteData;
	const key: unknown = typeof getExecuteData === 'function' ? getExecuteData.call(ctx) : undefined;
	if (key === null || typeof key !== 'object') return undefined;
	let named = memories.get(key);
	if (!named) {
		named = new Map();
		memories.set(key, named);
	}
	let items = named.get(name);
	if (!items) {
		items = new Map<number, unknown>();
		named.set(name, items);
	}
	return items as Map<number, T>;
}

/**
 * Whether a failed request that creates something (a start-run, an upload) may still have been
 * carried out by Vishwa, so that sending it again could create it twice: anything but an input
 * mistake found before sending, a refusal (a redirect or a 4xx answer, a 429 included) or a
 * request that was never sent (`notSent`: it never reached Vishwa, such as a connection refused or
 * a TLS failure, see transport/request.ts; or it was never sent because another item failed the
 * node first, see Batch.fail). A lost answer, a 5xx and an unreadable 2xx answer are unknown
 * outcomes. (The flag survives a message changed on the way, as Attach Files does for an upload.)
 */
export function outcomeUnknown(error: unknown): boolean {
	if (error instanceof VishwaInputError) return false;
	if (wasNotSent(error)) return false;
	const httpCode = httpCodeOf(error);
	if (httpCode !== undefined) return httpCode >= 500 || httpCode < 300;
	return true;
}

/** The error of a request that was never sent (see outcomeUnknown). */
export function wasNotSent(error: unknown): boolean {
	return (error as { notSent?: unknown } | null)?.notSent === true;
}

/**
 * The error of an earlier try whose outcome is unknown, as a retry reports it: the same error, its
 * description saying that Retry On Fail did not send it again (`consequence`: what was avoided).
 */
export function notSentAgain(error: Error & { description?: string | null }, consequence: string): Error {
	const note = `Retry On Fail did not send it again, so ${consequence}.`;
	if (!String(error.description ?? '').includes(note)) {
		error.description = [error.description, note].filter(Boolean).join(' ');
	}
	return error;
}

/** Whether Retry On Fail is on, read once per execution (n8n copies the whole node on getNode()). */
const retrySettings = new WeakMap<object, boolean>();
function retriesOn(ctx: IExecuteFunctions): boolean {
	let on = retrySettings.get(ctx);
	if (on === undefined) {
		on = ctx.getNode().retryOnFail === true;
		retrySettings.set(ctx, on);
	}
	return on;
}
