'use strict';
/**
 * The fault matrix: for every route the package calls (upload, start-run, status, the trigger's
 * runs listing) and every fault the stand-in (or a
 * misbehaving proxy in front of it) can inject, what the node does. One table of data, used twice:
 * faults.matrix.test.js runs every cell against a real socket and asserts it, and the
 * "fault × route → behaviour" table of docs/reliability.md is rendered from it (`npm run fault-table`
 * rewrites that block; a test fails when the document and the data differ).
 *
 * Message templates: {action} is the request's action as the route words it, {hint} its "what may
 * have happened" sentence, {baseUrl} and {timeout} the connection's, {target} a redirect's Location
 * and {suggested} the Base URL the message proposes instead. The test fills in real values,
 * the document placeholders such as <flow>.
 */
const fs = require('fs');
const path = require('path');

/** The document that holds the generated table (it was in README.md until the README was shortened). */
const DOC = path.join(__dirname, '..', 'docs', 'reliability.md');
const TABLE_START = '<!-- fault-matrix:start (generated from test/faults.matrix.js by `npm run fault-table`) -->';
const TABLE_END = '<!-- fault-matrix:end -->';

/** Retry policy of the transport (core/schedule.ts DEFAULT_RETRY_POLICY): full jitter in [half, full]. */
const RETRY = { maxAttempts: 4, baseMs: 500, capMs: 8000 };
/** The Request Timeout used by the cases that need one. */
const TIMEOUT_MS = 2000;

/** The shortest and longest total backoff before attempt number `attempts` (1-based). */
function backoff(attempts, first = 0) {
	let min = 0;
	let max = 0;
	for (let retry = first; retry < first + attempts - 1; retry++) {
		const ceiling = Math.min(RETRY.capMs, RETRY.baseMs * 2 ** retry);
		min += ceiling / 2;
		max += ceiling;
	}
	return { min, max };
}

const ROUTES = {
	upload: {
		title: 'Asset → Upload',
		unsafe: true,
		creates: 'files',
		action: { test: 'upload 1 file ("item-0.txt")', doc: 'upload 1 file ("<file>")' },
		hint: 'Vishwa may have stored the files already: check before uploading them again.',
	},
	'start-run': {
		title: 'Run → Start',
		unsafe: true,
		creates: 'runs',
		action: { test: 'start a run of flow "flow-ok"', doc: 'start a run of flow "<flow>"' },
		hint: 'The run of flow "flow-ok" may have started anyway. Check the flow\'s runs in Vishwa (or, if you know its run ID, use Run > Get Status) before starting it again.',
	},
	status: {
		title: 'Run → Get Status (and every poll while waiting)',
		unsafe: false,
		creates: null,
		action: { test: 'get the status of run "run_1"', doc: 'get the status of run "<run>"' },
	},
	runs: {
		title: 'Vishwa Trigger (runs listing)',
		unsafe: false,
		creates: null,
		action: { test: 'list the runs of flow "flow-ok"', doc: 'list the runs of flow "<flow>"' },
		afterError: 'The poll fails and saves nothing; the next poll emits the runs it missed, once.',
	},
};

/**
 * How a fault is injected. `standin`: a stand-in fault (test/standin/CONTRACT.md) queued for the
 * route. `proxy`: a fault of the HTTP proxy the test puts in front of the stand-in ('stall': the
 * request is taken and never answered; 'trickle': forwarded, then the answer sent a byte every
 * 100 ms; 'redirect': answered 307 with a Location on `to`, 'elsewhere' being a recording server at
 * another origin that must see no request, 'self' the proxy's own origin). `refused`: the base URL
 * points at a port nothing listens on. `timeout`: the Request Timeout option for the case.
 */
const FAULTS = [
	{ id: '429-retry-after', label: '429 with `Retry-After: 1`', standin: { kind: '429', retryAfter: 1 } },
	{ id: '429-retry-after-long', label: '429 with `Retry-After: 120` (over the 60 s the node waits)', standin: { kind: '429', retryAfter: 120 } },
	{ id: '429', label: '429 without `Retry-After`', standin: { kind: '429' } },
	// Issue 13: a negative Retry-After is invalid; it once meant "retry at once".
	{ id: '429-retry-after-negative', label: '429 with `Retry-After: -5` (invalid, so ignored)', standin: { kind: '429', retryAfter: '-5' } },
	{ id: '500', label: '500', standin: { kind: '500' } },
	{ id: '502-html', label: '502 with an HTML page', standin: { kind: '502-html' } },
	{ id: '503', label: '503', standin: { kind: '503' } },
	// Issue 13: a 503's Retry-After is honoured on reads, as a 429's (start-run and upload are not
	// retried on a 5xx at all: their outcome is unknown).
	{ id: '503-retry-after', label: '503 with `Retry-After: 1`', standin: { kind: '503', retryAfter: 1 } },
	{ id: '503-retry-after-long', label: '503 with `Retry-After: 120` (over the 60 s the node waits)', standin: { kind: '503', retryAfter: 120 } },
	{ id: 'malformed-json', label: '200 with malformed JSON', standin: { kind: 'malformed-json' } },
	{ id: 'empty-body', label: '200 with an empty body', standin: { kind: 'empty-body' } },
	{ id: 'html-200', label: '200 with an HTML page', standin: { kind: 'html-200' } },
	{ id: 'huge', label: '200 with a 5 MiB JSON answer', standin: { kind: 'huge' } },
	{ id: 'drop-before', label: 'Connection dropped after the request was sent, before it was processed', standin: { kind: 'drop-before' } },
	{ id: 'drop-after', label: 'Connection dropped after the request was processed (answer lost)', standin: { kind: 'drop-after' } },
	{ id: 'slow', label: 'Answer slower than the Request Timeout', standin: { kind: 'slow', delayMs: 6000 }, timeout: TIMEOUT_MS },
	{ id: 'stall', label: 'Connection accepted, request never answered', proxy: 'stall', timeout: TIMEOUT_MS },
	{ id: 'trickle', label: 'Answer trickles in (a byte every 100 ms) past the Request Timeout', proxy: 'trickle', timeout: TIMEOUT_MS },
	{ id: 'refused', label: 'Connection refused (nothing listening: nothing was sent)', refused: true },
	{ id: 'redirect-other-origin', label: 'Redirect (307) to another origin (scheme, host or port)', proxy: 'redirect', to: 'elsewhere' },
	{ id: 'redirect-same-origin', label: 'Redirect (307) to another path of the Base URL\'s origin', proxy: 'redirect', to: 'self' },
];

// Expected behaviours. `once`: the fault happens once, `always`: on every attempt (absent when a
// single fault already ends the item). outcome 'ok' = the item gets the server's answer.
// wait: total time between the item's first and last attempt. created: runs or files the faulted
// item left on the server.
const ok = (attempts = 1, wait = backoff(attempts)) => ({ outcome: 'ok', attempts, wait });
const failed = (attempts, wait, message, description, created = 0) => ({
	outcome: 'error',
	attempts,
	wait,
	message,
	description,
	created,
});
const NO_WAIT = { min: 0, max: 0 };
const retryAfter = (attempts, seconds) => ({ min: (attempts - 1) * seconds * 1000, max: (attempts - 1) * seconds * 1000 });
/** Each retry comes after the timeout ran out, then the backoff. */
const afterTimeouts = (attempts) => {
	const b = backoff(attempts);
	return { min: b.min + (attempts - 1) * TIMEOUT_MS, max: b.max + (attempts - 1) * TIMEOUT_MS };
};

const msg = {
	rateLimited: 'Vishwa\'s rate limit was reached (HTTP 429) while trying to {action}',
	stillLimited: 'Still limited after 4 attempts. Lower the node\'s Concurrency option or space out executions.',
	tooLong: 'Vishwa asked to wait 120 s, longer than the node waits (60 s). Try again later.',
	serverError: (code) => `Vishwa had a server error (HTTP ${code}) while trying to {action}`,
	notJson: 'Vishwa\'s answer to {action} was not valid JSON',
	empty: 'Vishwa\'s answer to {action} was empty',
	lost: (why) => `The request to {action} was sent but its answer was lost (${why})`,
	lostDescription: '{hint} It was not repeated automatically, so nothing is done twice.',
	noAnswer: 'Vishwa did not answer within {timeout} ms ({action})',
	noAnswerDescription: '4 attempts made. Raise the Request Timeout option if the server is just slow, or try again later.',
	unreachable: (why) => `Could not reach Vishwa at {baseUrl} (${why})`,
	unreachableDescription: '4 attempts made. Check the Base URL in the credential "Vishwa API" and that the server is up.',
	otherOrigin: 'The request to {action} was redirected to another origin (HTTP 307 to {target}); the API key is not sent there',
	otherOriginDescription: 'The API key goes only to the origin (scheme, host and port) of the Base URL, {baseUrl}, and nothing was sent to the redirect target. If Vishwa now lives there, put {suggested} in the Base URL of the credential "Vishwa API".',
	notRepeatable: 'The request to {action} was redirected (HTTP 307 to {target}); a request that creates something is not sent again to another address',
	notRepeatableDescription: 'A redirect answer means it was not carried out there, and it was not repeated. To avoid the redirect, put {suggested} in the Base URL of the credential "Vishwa API".',
};
/** Redirect cells: not followed (an error) or followed (the answer of the redirect target). */
const notFollowed = (message, description) => ({ ...failed(1, NO_WAIT, message, description), verb: 'Not followed.' });
const followed = () => ({ ...ok(1), followed: true });
const serverErrorBody = {
	500: '{"detail":"Internal Server Error (stand-in fault)"}',
	503: '{"detail":"Service Unavailable (stand-in fault)"}',
	'502-html': 'an HTML page ("502 Bad Gateway")',
};

/** Unsafe routes (upload, start-run): the same behaviour, with their own words and leftovers. */
function unsafeExpectations() {
	return {
		'429-retry-after': { once: ok(2, retryAfter(2, 1)), always: failed(4, retryAfter(4, 1), msg.rateLimited, msg.stillLimited) },
		'429-retry-after-long': { once: failed(1, NO_WAIT, msg.rateLimited, msg.tooLong) },
		429: { once: ok(2), always: failed(4, backoff(4), msg.rateLimited, msg.stillLimited) },
		'429-retry-after-negative': { once: ok(2), always: failed(4, backoff(4), msg.rateLimited, msg.stillLimited) },
		500: { once: failed(1, NO_WAIT, msg.serverError(500), `It answered with ${serverErrorBody[500]}. It was not repeated automatically. {hint}`) },
		'502-html': { once: failed(1, NO_WAIT, msg.serverError(502), `It answered with ${serverErrorBody['502-html']}. It was not repeated automatically. {hint}`) },
		503: { once: failed(1, NO_WAIT, msg.serverError(503), `It answered with ${serverErrorBody[503]}. It was not repeated automatically. {hint}`) },
		'503-retry-after': { once: failed(1, NO_WAIT, msg.serverError(503), `It answered with ${serverErrorBody[503]}. It was not repeated automatically. {hint}`) },
		'503-retry-after-long': { once: failed(1, NO_WAIT, msg.serverError(503), `It answered with ${serverErrorBody[503]}. It was not repeated automatically. {hint}`) },
		'malformed-json': { once: failed(1, NO_WAIT, msg.notJson, /^It answered HTTP 200 with "\{.*…?"\. \{hint\}$/, 1) },
		'empty-body': { once: failed(1, NO_WAIT, msg.empty, 'It answered HTTP 200 with an empty body. {hint}', 1) },
		'html-200': { once: failed(1, NO_WAIT, msg.notJson, 'It answered HTTP 200 with an HTML page ("vishwa.ai"). {hint}') },
		huge: { once: ok(1) },
		'drop-before': { once: failed(1, NO_WAIT, /^The request to \{action\} was sent but its answer was lost \((connection reset|connection broken)\)$/, msg.lostDescription) },
		'drop-after': { once: failed(1, NO_WAIT, msg.lost('connection reset'), msg.lostDescription, 1) },
		slow: { once: failed(1, NO_WAIT, msg.lost('no answer within {timeout} ms'), msg.lostDescription, 1) },
		stall: { once: failed(1, NO_WAIT, msg.lost('no answer within {timeout} ms'), msg.lostDescription) },
		trickle: { once: failed(1, NO_WAIT, msg.lost('no answer within {timeout} ms'), msg.lostDescription, 1) },
		refused: { always: failed(4, backoff(4), msg.unreachable('connection refused'), msg.unreachableDescription) },
		'redirect-other-origin': { once: notFollowed(msg.otherOrigin, msg.otherOriginDescription) },
		'redirect-same-origin': { once: notFollowed(msg.notRepeatable, msg.notRepeatableDescription) },
	};
}

/** Reads (status, listing): repeating is harmless, so everything transient is retried. */
function readExpectations() {
	return {
		'429-retry-after': { once: ok(2, retryAfter(2, 1)), always: failed(4, retryAfter(4, 1), msg.rateLimited, msg.stillLimited) },
		'429-retry-after-long': { once: failed(1, NO_WAIT, msg.rateLimited, msg.tooLong) },
		429: { once: ok(2), always: failed(4, backoff(4), msg.rateLimited, msg.stillLimited) },
		'429-retry-after-negative': { once: ok(2), always: failed(4, backoff(4), msg.rateLimited, msg.stillLimited) },
		500: { once: ok(2), always: failed(4, backoff(4), msg.serverError(500), `It answered with ${serverErrorBody[500]}. 4 attempts made.`) },
		'502-html': { once: ok(2), always: failed(4, backoff(4), msg.serverError(502), `It answered with ${serverErrorBody['502-html']}. 4 attempts made.`) },
		503: { once: ok(2), always: failed(4, backoff(4), msg.serverError(503), `It answered with ${serverErrorBody[503]}. 4 attempts made.`) },
		'503-retry-after': { once: ok(2, retryAfter(2, 1)), always: failed(4, retryAfter(4, 1), msg.serverError(503), `It answered with ${serverErrorBody[503]}. 4 attempts made.`) },
		'503-retry-after-long': { once: { ...failed(1, NO_WAIT, msg.serverError(503), `It answered with ${serverErrorBody[503]}. 1 attempt made. ${msg.tooLong}`), verb: 'Not retried (it asked to wait more than 60 s).' } },
		'malformed-json': { once: ok(2), always: failed(4, backoff(4), msg.notJson, /^It answered HTTP 200 with "\{.*…?"\.$/) },
		'empty-body': { once: ok(2), always: failed(4, backoff(4), msg.empty, 'It answered HTTP 200 with an empty body.') },
		'html-200': { once: ok(2), always: failed(4, backoff(4), msg.notJson, 'It answered HTTP 200 with an HTML page ("vishwa.ai").') },
		huge: { once: ok(1) },
		'drop-before': { once: ok(2), always: failed(4, backoff(4), msg.unreachable('connection reset'), msg.unreachableDescription) },
		'drop-after': { once: ok(2), always: failed(4, backoff(4), msg.unreachable('connection reset'), msg.unreachableDescription) },
		slow: { once: ok(2, afterTimeouts(2)), always: failed(4, afterTimeouts(4), msg.noAnswer, msg.noAnswerDescription) },
		stall: { once: ok(2, afterTimeouts(2)), always: failed(4, afterTimeouts(4), msg.noAnswer, msg.noAnswerDescription) },
		trickle: { once: ok(2, afterTimeouts(2)), always: failed(4, afterTimeouts(4), msg.noAnswer, msg.noAnswerDescription) },
		refused: { always: failed(4, backoff(4), msg.unreachable('connection refused'), msg.unreachableDescription) },
		'redirect-other-origin': { once: notFollowed(msg.otherOrigin, msg.otherOriginDescription) },
		'redirect-same-origin': { once: followed() },
	};
}

const MATRIX = {
	upload: unsafeExpectations(),
	'start-run': unsafeExpectations(),
	status: readExpectations(),
	runs: readExpectations(),
};

/** Every cell as a test case: { id, route, fault, scenario, expected }. */
function matrixCases() {
	const cases = [];
	for (const [route, row] of Object.entries(MATRIX)) {
		for (const fault of FAULTS) {
			const cell = row[fault.id];
			if (!cell) throw new Error(`fault matrix: no expectation for ${route} × ${fault.id}`);
			for (const scenario of ['once', 'always']) {
				if (cell[scenario]) cases.push({ id: `${route} × ${fault.id} (${scenario})`, route, fault, scenario, expected: cell[scenario] });
			}
		}
	}
	return cases;
}

/** Fills a template: a string, or a RegExp whose source holds escaped placeholders. */
function fill(template, values) {
	const replace = (text, escaped) =>
		text.replace(escaped ? /\\\{(\w+)\\\}/g : /\{(\w+)\}/g, (whole, key) => {
			if (!(key in values)) return whole;
			const value = String(values[key]);
			return escaped ? value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : value;
		});
	if (template instanceof RegExp) return new RegExp(replace(template.source, true), template.flags);
	return replace(template, false);
}

function templateValues(route, { doc = false, baseUrl, timeout = TIMEOUT_MS, target, suggested } = {}) {
	const spec = ROUTES[route];
	const values = {
		action: doc ? spec.action.doc : spec.action.test,
		baseUrl: doc ? '<base URL>' : baseUrl,
		timeout: doc ? '<timeout>' : timeout,
		target: doc ? '<Location>' : target,
		suggested: doc ? '<the Location\'s base URL>' : suggested,
	};
	values.hint = spec.hint ? (doc ? spec.hint.replace(/flow-ok/g, '<flow>') : spec.hint) : '';
	return values;
}

// ---- rendering (docs/reliability.md) ----

const seconds = (ms) => `${+(ms / 1000).toFixed(2)} s`;

function describeWait(fault, expected) {
	if (fault.standin && Number(fault.standin.retryAfter) >= 0 && expected.attempts > 1) {
		return `${fault.standin.retryAfter} s (its Retry-After)`;
	}
	const first = backoff(2);
	const pause = `${seconds(first.min)}–${seconds(first.max)}, doubling`;
	return fault.timeout ? `the Request Timeout + ${pause}` : pause;
}

function renderMessage(template, route) {
	const source = template instanceof RegExp ? template.source.replace(/^\^|\$$/g, '').replace(/\\/g, '') : template;
	const text = fill(source, templateValues(route, { doc: true }))
		.replace(/\((connection reset)\|(connection broken)\)/, '$1 or $2')
		.replace(/run_1/g, '<run>');
	return `\`${text}\``;
}

function renderCell(route, fault) {
	const cell = MATRIX[route][fault.id];
	const { once, always } = cell;
	const creates = ROUTES[route].creates;
	const leftover = (expected) => {
		const says = String(expected.description).includes('{hint}')
			? ` The description says the ${creates === 'runs' ? 'run may have started' : 'files may be stored'} and how to check.`
			: '';
		if (creates === 'runs') return `${says} Runs created: ${expected.created}.`;
		if (creates === 'files') return `${says} Uploads stored: ${expected.created}.`;
		return says;
	};
	if (once && once.followed) return `**Followed** (a read, same origin, at most 5 redirects in a row): the answer of the new address is returned.`;
	if (once && once.outcome === 'ok' && once.attempts === 1) return 'Works: the answer is returned whole.';
	const afterError = ROUTES[route].afterError ? ` ${ROUTES[route].afterError}` : '';
	if (once && once.outcome === 'ok') {
		const end = always ? ` Persisting: after ${always.attempts} attempts, ${renderMessage(always.message, route)}.${afterError}` : '';
		const kept = creates === 'runs' ? ' Runs created: 1.' : creates === 'files' ? ' Uploads stored: 1.' : '';
		return `**Retried** after ${describeWait(fault, once)}; recovers.${kept}${end}`;
	}
	if (once) return `**${once.verb || 'Not retried.'}** ${renderMessage(once.message, route)}.${leftover(once)}${afterError}`;
	return `**Retried** (${always.attempts} attempts, ${describeWait(fault, always)}), then ${renderMessage(always.message, route)}.${leftover(always)}${afterError}`;
}

function renderTable() {
	const routes = Object.keys(MATRIX);
	const lines = [
		`| Fault | ${routes.map((route) => ROUTES[route].title).join(' | ')} |`,
		`|---|${routes.map(() => '---').join('|')}|`,
		...FAULTS.map((fault) => `| ${fault.label} | ${routes.map((route) => renderCell(route, fault).replace(/\|/g, '\\|')).join(' | ')} |`),
	];
	return lines.join('\n');
}

function renderBlock() {
	return `${TABLE_START}\n${renderTable()}\n${TABLE_END}`;
}

/** The generated block as docs/reliability.md holds it, or undefined. */
function docBlock(text = fs.readFileSync(DOC, 'utf8')) {
	const start = text.indexOf(TABLE_START);
	const end = text.indexOf(TABLE_END);
	if (start < 0 || end < start) return undefined;
	return text.slice(start, end + TABLE_END.length);
}

function writeDoc() {
	const text = fs.readFileSync(DOC, 'utf8');
	const current = docBlock(text);
	if (current === undefined) throw new Error(`${path.relative(process.cwd(), DOC)} has no fault table markers (${TABLE_START} … ${TABLE_END})`);
	fs.writeFileSync(DOC, text.replace(current, renderBlock()));
}

module.exports = {
	ROUTES,
	FAULTS,
	MATRIX,
	RETRY,
	TIMEOUT_MS,
	backoff,
	matrixCases,
	fill,
	templateValues,
	renderTable,
	renderBlock,
	DOC,
	docBlock,
	writeDoc,
};

if (require.main === module) {
	writeDoc();
	process.stdout.write('docs/reliability.md fault table updated\n');
}
