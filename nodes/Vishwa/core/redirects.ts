/**
 * What the transport does with a redirect (a 3xx answer with a Location header). n8n's HTTP client
 * is told never to follow redirects itself: on a redirect to another host it strips Authorization
 * and Cookie, but not a custom header such as XP-API-Key, so the key would go wherever the
 * Location points. The transport decides here instead:
 *
 * - another origin (scheme, host or port differs from the Base URL's): refused, nothing is sent there;
 * - https to http: refused, even on the same host (the key would travel unencrypted);
 * - the same origin: followed (up to MAX_SAME_ORIGIN_HOPS), but only for requests that may be
 *   repeated (reads); a start-run or an upload is never re-sent to a new address;
 * - a Location that is not an http(s) URL: refused.
 */

export const MAX_SAME_ORIGIN_HOPS = 5;

export type RedirectDecision =
	| { follow: true; url: string }
	| {
			follow: false;
			reason: 'other-origin' | 'downgrade' | 'not-repeatable' | 'invalid';
			/**
			 * The Location for messages: resolved against the request URL as scheme://host:port/path,
			 * or, when it is not an http(s) URL, only its scheme. Not yet checked for the key (safeTarget).
			 */
			target: string;
	  };

/** The Location as an absolute URL, resolved against the URL that was asked; undefined if unusable. */
export function resolveLocation(location: string, requestUrl: string): URL | undefined {
	if (!URL.canParse(location, requestUrl)) return undefined;
	const resolved = new URL(location, requestUrl);
	if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') return undefined;
	return resolved;
}

/**
 * A URL as it may appear in a message: scheme://host:port/path only. The query, the fragment and
 * user:password are dropped: they are where a hostile server would echo the key, and the message
 * needs none of them.
 */
export function displayUrl(url: URL): string {
	return `${url.origin}${url.pathname}`;
}

/** Longest part of a message target shown; the key check runs on the whole target before the cut. */
export const MAX_TARGET_LENGTH = 200;

/** Shown instead of a redirect target that contains the API key or a piece of it. */
export const HIDDEN_TARGET = 'an address not shown because it contains (part of) the API key';

/** Text percent-decoded until stable (a few layers at most); malformed escapes are left as they are. */
function decodeLayers(text: string): string {
	let current = text;
	for (let layer = 0; layer < 3; layer++) {
		let next: string;
		try {
			next = decodeURIComponent(current);
		} catch {
			next = current.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
		}
		if (next === current) break;
		current = next;
	}
	return current;
}

/** Letters and digits only, lower-cased: what survives re-encoding, case-folding (host names) and punctuation changes. */
const letterDigits = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Whether a text shows the API key or a piece of it in any spelling: compared after percent-decoding,
 * case-insensitively and ignoring punctuation (a host name lower-cases the key and drops a "'"),
 * and any 8 consecutive letters/digits of the key count (a key cut short). Errs on hiding.
 */
export function revealsKey(text: string, apiKey: string): boolean {
	const key = letterDigits(apiKey);
	if (key.length < 4) return false;
	const haystacks = [letterDigits(text), letterDigits(decodeLayers(text))];
	const window = Math.min(8, key.length);
	for (let start = 0; start + window <= key.length; start++) {
		const piece = key.slice(start, start + window);
		if (haystacks.some((haystack) => haystack.includes(piece))) return true;
	}
	return false;
}

/**
 * A redirect target as a message may show it: checked for the key on the whole text first, then
 * cut to MAX_TARGET_LENGTH; a target that reveals the key is replaced as a whole.
 */
export function safeTarget(target: string, apiKey: string): string {
	if (revealsKey(target, apiKey)) return HIDDEN_TARGET;
	return target.length > MAX_TARGET_LENGTH ? `${target.slice(0, MAX_TARGET_LENGTH)}…` : target;
}

/** An unusable Location, described without its content: its scheme when it has a plain one. */
function describeInvalid(location: string): string {
	const scheme = /^([a-z][a-z0-9+.-]{0,19}):/i.exec(location.trim());
	return scheme ? `a ${scheme[1].toLowerCase()}: address` : 'an address that is not a URL';
}

/**
 * Decides about one redirect. `baseUrl` is the credential's normalized Base URL (its origin is the
 * only one the key may reach), `requestUrl` the URL that answered with the redirect, `repeatable`
 * whether the request may be sent again (a read).
 */
export function decideRedirect(
	baseUrl: string,
	requestUrl: string,
	location: string,
	repeatable: boolean,
): RedirectDecision {
	const resolved = resolveLocation(location, requestUrl);
	if (!resolved) return { follow: false, reason: 'invalid', target: describeInvalid(location) };
	const target = displayUrl(resolved);
	const base = new URL(baseUrl);
	if (base.protocol === 'https:' && resolved.protocol === 'http:') return { follow: false, reason: 'downgrade', target };
	if (resolved.origin !== base.origin) return { follow: false, reason: 'other-origin', target };
	if (!repeatable) return { follow: false, reason: 'not-repeatable', target };
	return { follow: true, url: resolved.href };
}

/**
 * The Base URL that would reach the redirect target directly, when the target ends with the path
 * that was asked for (a moved API): "https://new.example.com/v1/…/status" asked as "/v1/…/status"
 * gives "https://new.example.com". Undefined when the target is something else (a login page).
 */
export function suggestedBaseUrl(target: string, requestPath: string): string | undefined {
	if (!URL.canParse(target)) return undefined;
	const url = new URL(target);
	const path = requestPath.split('?')[0];
	if (!url.pathname.endsWith(path)) return undefined;
	return `${url.origin}${url.pathname.slice(0, url.pathname.length - path.length)}`;
}
