/**
 * What a failed request to Vishwa becomes for the user: network error codes read and put in words,
 * every HTTP status and every refused redirect mapped to an n8n error that says what happened and
 * what to do. The request loop (./request.ts) decides what to retry or follow; this decides what
 * to tell.
 *
 * Errors never carry the request options or the raw HTTP error: those hold the API key.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { JsonObject } from 'n8n-workflow';

import { displayUrl, MAX_SAME_ORIGIN_HOPS, safeTarget, suggestedBaseUrl, type RedirectDecision } from '../core/redirects';
import { serverReason, summarizeBody } from '../core/responses';
// credentialLabel is only called, never read at load time, so this cycle with ./request is safe.
import { connectionKey, credentialLabel, type VishwaConnection, type VishwaContext, type VishwaRequest } from './request';

/** Network failures that happen before a single byte of the request reached the server. */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
export const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/**
 * TLS handshake failures: the HTTP request is written only after the handshake, so nothing was
 * sent; and repeating will not help (usually https:// to a plain-HTTP server, or a bad certificate).
 */
export const TLS_CODE = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(GET|VERIFY)_)/;

/**
 * A network error code in words for a message. n8n's NodeOperationError replaces any message that
 * contains a code such as ECONNRESET with its own generic text ("... You can retry the request
 * immediately"), which hides what happened and, after a start-run, invites a duplicate run.
 */
const NETWORK_CODE_WORDS: Record<string, string> = {
	ECONNRESET: 'connection reset',
	ECONNREFUSED: 'connection refused',
	ECONNABORTED: 'connection aborted',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ETIMEDOUT: 'timed out',
	EPIPE: 'connection broken',
	EPROTO: 'TLS handshake failed',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
	SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
	CERT_HAS_EXPIRED: 'certificate expired',
	ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not trusted',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate not trusted',
};

export function codeInWords(code: string): string {
	return NETWORK_CODE_WORDS[code] ?? code;
}

export function networkCode(error: unknown): string {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && code !== '' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_BAD_REQUEST') {
			return code;
		}
	}
	const message = String((error as { message?: unknown })?.message ?? '');
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return 'ERR_NETWORK';
}

/** The first error of a class in an error's `cause` chain (n8n and axios wrap what a body throws). */
export function causeOfType<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current; depth++) {
		if (current instanceof type) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

export function apiError(
	ctx: VishwaContext,
	statusCode: number,
	message: string,
	description: string,
	itemIndex: number | undefined,
): NodeApiError {
	const error = new NodeApiError(ctx.getNode(), { message, httpCode: String(statusCode) } as JsonObject, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex,
	});
	error.message = message; // see operationError
	return error;
}

/**
 * A NodeOperationError that keeps its message: n8n swaps any message merely containing a code such
 * as EPERM or EEXIST for a generic sentence, and ids and file names end up in ours
 * ("preexisting.pdf" contains "EEXIST").
 */
export function operationError(
	node: ReturnType<VishwaContext['getNode']>,
	message: string,
	options: { description?: string; itemIndex?: number },
): NodeOperationError {
	const error = new NodeOperationError(node, message, options);
	error.message = message;
	return error;
}

export function mapStatusError(
	ctx: VishwaContext,
	request: VishwaRequest,
	statusCode: number,
	body: unknown,
	attempts: number,
	connection: VishwaConnection,
): NodeApiError {
	const reason = serverReason(body);
	const said = reason ? ` Vishwa said: ${reason}` : '';
	const { itemIndex } = request;
	if (statusCode === 401 || statusCode === 403) {
		return apiError(
			ctx,
			statusCode,
			`The Vishwa API key was refused (HTTP ${statusCode})`,
			`Check the API key in ${credentialLabel(ctx, connectionKey(connection))}, and that it belongs to the workspace that owns the flow.${said}`,
			itemIndex,
		);
	}
	if (statusCode === 404) {
		return apiError(
			ctx,
			404,
			request.notFoundMessage ?? `Not found (HTTP 404) while trying to ${request.action}`,
			`Check the ids and that the API key's workspace can see them.${said}`,
			itemIndex,
		);
	}
	if (statusCode === 413) {
		return apiError(
			ctx,
			413,
			`Vishwa refused the request to ${request.action} as too large (HTTP 413)`,
			`Send less in one request: smaller inputs, or big content uploaded as assets and passed by reference.${said}`,
			itemIndex,
		);
	}
	if (statusCode === 400 || statusCode === 422) {
		return apiError(
			ctx,
			statusCode,
			`Vishwa rejected the request to ${request.action} (HTTP ${statusCode}): ${reason ?? summarizeBody(body)}`,
			"Check the inputs against the flow's schema in Vishwa's Integrate panel.",
			itemIndex,
		);
	}
	if (statusCode >= 500) {
		const outcome =
			request.idempotency === 'unsafe'
				? ` It was not repeated automatically. ${request.lostAnswerHint ?? ''}`
				: ` ${attempts} attempt${attempts === 1 ? '' : 's'} made.`;
		return apiError(
			ctx,
			statusCode,
			`Vishwa had a server error (HTTP ${statusCode}) while trying to ${request.action}`,
			`It answered with ${summarizeBody(body)}.${outcome}`.trim(),
			itemIndex,
		);
	}
	return apiError(
		ctx,
		statusCode,
		`Vishwa answered HTTP ${statusCode} while trying to ${request.action}`,
		`It answered with ${summarizeBody(body)}.`,
		itemIndex,
	);
}

/**
 * A redirect the transport does not follow: the message names the target as scheme://host:port/path
 * (never its query), and never the key: a target that reveals it in any spelling, which only a
 * hostile server could produce, is replaced as a whole (safeTarget).
 */
export function redirectError(
	ctx: VishwaContext,
	connection: VishwaConnection,
	request: VishwaRequest,
	statusCode: number,
	decision: RedirectDecision,
): NodeApiError {
	const apiKey = String(connection.credentials?.data?.apiKey ?? '');
	const shown = decision.follow ? (URL.canParse(decision.url) ? displayUrl(new URL(decision.url)) : '') : decision.target;
	const target = safeTarget(shown, apiKey);
	const baseOrigin = new URL(connection.baseUrl).origin;
	const suggested = suggestedBaseUrl(target, request.path);
	const credential = credentialLabel(ctx, apiKey);
	const moveTo = `put ${suggested ?? 'the address it leads to'} in the Base URL of ${credential}`;
	const said = `(HTTP ${statusCode} to ${target})`;
	let message: string;
	let description: string;
	if (decision.follow) {
		message = `The request to ${request.action} was redirected more than ${MAX_SAME_ORIGIN_HOPS} times ${said}`;
		description = `Redirects within ${baseOrigin} are followed, but not endlessly. Check the Base URL in ${credential} and the server's redirects.`;
	} else if (decision.reason === 'downgrade') {
		message = `The request to ${request.action} was redirected from https to plain http ${said}; the API key is not sent unencrypted`;
		description = `Nothing was sent to the http:// address. Fix the redirect on the server (or the proxy in front of it): the Base URL in ${credential} must answer over https without sending requests to http.`;
	} else if (decision.reason === 'other-origin') {
		message = `The request to ${request.action} was redirected to another origin ${said}; the API key is not sent there`;
		description = `The API key goes only to the origin (scheme, host and port) of the Base URL, ${baseOrigin}, and nothing was sent to the redirect target. If Vishwa now lives there, ${moveTo}.`;
	} else if (decision.reason === 'not-repeatable') {
		message = `The request to ${request.action} was redirected ${said}; a request that creates something is not sent again to another address`;
		description = `A redirect answer means it was not carried out there, and it was not repeated. To avoid the redirect, ${moveTo}.`;
	} else {
		message = `The request to ${request.action} was redirected to an address that is not an http(s) URL ${said}`;
		description = `Nothing was sent there. Check the Base URL in ${credential}.`;
	}
	return apiError(ctx, statusCode, message, description, request.itemIndex);
}
