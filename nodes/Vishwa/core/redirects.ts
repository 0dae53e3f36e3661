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
			/** The Location resolved against the request URL, for messages (no user:password part). */
			target: string;
	  };

/** The Location as an absolute URL, resolved against the URL that was asked; undefined if unusable. */
export function resolveLocation(location: string, requestUrl: string): URL | undefined {
	if (!URL.canParse(location, requestUrl)) return undefined;
	const resolved = new URL(location, requestUrl);
	if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') return undefined;
	return resolved;
}

/** A URL as it may appear in a message: without user:password and without the fragment. */
export function displayUrl(url: URL): string {
	const copy = new URL(url.href);
	copy.username = '';
	copy.password = '';
	copy.hash = '';
	return copy.href;
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
	if (!resolved) return { follow: false, reason: 'invalid', target: location.slice(0, 200) };
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
