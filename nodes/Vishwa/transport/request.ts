/**
 * The one place that talks HTTP to Vishwa: credential and base URL, authentication (through n8n's
 * httpRequestWithAuthentication, so the credential's own authenticate block adds XP-API-Key),
 * per-request timeouts, retries and redirects. What each failure becomes for the user is in
 * ./errors.ts.
 *
 * Retry rules follow what is safe to repeat:
 * - reads (status, listing) are retried on 429, 5xx, unreadable answers and network errors,
 *   after the Retry-After of a 429 or 503 when it has one (up to the policy's cap);
 * - start-run and upload create something, so they are retried only when the server cannot have
 *   processed the request: a 429, or a connection that was refused before anything was sent.
 *   Anything else that leaves the outcome unknown becomes an error saying so, never a silent retry.
 *
 * Errors never carry the request options or the raw HTTP error: those hold the API key.
 */
import { NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { API_KEY_UNSENDABLE, apiKeyFitsHeader } from '../core/apiKey';
import { credentialNameForMessages } from '../core/credentialName';
import { answerWithoutKey } from '../core/keyMask';
import { VishwaInputError } from '../core/errors';
import { MultipartSourceError } from '../core/multipart';
import { normalizeBaseUrl } from '../core/paths';
import { decideRedirect, MAX_SAME_ORIGIN_HOPS } from '../core/redirects';
import { parseJsonBody, summarizeBody } from '../core/responses';
import {
	DEFAULT_RETRY_POLICY,
	parseRetryAfterMs,
	retryDelayMs,
	type RetryPolicy,
} from '../core/schedule';
import {
	apiError,
	causeOfType,
	codeInWords,
	mapStatusError,
	networkCode,
	NOT_SENT_CODES,
	operationError,
	redirectError,
	TIMEOUT_CODES,
	TLS_CODE,
} from './errors';
import { pauseFor, whenAborted } from './sleep';

/** Operations, the trigger's polls, and the editor's pick lists (listSearch). */
export type VishwaContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const VISHWA_CREDENTIAL = 'vishwaApi';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30000;

/** `safe`: a read that may be repeated. `unsafe`: creates something (a run, stored files). */
export type Idempotency = 'safe' | 'unsafe';

export interface VishwaRequest {
	method: 'GET' | 'POST';
	/** Path below the base URL, built with apiPaths (ids already encoded). */
	path: string;
	qs?: IDataObject;
	/** A JSON body, serialized here. */
	json?: unknown;
	/** Any other body (multipart). A factory, because a streamed body can be sent only once. */
	body?: () => IHttpRequestOptions['body'];
	/**
	 * Whether a redirect within the Base URL's origin is followed (core/redirects.ts). Default: only
	 * for safe requests. n8n's HTTP client never follows redirects for us (it would send XP-API-Key
	 * to any host, and keep a copy of a streamed body to replay it).
	 */
	followRedirects?: boolean;
	headers?: IDataObject;
	idempotency: Idempotency;
	timeoutMs?: number;
	/**
	 * Epoch ms after which nothing more is sent (a wait's Maximum Wait): each attempt gets at most
	 * the time left, and no retry starts after it.
	 */
	deadlineAt?: number;
	/**
	 * Epoch ms past which no pause before a retry may end (a poll's budget), and why, for messages: a
	 * retry that would wait beyond it is not made, and the failure is thrown as the last attempt's
	 * (its description ends "Not retried: <why>."). Unlike `deadlineAt`, each attempt still gets its
	 * whole timeout.
	 */
	retryUntil?: { at: number; why: string };
	itemIndex?: number;
	/** What the request does, for messages: 'start a run of flow "x"'. */
	action: string;
	/** Message for a 404 answer, naming what was not found. */
	notFoundMessage?: string;
	/** For unsafe requests: what may have happened when the answer was lost. */
	lostAnswerHint?: string;
	/**
	 * Runs one attempt within the execution's Concurrency (a limiter place taken per attempt, so a
	 * pause before a retry, such as a Retry-After, holds no place). Default: no limit.
	 */
	slot?: <T>(attempt: () => Promise<T>) => Promise<T>;
	/**
	 * Shared by the requests that create something (uploads, start-runs) of one execution: a 429's
	 * Retry-After holds them all, not only the one that got it (see RateLimitGate).
	 */
	rateLimit?: RateLimitGate;
	/** Ends the request as Stop does (the attempt on its way is aborted, nothing more is sent). */
	abortSignal?: AbortSignal;
	/** Told when an attempt is sent, and how it ended ("HTTP 500", "no answer within 30000 ms"). */
	onSent?: () => void;
	onAnswer?: (what: string) => void;
}

/** What the server's rate limit (HTTP 429 with Retry-After) holds back, for an execution. */
export interface RateLimitGate {
	/**
	 * The server asked to wait `ms` before sending again: the others wait that long, and then until
	 * the holder's next attempt is answered (it probes whether the limit is over). Answers the
	 * release, which the holder calls once answered, or when it gives up.
	 */
	hold(ms: number): () => void;
	/**
	 * Resolves once nothing holds the gate (or at once when `signal` is aborted); requests held
	 * together are let go in the order they came.
	 */
	passed(signal: AbortSignal | undefined): Promise<void>;
	/** Nothing holds it now. */
	readonly open: boolean;
	/**
	 * For a request that holds a Concurrency place for all its attempts (an item's upload and
	 * start-run): runs `wait` (this gate, a pause before a retry) with the place given back, and
	 * takes one again, first in line, after it. Without it the request waits in its place.
	 */
	away?(wait: () => Promise<void>): Promise<void>;
	/**
	 * Ends the waits of such a request (at this gate, and its pauses before a retry) at once: aborted
	 * by Stop, and when another item fails the node, as nothing held is sent after that (`away` then
	 * refuses the place). Default: Stop's signal.
	 */
	readonly waitsEnd?: AbortSignal;
}

export interface VishwaConnection {
	baseUrl: string;
	/**
	 * The credential as read once per execution, handed to every request so n8n does not read it
	 * again for each one (a database query, decryption and expression resolution: about 2 ms of CPU
	 * per request in n8n 2.41.1, measured over 1,000 start-runs). Never output: it holds the API key.
	 */
	credentials?: ICredentialsDecrypted;
}

/**
 * The credential as messages name it: the name the user gave it in n8n (the node's credential
 * reference), quoted, so "check the API key in ..." points at the right one among several. Long
 * names are cut and a name showing the key is not shown (credentialNameForMessages); `apiKey` is the
 * key of the credential in use (the connection's, or the data just read).
 */
export function credentialLabel(ctx: VishwaContext, apiKey: unknown): string {
	const name = credentialNameForMessages(ctx.getNode().credentials?.[VISHWA_CREDENTIAL]?.name, String(apiKey ?? ''));
	return name ? `the credential "${name}"` : 'the Vishwa API credential';
}

/** The API key of a connection, for credentialLabel; never shown. */
export function connectionKey(connection: VishwaConnection | undefined): unknown {
	return connection?.credentials?.data?.apiKey;
}

/** Reads the credential once; callers pass the result to every request of one execution. */
export async function getVishwaConnection(ctx: VishwaContext, itemIndex = 0): Promise<VishwaConnection> {
	const credentials = await ctx.getCredentials(VISHWA_CREDENTIAL, itemIndex);
	const reference = ctx.getNode().credentials?.[VISHWA_CREDENTIAL];
	// Before any request: such a key would be sent changed (see apiKeyFitsHeader).
	if (!apiKeyFitsHeader(String(credentials.apiKey ?? ''))) {
		throw new NodeOperationError(ctx.getNode(), `The API key in ${credentialLabel(ctx, credentials.apiKey)} ${API_KEY_UNSENDABLE}`, {
			description: 'Nothing was sent. Vishwa API keys are plain text: copy the key again from Vishwa and paste it alone into the credential.',
			itemIndex,
		});
	}
	try {
		return {
			baseUrl: normalizeBaseUrl(credentials.baseUrl),
			credentials: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: VISHWA_CREDENTIAL,
				data: credentials,
			},
		};
	} catch (error) {
		// normalizeBaseUrl throws only VishwaInputError; anything else is still shown on the node.
		const badBaseUrl = error instanceof VishwaInputError;
		throw new NodeOperationError(ctx.getNode(), badBaseUrl ? error.message : (error as Error), {
			description: badBaseUrl ? `Fix the Base URL in ${credentialLabel(ctx, credentials.apiKey)}.` : undefined,
			itemIndex,
		});
	}
}

interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	text: string | undefined;
	parsed: unknown;
}

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

/**
 * An HTTP status error thrown by n8n even though we asked it to ignore statuses (older n8n
 * versions do this for some answers): read the status and body out of it.
 */
function statusFromError(error: unknown): HttpAnswer | undefined {
	const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } })
		?.response;
	if (!response || typeof response.status !== 'number') return undefined;
	return toAnswer(response.status, response.headers, response.data);
}

function toAnswer(statusCode: number, headers: unknown, body: unknown): HttpAnswer {
	let text: string | undefined;
	let parsed: unknown;
	if (typeof body === 'string') {
		text = body;
	} else if (body !== undefined && body !== null && typeof body === 'object' && !isBinaryLike(body)) {
		parsed = body;
	} else if (isBinaryLike(body)) {
		text = String(body);
	}
	return { statusCode, headers: (headers as Record<string, unknown>) ?? {}, text, parsed };
}

function isBinaryLike(value: unknown): boolean {
	return typeof (value as { byteLength?: unknown })?.byteLength === 'number';
}

/**
 * The reason given when an attempt's own signals are aborted. One shared object: `abort()` without
 * a reason builds a DOMException, stack trace included, which cost more CPU per request than the
 * rest of this module (issue 15's profile). Nothing reads it: the attempt is already over.
 */
const ATTEMPT_ENDED = new Error('The attempt ended');

/**
 * n8n's HTTP client times out only a connection that goes silent; an answer that trickles in (a
 * byte now and then) would hold the execution for as long as the server likes. So each attempt
 * also ends at `ms` whatever happens, and the attempt's abort signal (see withAbortSignal) then
 * closes the connection.
 */
async function withinDeadline<T>(pending: Promise<T>, ms: number): Promise<T> {
	pending.catch(() => undefined);
	const stopTimer = new AbortController();
	const expired = pauseFor(ms, stopTimer.signal, { signalIsOwn: true }).then((ranOut) => {
		// (Not run out: the timer was stopped, the request settled first.)
		if (ranOut) throw Object.assign(new Error(`No complete answer within ${ms} ms`), { code: 'ETIMEDOUT' });
		return undefined as never;
	});
	try {
		return await Promise.race([pending, expired]);
	} finally {
		stopTimer.abort(ATTEMPT_ENDED);
	}
}

/**
 * The context as n8n's httpRequestWithAuthentication should see it: n8n-core 2.x overwrites the
 * request's abortSignal with `this.getExecutionCancelSignal()` (request-helpers/authentication.js),
 * so the attempt's own signal (already joined with Stop's) is handed over through that method; the
 * rest of the context is the real one, through the prototype.
 */
function withAbortSignal(ctx: VishwaContext, signal: AbortSignal): VishwaContext {
	return Object.create(ctx, { getExecutionCancelSignal: { value: () => signal } }) as VishwaContext;
}

/** The execution's Stop signal (node executions have one; polls do not). */
function executionCancelSignal(ctx: VishwaContext): AbortSignal | undefined {
	const get = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal;
	return typeof get === 'function' ? get.call(ctx) : undefined;
}

export async function vishwaApiRequest(
	ctx: VishwaContext,
	connection: VishwaConnection,
	request: VishwaRequest,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<unknown> {
	const timeoutMs = request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
	// Both change when a same-origin redirect is followed (the Location carries its own query).
	let url = `${connection.baseUrl}${request.path}`;
	let qs = request.qs;
	let redirectsFollowed = 0;
	const mayFollowRedirects = request.idempotency === 'safe' && request.followRedirects !== false;
	// n8n copies the node on every getNode(): only an error needs it.
	const node = () => ctx.getNode();
	const itemIndex = request.itemIndex;
	const stopSignal = executionCancelSignal(ctx);
	const cancelSignal =
		request.abortSignal && stopSignal ? AbortSignal.any([stopSignal, request.abortSignal]) : (request.abortSignal ?? stopSignal);
	let lastProblem = '';
	// Set when a retry was not made because its pause would end past `retryUntil`.
	let retryCut = false;
	const mayWait = (ms: number) => {
		if (request.retryUntil === undefined || Date.now() + ms <= request.retryUntil.at) return true;
		retryCut = true;
		return false;
	};
	const noteCut = <E extends { description?: string | null }>(error: E): E => {
		if (retryCut && request.retryUntil) error.description = `${error.description ?? ''} Not retried: ${request.retryUntil.why}.`.trim();
		return error;
	};
	const timeLeftMs = () => (request.deadlineAt === undefined ? Infinity : request.deadlineAt - Date.now());
	// Waits between attempts hold no Concurrency place (see RateLimitGate.away): status requests of
	// started runs and other items' requests go on meanwhile.
	const gate = request.rateLimit;
	const away = async (wait: () => Promise<void>) => await (gate?.away ? gate.away(wait) : wait());
	const waitsEnd = gate?.waitsEnd ?? cancelSignal;
	// A pause before a retry never runs past the deadline, and Stop or the node failing cuts it short
	// (the next attempt then sees either).
	const pauseBeforeRetry = async (ms: number) =>
		await away(async () => {
			await pauseFor(Math.max(0, Math.min(ms, timeLeftMs())), waitsEnd);
		});
	// After Stop, n8n aborts the request in flight; nothing is retried, and an unsafe request that
	// was under way may still have been processed.
	const stopped = (requestUnderWay: boolean) =>
		operationError(node(), `Stopped: the execution was cancelled while trying to ${request.action}`, {
			description:
				requestUnderWay && request.idempotency === 'unsafe'
					? `${request.lostAnswerHint ?? 'It may have been processed.'} It was not repeated.`
					: 'Nothing more was sent.',
			itemIndex,
		});

	// Holding Vishwa's rate limit for the execution: set while this request waits out a 429's
	// Retry-After and until its next attempt is answered (see RateLimitGate).
	let releaseGate: (() => void) | undefined;
	try {
		for (let retry = 0; ; retry++) {
			if (cancelSignal?.aborted) throw stopped(false);
			if (timeLeftMs() <= 0) {
				throw new NodeOperationError(node(), `No time was left to ${request.action}${lastProblem ? ` (${lastProblem})` : ''}`, {
					description: `${retry} attempt${retry === 1 ? '' : 's'} made before the deadline.`,
					itemIndex,
				});
			}
			let attemptTimeoutMs = Math.max(1, Math.min(timeoutMs, timeLeftMs()));
			const canRetry = retry < policy.maxRetries;
			const options: IHttpRequestOptions = {
				method: request.method,
				url,
				qs,
				headers: { Accept: 'application/json', ...(request.headers ?? {}) },
				encoding: 'text',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: attemptTimeoutMs,
				// Redirects are decided below, never followed by n8n's client (see core/redirects.ts).
				disableFollowRedirect: true,
			};
			if (request.json !== undefined) {
				options.body = JSON.stringify(request.json);
				options.headers = { ...options.headers, 'Content-Type': 'application/json' };
			}

			let answer: HttpAnswer | undefined;
			let failure: unknown;
			const slot = request.slot ?? (async <T>(attempt: () => Promise<T>) => await attempt());
			const sent = await slot(async () => {
				// The request holding the rate limit goes first; the others wait for its answer, out of
				// their place (taken again first in line, so they still go in the order they came).
				while (!releaseGate && gate && !gate.open && !cancelSignal?.aborted) {
					await away(async () => await gate.passed(waitsEnd));
				}
				// The place may have come late: Stop and the deadline are checked again, and the
				// attempt gets only the time left now.
				if (cancelSignal?.aborted || timeLeftMs() <= 0) return false;
				attemptTimeoutMs = Math.max(1, Math.min(timeoutMs, timeLeftMs()));
				options.timeout = attemptTimeoutMs;
				// A streamed body is opened only once the attempt has its place.
				if (request.json === undefined && request.body) options.body = request.body();
				request.onSent?.();
				// Each attempt has its own abort signal, also aborted by Stop, and aborted when the attempt
				// ends, so a request given up at its timeout or deadline closes its connection. (Through
				// whenAborted rather than AbortSignal.any, which costs a weak reference and a finalization
				// registration per attempt.)
				const attempt = new AbortController();
				const forgetStop = cancelSignal ? whenAborted(cancelSignal, () => attempt.abort(cancelSignal.reason)) : undefined;
				const signal = attempt.signal;
				options.abortSignal = signal;
				try {
					const response = (await withinDeadline(
						ctx.helpers.httpRequestWithAuthentication.call(
							withAbortSignal(ctx, signal),
							VISHWA_CREDENTIAL,
							options,
							// A copy: n8n may add pre-authentication data to what it is given.
							connection.credentials?.data
								? { credentialsDecrypted: { ...connection.credentials, data: { ...connection.credentials.data } } }
								: undefined,
						),
						attemptTimeoutMs,
					)) as { statusCode: number; headers: unknown; body: unknown };
					answer = toAnswer(response.statusCode, response.headers, response.body);
				} catch (error) {
					answer = statusFromError(error);
					if (!answer) failure = error;
				} finally {
					forgetStop?.();
					attempt.abort(ATTEMPT_ENDED);
				}
				return true;
			});
			if (!sent) {
				retry -= 1; // nothing was sent: the checks at the top report Stop or the deadline
				continue;
			}
			// Answered (or failed) after a 429's pause: the others may go (a new 429 holds them again).
			releaseGate?.();
			releaseGate = undefined;
			if (answer) request.onAnswer?.(`HTTP ${answer.statusCode}`);
			else {
				const code = networkCode(failure);
				// An attempt cut at the deadline stayed unanswered until then: not an answer.
				if (!(TIMEOUT_CODES.has(code) && timeLeftMs() <= 0)) {
					request.onAnswer?.(TIMEOUT_CODES.has(code) ? `no answer within ${attemptTimeoutMs} ms` : codeInWords(code));
				}
			}

			// Network failure: no answer at all.
			if (!answer) {
				if (cancelSignal?.aborted) throw stopped(true);
				const unreadable = causeOfType(failure, MultipartSourceError);
				if (unreadable) {
					throw operationError(node(), unreadable.message, {
						description: `The request to ${request.action} was stopped part-way, so Vishwa got an incomplete request and should not have stored anything. It was not repeated automatically.`,
						itemIndex,
					});
				}
				const code = networkCode(failure);
				const timedOut = TIMEOUT_CODES.has(code);
				const notSent = NOT_SENT_CODES.has(code);
				lastProblem = timedOut ? `no answer within ${attemptTimeoutMs} ms` : codeInWords(code);
				if (TLS_CODE.test(code)) {
					const error = operationError(node(), `Could not reach Vishwa at ${connection.baseUrl} (${codeInWords(code)})`, {
						description: `Nothing was sent: the secure (TLS) connection failed. If the server speaks plain HTTP, start the Base URL in ${credentialLabel(ctx, connectionKey(connection))} with http://; otherwise check the server's certificate.`,
						itemIndex,
					});
					throw Object.assign(error, NEVER_REACHED_VISHWA);
				}
				if (canRetry && (request.idempotency === 'safe' || notSent)) {
					const pauseMs = retryDelayMs(retry, policy);
					if (mayWait(pauseMs)) {
						await pauseBeforeRetry(pauseMs);
						continue;
					}
				}
				if (request.idempotency === 'unsafe' && !notSent) {
					throw operationError(
						node(),
						`The request to ${request.action} was sent but its answer was lost (${lastProblem})`,
						{
							description: `${request.lostAnswerHint ?? 'It may have been processed.'} It was not repeated automatically, so nothing is done twice.`,
							itemIndex,
						},
					);
				}
				const attempts = retry + 1;
				const error = new NodeOperationError(
					node(),
					timedOut
						? `Vishwa did not answer within ${attemptTimeoutMs} ms (${request.action})`
						: `Could not reach Vishwa at ${connection.baseUrl} (${codeInWords(code)})`,
					{
						description: `${attempts} attempt${attempts === 1 ? '' : 's'} made. ${timedOut ? 'Raise the Request Timeout option if the server is just slow, or try again later.' : `Check the Base URL in ${credentialLabel(ctx, connectionKey(connection))} and that the server is up.`}`,
						itemIndex,
					},
				);
				noteCut(error);
				// An unsafe request gets here only when nothing was sent (see above); a safe one may have
				// been sent before the connection broke.
				throw notSent ? Object.assign(error, NEVER_REACHED_VISHWA) : error;
			}

			const { statusCode } = answer;
			const location = redirectLocation(answer);
			if (location !== undefined) {
				const decision = decideRedirect(connection.baseUrl, url, location, mayFollowRedirects);
				if (decision.follow && redirectsFollowed < MAX_SAME_ORIGIN_HOPS) {
					redirectsFollowed += 1;
					url = decision.url;
					qs = undefined;
					retry -= 1; // a hop is not a retry
					continue;
				}
				throw redirectError(ctx, connection, request, statusCode, decision);
			}
			let body = answer.parsed;
			let unreadable = false;
			if (answer.text !== undefined) {
				try {
					body = parseJsonBody(answer.text);
				} catch {
					body = answer.text;
					unreadable = true;
				}
			}
			// Everything below (outputs, messages quoting the answer) reads this body: a server that
			// echoes the API key gets "[redacted]" in its place (core/keyMask.ts).
			body = answerWithoutKey(body, answer.text, connectionKey(connection));

			if (statusCode >= 200 && statusCode < 300) {
				// Every Vishwa answer is a JSON document: an empty one is as useless as an unreadable one
				// (a start-run answered with nothing has no run ID, yet the run may exist).
				const empty = body === undefined;
				if (!unreadable && !empty) return body;
				lastProblem = `unreadable answer: ${summarizeBody(body)}`;
				if (canRetry && request.idempotency === 'safe') {
					const pauseMs = retryDelayMs(retry, policy);
					if (mayWait(pauseMs)) {
						await pauseBeforeRetry(pauseMs);
						continue;
					}
				}
				throw noteCut(apiError(ctx, statusCode, `Vishwa's answer to ${request.action} was ${empty ? 'empty' : 'not valid JSON'}`, `It answered HTTP ${statusCode} with ${summarizeBody(body)}.${request.idempotency === 'unsafe' ? ` ${request.lostAnswerHint ?? ''}` : ''}`.trim(), itemIndex));
			}

			if (statusCode === 429) {
				lastProblem = 'HTTP 429';
				const retryAfterMs = parseRetryAfterMs(answer.headers['retry-after'], Date.now(), answer.headers.date);
				const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs;
				const pauseMs = retryAfterMs ?? retryDelayMs(retry, policy);
				if (canRetry && !tooLong && mayWait(pauseMs)) {
					releaseGate = request.rateLimit?.hold(pauseMs);
					await pauseBeforeRetry(pauseMs);
					continue;
				}
				throw noteCut(apiError(
					ctx,
					429,
					`Vishwa's rate limit was reached (HTTP 429) while trying to ${request.action}`,
					tooLong
						? askedTooLong(retryAfterMs, policy)
						: `Still limited after ${retry + 1} attempts. Lower the node's Concurrency option or space out executions.`,
					itemIndex,
				));
			}

			if (RETRYABLE_STATUSES.has(statusCode) && request.idempotency === 'safe' && canRetry) {
				lastProblem = `HTTP ${statusCode}`;
				// A 503 may say when to come back: its Retry-After is honoured as a 429's is, with the
				// same cap. (Start-run and upload are not retried on any 5xx: their outcome is unknown.)
				const retryAfterMs =
					statusCode === 503 ? parseRetryAfterMs(answer.headers['retry-after'], Date.now(), answer.headers.date) : undefined;
				const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs;
				const pauseMs = retryAfterMs ?? retryDelayMs(retry, policy);
				if (!tooLong && mayWait(pauseMs)) {
					await pauseBeforeRetry(pauseMs);
					continue;
				}
				if (tooLong) {
					const error = mapStatusError(ctx, request, statusCode, body, retry + 1, connection);
					error.description = `${error.description ?? ''} ${askedTooLong(retryAfterMs, policy)}`.trim();
					throw error;
				}
			}

			throw noteCut(mapStatusError(ctx, request, statusCode, body, retry + 1, connection));
		}
	} finally {
		releaseGate?.();
	}
}

/**
 * Marks an error whose request never reached Vishwa (connection refused, name not found, TLS
 * handshake failed): nothing was created, so Retry On Fail may send it again (actions/tries.ts).
 */
const NEVER_REACHED_VISHWA = { notSent: true } as const;

/** Why a Retry-After was not waited out. */
function askedTooLong(retryAfterMs: number, policy: RetryPolicy): string {
	return `Vishwa asked to wait ${Math.round(retryAfterMs / 1000)} s, longer than the node waits (${policy.maxRetryAfterMs / 1000} s). Try again later.`;
}

/** The Location of a redirect answer (3xx), if it has one. */
function redirectLocation(answer: HttpAnswer): string | undefined {
	if (answer.statusCode < 300 || answer.statusCode > 399) return undefined;
	const location = answer.headers.location ?? answer.headers.Location;
	const value = Array.isArray(location) ? location[0] : location;
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
