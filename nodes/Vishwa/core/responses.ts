/** Reading Vishwa's answers defensively: the ASSUMED parts of the API may come in several shapes. */

type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The run id of a start-run or status answer: `run_id`, else `id`, else `runId`. */
export function extractRunId(body: unknown): string | undefined {
	if (!isJsonObject(body)) return undefined;
	for (const key of ['run_id', 'id', 'runId']) {
		const value = body[key];
		if (typeof value === 'string' && value.trim() !== '') return value;
		if (typeof value === 'number') return String(value);
	}
	return undefined;
}

/** `run_status`, else `status`. */
export function extractRunStatus(body: unknown): string | undefined {
	if (!isJsonObject(body)) return undefined;
	for (const key of ['run_status', 'status']) {
		const value = body[key];
		if (typeof value === 'string') return value;
	}
	return undefined;
}

/** The runs of a listing answer: a bare array, or the array under `runs`, `data` or `items`. */
export function extractRunList(body: unknown): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	if (!isJsonObject(body)) return undefined;
	for (const key of ['runs', 'data', 'items']) {
		const value = body[key];
		if (Array.isArray(value)) return value;
	}
	return undefined;
}

const MAX_SUMMARY = 300;

/** A short, single-line description of a body for an error message: never a whole HTML page. */
export function summarizeBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return 'an empty body';
	if (typeof body === 'string') {
		const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body);
		if (title || /^\s*<(!doctype|html|body|head)/i.test(body)) {
			const text = (title ? title[1] : body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
			return `an HTML page${text ? ` ("${truncate(text, 120)}")` : ''}`;
		}
		return `"${truncate(body.replace(/\s+/g, ' ').trim(), MAX_SUMMARY)}"`;
	}
	return truncate(JSON.stringify(body), MAX_SUMMARY);
}

/** The server's own reason in an error body (`detail`, `message`, `error`, `errors`), if any. */
export function serverReason(body: unknown): string | undefined {
	if (isJsonObject(body)) {
		for (const key of ['detail', 'message', 'error', 'errors', 'reason']) {
			const value = body[key];
			if (typeof value === 'string' && value.trim() !== '') return truncate(value.trim(), MAX_SUMMARY);
			if (value !== undefined && value !== null && typeof value === 'object') {
				return truncate(JSON.stringify(value), MAX_SUMMARY);
			}
		}
		return undefined;
	}
	if (typeof body === 'string' && body.trim() !== '' && !/^\s*</.test(body)) {
		return truncate(body.trim(), MAX_SUMMARY);
	}
	return undefined;
}

export function truncate(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Parses a JSON text; `undefined` for an empty text; throws SyntaxError for anything else. */
export function parseJsonBody(text: string): unknown {
	if (text.trim() === '') return undefined;
	return JSON.parse(text);
}

/**
 * An output item of a run operation: Vishwa's fields untouched, plus `flow_id` and `run_id` where
 * Vishwa did not send them, so the next node picks both up with {{ $json.flow_id }} and
 * {{ $json.run_id }} instead of retyping them (the trigger's items carry `flow_id` the same way).
 */
export function withRunIds(
	json: Record<string, unknown>,
	ids: { flowId: string; runId?: string },
): Record<string, unknown> {
	const out: Record<string, unknown> = { ...json };
	// Vishwa's own value wins unless it says nothing (absent, null or empty).
	const blank = (value: unknown) => value === undefined || value === null || value === '';
	if (blank(out.flow_id)) out.flow_id = ids.flowId;
	if (blank(out.run_id) && ids.runId !== undefined) out.run_id = ids.runId;
	return out;
}

/**
 * Node version 1.1: a successful item carries Vishwa's own `error` field (a failed run's reason,
 * or an empty or null `error` some answers hold) under `name` instead. n8n's Retry On Fail runs a
 * node again when its first output item has `json.error` (n8n-core workflow-execute.js
 * checkFailure: not undefined/null/false on 2.x, not undefined on 1.x), so a successful Get Status
 * of a failed run would otherwise be sent again up to 5 times. The key keeps its place; if Vishwa
 * also sent `name`, the `error` value wins.
 */
export function withErrorFieldRenamed(json: Record<string, unknown>, name: string): Record<string, unknown> {
	if (!Object.prototype.hasOwnProperty.call(json, 'error')) return json;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(json)) {
		if (key === 'error') out[name] = value;
		else if (key !== name) out[key] = value;
	}
	return out;
}
