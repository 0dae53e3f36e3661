'use strict';
// Unit tests of the redirect decision (core/redirects.ts): which redirects the transport follows.
// The same rules run through n8n-core against real servers in redirects.test.js.
const { decideRedirect, displayUrl, suggestedBaseUrl, resolveLocation, revealsKey, safeTarget, HIDDEN_TARGET, MAX_SAME_ORIGIN_HOPS } = require('../dist/nodes/Vishwa/core/redirects');

const BASE = 'https://api.example.com/vishwa';
const ASKED = 'https://api.example.com/vishwa/v1/workflow/f/run/r/status';

describe('decideRedirect', () => {
	test.each([
		['same origin, absolute', 'https://api.example.com/vishwa/v2/status', true, { follow: true, url: 'https://api.example.com/vishwa/v2/status' }],
		['same origin, relative path', '/elsewhere/status?x=1', true, { follow: true, url: 'https://api.example.com/elsewhere/status?x=1' }],
		['same origin, relative to the asked path', 'status2', true, { follow: true, url: 'https://api.example.com/vishwa/v1/workflow/f/run/r/status2' }],
		['same origin, explicit default port', 'https://api.example.com:443/x', true, { follow: true, url: 'https://api.example.com/x' }],
		['same origin but not repeatable (start-run, upload)', '/x', false, { follow: false, reason: 'not-repeatable', target: 'https://api.example.com/x' }],
		['another host', 'https://evil.example.net/v1/x', true, { follow: false, reason: 'other-origin', target: 'https://evil.example.net/v1/x' }],
		['a sub-domain', 'https://eu.api.example.com/x', true, { follow: false, reason: 'other-origin', target: 'https://eu.api.example.com/x' }],
		['another port', 'https://api.example.com:8443/x', true, { follow: false, reason: 'other-origin', target: 'https://api.example.com:8443/x' }],
		['protocol-relative to another host', '//evil.example.net/x', true, { follow: false, reason: 'other-origin', target: 'https://evil.example.net/x' }],
		['https to http, same host and port', 'http://api.example.com:443/x', true, { follow: false, reason: 'downgrade', target: 'http://api.example.com:443/x' }],
		['https to http, same host', 'http://api.example.com/x', true, { follow: false, reason: 'downgrade', target: 'http://api.example.com/x' }],
		['https to http, another host', 'http://evil.example.net/x', false, { follow: false, reason: 'downgrade', target: 'http://evil.example.net/x' }],
		['not http(s)', 'ftp://api.example.com/x', true, { follow: false, reason: 'invalid', target: 'a ftp: address' }],
		['javascript:', 'javascript:alert(1)', true, { follow: false, reason: 'invalid', target: 'a javascript: address' }],
		['not a URL', 'http://[::1', true, { follow: false, reason: 'invalid', target: 'a http: address' }],
		['user:password in the target is not shown', 'https://user:secret@evil.example.net/x#frag', true, { follow: false, reason: 'other-origin', target: 'https://evil.example.net/x' }],
	])('%s', (_name, location, repeatable, expected) => {
		expect(decideRedirect(BASE, ASKED, location, repeatable)).toEqual(expected);
	});

	test('http to https on the same host is another origin (the Base URL should say https)', () => {
		expect(decideRedirect('http://api.example.com', 'http://api.example.com/v1/x', 'https://api.example.com/v1/x', true)).toEqual({
			follow: false,
			reason: 'other-origin',
			target: 'https://api.example.com/v1/x',
		});
	});

	test('an http Base URL may follow within its own origin', () => {
		expect(decideRedirect('http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1/x', '/moved/v1/x', true)).toEqual({ follow: true, url: 'http://127.0.0.1:8080/moved/v1/x' });
	});

	test('follows a bounded number of hops', () => {
		expect(MAX_SAME_ORIGIN_HOPS).toBe(5);
	});
});

test('resolveLocation only gives http(s) URLs', () => {
	expect(resolveLocation('/a', ASKED).href).toBe('https://api.example.com/a');
	expect(resolveLocation('data:text/plain,hi', ASKED)).toBeUndefined();
	expect(resolveLocation('http://[bad', ASKED)).toBeUndefined();
});

test('displayUrl drops user:password, the query and the fragment', () => {
	expect(displayUrl(new URL('https://u:p@h.example/x?q=1#f'))).toBe('https://h.example/x');
});

describe('suggestedBaseUrl', () => {
	test.each([
		['a moved API', 'https://new.example.com/v1/workflow/f/run/r/status', '/v1/workflow/f/run/r/status', 'https://new.example.com'],
		['a moved API under a prefix', 'https://new.example.com/vishwa/v1/assets/upload?temp=false', '/v1/assets/upload', 'https://new.example.com/vishwa'],
		['a login page', 'https://sso.example.com/login?next=/v1/x', '/v1/x', undefined],
		['not a URL', 'nope', '/v1/x', undefined],
	])('%s', (_name, target, requestPath, expected) => {
		expect(suggestedBaseUrl(target, requestPath)).toBe(expected);
	});
});

describe('safeTarget: the key in any spelling hides the whole target, checked before the cut', () => {
	const KEY = "Ab'Cd-SECRET-9f8e7d";
	test.each([
		['verbatim', "https://h.example/Ab'Cd-SECRET-9f8e7d"],
		['percent-encoded', 'https://h.example/Ab%27Cd-SECRET-9f8e7d'],
		['double-encoded', 'https://h.example/Ab%2527Cd-SECRET-9f8e7d'],
		['lower-cased host label', 'https://abcd-secret-9f8e7d.example/x'],
		['a piece of it', 'https://h.example/cd-SECRET'],
		['at the end of a long target', `https://h.example/${'a'.repeat(190)}Ab'Cd-SECRET-9f8e7d`],
	])('%s', (_name, target) => {
		expect(revealsKey(target, KEY)).toBe(true);
		expect(safeTarget(target, KEY)).toBe(HIDDEN_TARGET);
	});
	test('control: a target without the key is shown, a long one cut to 200 characters', () => {
		expect(safeTarget('https://h.example/v1/x', KEY)).toBe('https://h.example/v1/x');
		expect(safeTarget(`https://h.example/${'b'.repeat(300)}`, KEY)).toBe(`https://h.example/${'b'.repeat(182)}…`);
	});
});
