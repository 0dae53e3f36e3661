import { VishwaInputError } from './errors';

/**
 * Turns the credential's base URL into an origin plus optional path prefix without a trailing
 * slash. A URL without a scheme gets https:// (people paste "api.vishwa.ai"); anything that is
 * still not an http(s) URL is an input error rather than a request to a surprising place.
 */
export function normalizeBaseUrl(raw: unknown): string {
	let value = typeof raw === 'string' ? raw.trim() : '';
	if (value === '') value = 'https://api.vishwa.ai';
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
	// canParse rather than try/catch around `new URL`: n8n's rules reserve throwing in a catch for n8n errors.
	if (!URL.canParse(value)) {
		throw new VishwaInputError(`The credential's Base URL "${String(raw)}" is not a valid URL`, 'Base URL');
	}
	const parsed = new URL(value);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new VishwaInputError(
			`The credential's Base URL must start with http:// or https:// (got "${parsed.protocol}")`,
			'Base URL',
		);
	}
	// Also a bare "?" or "#" (which URL drops): the credential's Test button refuses them alike.
	if (parsed.search || parsed.hash || /[?#]/.test(value)) {
		throw new VishwaInputError(
			"The credential's Base URL must not contain a query string or a fragment",
			'Base URL',
		);
	}
	// Paths are built from /v1 on; a pasted "https://api.vishwa.ai/v1" would otherwise ask for /v1/v1/...
	const path = parsed.pathname.replace(/\/+$/, '').replace(/\/v1$/i, '');
	return `${parsed.origin}${path}`;
}

/**
 * One id as a single URL path segment. Ids are trimmed and required; every reserved character is
 * percent-encoded so "a/b", "x?y" or "#" stay inside their segment. "." and ".." cannot be sent
 * safely at all (URL parsers resolve them, even percent-encoded), so they are refused.
 */
export function idSegment(raw: unknown, field: string): string {
	// An expression may hand over anything: an object would be sent as "[object Object]".
	if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
		throw new VishwaInputError(
			`${field} must be text, not ${Array.isArray(raw) ? 'an array' : typeof raw === 'object' ? 'an object' : `a ${typeof raw}`}`,
			field,
			`If ${field} comes from an expression, make it give the id itself (for example $json.run_id rather than $json).`,
		);
	}
	const value = raw === undefined || raw === null ? '' : String(raw).trim();
	if (value === '') throw new VishwaInputError(`${field} is empty`, field, `Give the ${field} of an existing Vishwa ${field.startsWith('Run') ? 'run' : 'flow'}.`);
	if (value === '.' || value === '..') {
		throw new VishwaInputError(`${field} "${value}" is not a valid id`, field);
	}
	return encodeURIComponent(value);
}

export const apiPaths = {
	upload: () => '/v1/assets/upload',
	startRun: (flowId: string) => `/v1/workflow/${idSegment(flowId, 'Flow ID')}/start-run`,
	runStatus: (flowId: string, runId: string) =>
		`/v1/workflow/${idSegment(flowId, 'Flow ID')}/run/${idSegment(runId, 'Run ID')}/status`,
	listRuns: (flowId: string) => `/v1/workflow/${idSegment(flowId, 'Flow ID')}/runs`,
	/** ASSUMED (docs/api.md, "Listings the editor uses"): the published API lists no flows. */
	listFlows: () => '/v1/workflows',
};
