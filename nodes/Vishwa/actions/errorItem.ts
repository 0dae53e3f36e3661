import type { IDataObject } from 'n8n-workflow';

/**
 * What an item that failed still knows, for its Continue On Fail output: a run whose wait failed
 * keeps its run_id and the start answer, so a later node can check on it. Kept beside the error
 * (not inside it) so n8n's error data stays as it was.
 */
const itemJsonOfErrors = new WeakMap<object, IDataObject>();

/** Adds `json` under what the error already carries (the error's own fields win). */
export function setErrorItemJson<E>(error: E, json: IDataObject): E {
	if (error !== null && typeof error === 'object') {
		itemJsonOfErrors.set(error, { ...json, ...(itemJsonOfErrors.get(error) ?? {}) });
	}
	return error;
}

/** The fields an error's Continue On Fail item carries besides the error itself. */
export function errorItemJson(error: unknown): IDataObject {
	return (error !== null && typeof error === 'object' && itemJsonOfErrors.get(error)) || {};
}
