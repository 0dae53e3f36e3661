/**
 * The output item of a failed item under n8n's "On Error: Continue" settings.
 *
 * "Continue (regular output)" (and the older "Continue On Fail" switch): the item stays in the one
 * output among the successful ones, flat, as before plus the HTTP status:
 *
 *   { "error": "<message>", "errorDescription": "...", "httpCode": 404, ...fields }
 *
 * "Continue (using error output)": n8n moves an item to the error output only when its json holds
 * nothing but `error` (n8n 1.x also accepts `error` + `message`; 2.x also `message` and `details`),
 * or when the item carries an `error` object, in which case n8n replaces its json with
 * `{ error: message }` and loses the rest (workflow-execute.js handleNodeErrorOutput and
 * normalizeNodeErrors, n8n-core 1.122 and 2.41). So there everything sits under the one key `error`,
 * which works on both versions; n8n then adds the input item's fields next to it:
 *
 *   { ...input item's fields, "error": { "message": "...", "description": "...", "httpCode": 404, ...fields } }
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** The HTTP status an n8n error carries (NodeApiError keeps it as text), as a number. */
export function httpCodeOf(error: unknown): number | undefined {
	const raw = (error as { httpCode?: unknown } | undefined)?.httpCode;
	const code = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
	return Number.isInteger(code) && code >= 100 && code <= 599 ? code : undefined;
}

/**
 * The error item of `itemIndex`. `fields`: what the failed item still knows (say, the run_id of a
 * run that was started before waiting failed), next to the message and httpCode.
 */
export function errorItem(
	error: Error & { description?: string | null },
	itemIndex: number,
	errorOutput: boolean,
	fields: IDataObject = {},
): INodeExecutionData {
	const httpCode = httpCodeOf(error);
	const description = error.description ? error.description : undefined;
	const json: IDataObject = errorOutput
		? {
				error: {
					...fields,
					message: error.message,
					...(description ? { description } : {}),
					...(httpCode !== undefined ? { httpCode } : {}),
				},
			}
		: {
				...fields,
				error: error.message,
				...(description ? { errorDescription: description } : {}),
				...(httpCode !== undefined ? { httpCode } : {}),
			};
	return { json, pairedItem: { item: itemIndex } };
}

/** Whether failed items go to the node's error output ("On Error: Continue (using error output)"). */
export function usesErrorOutput(node: { onError?: string }): boolean {
	return node.onError === 'continueErrorOutput';
}
