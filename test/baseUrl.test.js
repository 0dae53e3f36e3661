'use strict';
// The credential's base URL is normalized in two places that cannot share code: the nodes call
// normalizeBaseUrl (nodes/Vishwa/core/paths.ts), and the credential's Test button resolves the
// test request's baseURL, an n8n expression (n8n's sandbox offers no URL class and no way to call
// the package). This holds both to one table of cases, evaluating the credential's real expression
// with n8n-workflow's expression engine the way n8n-core's RoutingNode does (getParameterValue with
// $credentials), and comparing the URL each one makes n8n request (axios joins baseURL and url).
// A few cases then go through the real Test button code path (harness.testCredential).
const http = require('http');
const { Workflow } = require('n8n-workflow');
const { normalizeBaseUrl } = require('../dist/nodes/Vishwa/core/paths');
const { VishwaApi } = require('../dist/credentials/VishwaApi.credentials');
const { createHarness } = require('./harness');

const TEST_PATH = new VishwaApi().test.request.url;
const BASE_URL_EXPRESSION = new VishwaApi().test.request.baseURL;

const workflow = new Workflow({
	nodes: [{ id: 'temp', name: 'Temp-Node', type: 'test.credentialTest', typeVersion: 1, position: [0, 0], parameters: {} }],
	connections: {},
	active: false,
	nodeTypes: {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [] } }),
		getKnownTypes: () => ({}),
	},
});

/** The credential test's baseURL for this credential data, resolved by n8n's expression engine. */
function expressionBaseUrl(baseUrl) {
	const data = baseUrl === undefined ? { apiKey: 'k' } : { apiKey: 'k', baseUrl };
	return workflow.expression.getParameterValue(BASE_URL_EXPRESSION, null, 0, 0, 'Temp-Node', [], 'internal', { $credentials: data });
}

/** The URL n8n's HTTP client requests for a base URL (axios' combineURLs, then WHATWG URL), or 'refused'. */
function requested(base) {
	const joined = `${String(base).replace(/\/?\/$/, '')}/${TEST_PATH.replace(/^\/+/, '')}`;
	return URL.canParse(joined) ? new URL(joined).href : 'refused';
}
function viaNodes(raw) {
	let base;
	try {
		base = normalizeBaseUrl(raw);
	} catch {
		return 'refused';
	}
	return requested(base);
}
const viaTestButton = (raw) => requested(expressionBaseUrl(raw));
const at = (origin) => `${origin}${TEST_PATH}`;

// [what the user typed, the URL both must request ('refused': the nodes refuse it, the Test button fails)]
const TABLE = [
	// default and empty
	[undefined, at('https://api.vishwa.ai')],
	['', at('https://api.vishwa.ai')],
	['   ', at('https://api.vishwa.ai')],
	['https://api.vishwa.ai', at('https://api.vishwa.ai')],
	// trailing slashes
	['https://api.vishwa.ai/', at('https://api.vishwa.ai')],
	['https://api.vishwa.ai///', at('https://api.vishwa.ai')],
	// path prefix
	['https://gw.example.com/vishwa', at('https://gw.example.com/vishwa')],
	['https://gw.example.com/vishwa/', at('https://gw.example.com/vishwa')],
	['https://gw.example.com/a/b/c//', at('https://gw.example.com/a/b/c')],
	['https://gw.example.com/with space', at('https://gw.example.com/with%20space')],
	// pasted /v1
	['https://api.vishwa.ai/v1', at('https://api.vishwa.ai')],
	['https://api.vishwa.ai/v1/', at('https://api.vishwa.ai')],
	['https://api.vishwa.ai/V1', at('https://api.vishwa.ai')],
	['https://gw.example.com/vishwa/v1/', at('https://gw.example.com/vishwa')],
	['https://gw.example.com/v10', at('https://gw.example.com/v10')],
	['https://gw.example.com/xv1', at('https://gw.example.com/xv1')],
	// missing scheme
	['api.vishwa.ai', at('https://api.vishwa.ai')],
	['api.vishwa.ai/v1/', at('https://api.vishwa.ai')],
	['localhost:5678/vishwa', at('https://localhost:5678/vishwa')],
	['127.0.0.1:8080', at('https://127.0.0.1:8080')],
	// spaces
	['  https://api.vishwa.ai/  ', at('https://api.vishwa.ai')],
	['\thttp://127.0.0.1:8080\n', at('http://127.0.0.1:8080')],
	['https://exa mple.com', 'refused'],
	// http and https, any case
	['http://127.0.0.1:8080/vishwa/', at('http://127.0.0.1:8080/vishwa')],
	['HTTP://Example.COM/Prefix', at('http://example.com/Prefix')],
	['HTTPS://API.VISHWA.AI', at('https://api.vishwa.ai')],
	['ftp://files.example.com', 'refused'],
	['file:///etc/passwd', 'refused'],
	['ws://example.com', 'refused'],
	// ports
	['https://api.vishwa.ai:443', at('https://api.vishwa.ai')],
	['http://example.com:80/', at('http://example.com')],
	['https://example.com:8443/vishwa', at('https://example.com:8443/vishwa')],
	['http://[::1]:8080', at('http://[::1]:8080')],
	['https://example.com:99999', 'refused'],
	['https://example.com:', at('https://example.com')],
	// query and fragment
	['https://api.vishwa.ai/?x=1', 'refused'],
	['https://api.vishwa.ai?x=1', 'refused'],
	['https://api.vishwa.ai/#frag', 'refused'],
	['https://api.vishwa.ai/?', 'refused'],
	['https://api.vishwa.ai#', 'refused'],
	['api.vishwa.ai/v1?temp=true', 'refused'],
	// no host, user info
	['http://', 'refused'],
	['https://', 'refused'],
	['https://user:secret@api.vishwa.ai', at('https://api.vishwa.ai')],
];

describe('one table for the nodes and the credential Test button', () => {
	test.each(TABLE)('%p -> %p', (raw, expected) => {
		expect({ nodes: viaNodes(raw), testButton: viaTestButton(raw) }).toEqual({ nodes: expected, testButton: expected });
	});

	test('and they agree on base URLs built at random from the same pieces', () => {
		// Seeded, so a failure names a reproducible input.
		let seed = 16;
		const random = (n) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		const pick = (list) => list[random(list.length)];
		const schemes = ['', 'http://', 'https://', 'HTTPS://', 'Http://', 'ftp://', 'https:///'];
		const hosts = ['api.vishwa.ai', 'localhost', '127.0.0.1', '[::1]', 'Example.COM', 'user@host.test', 'bad host', ''];
		const ports = ['', ':80', ':443', ':8080', ':0', ':65536', ':'];
		const paths = ['', '/', '//', '/vishwa', '/vishwa/', '/v1', '/V1/', '/vishwa/v1', '/a b', '/v10', '/%7Ex'];
		const tails = ['', '', '', '?', '?a=1', '#', '#x', '/?a'];
		const pads = ['', '', ' ', '\t', '  \n'];
		const disagreements = [];
		for (let i = 0; i < 2000; i++) {
			const raw = pick(pads) + pick(schemes) + pick(hosts) + pick(ports) + pick(paths) + pick(tails) + pick(pads);
			const nodes = viaNodes(raw);
			const testButton = viaTestButton(raw);
			if (nodes !== testButton) disagreements.push({ raw, nodes, testButton });
		}
		expect(disagreements).toEqual([]);
	});
});

describe('through the Test button (n8n-core RoutingNode, real sockets)', () => {
	const harness = createHarness();
	let server;
	let seen;
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seen.push(req.url);
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end('{"detail":"Flow not found"}');
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterAll(() => new Promise((resolve) => server.close(resolve)));
	beforeEach(() => {
		seen = [];
	});

	test.each([
		['a path prefix with a pasted /v1 and spaces', (origin) => `  ${origin}/vishwa/V1// `, `/vishwa${TEST_PATH}`],
		['upper-case scheme and user info', (origin) => `HTTP://someone@${origin.slice('http://'.length)}/`, TEST_PATH],
	])('%s reaches the path the nodes use', async (_name, decorate, path) => {
		const origin = `http://127.0.0.1:${server.address().port}`;
		const result = await harness.testCredential({ apiKey: 'k', baseUrl: decorate(origin) });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(seen).toEqual([path]);
		expect(viaNodes(decorate(origin))).toBe(`${origin}${path}`);
	});

	test.each([
		['a query string', (origin) => `${origin}/?x=1`],
		['a fragment', (origin) => `${origin}#top`],
		['another scheme', (origin) => origin.replace(/^http:/, 'ftp:')],
	])('a base URL with %s fails the test without any request, as the nodes refuse it', async (_name, decorate) => {
		const origin = `http://127.0.0.1:${server.address().port}`;
		const result = await harness.testCredential({ apiKey: 'k', baseUrl: decorate(origin) });
		expect(result).toEqual({ status: 'Error', message: 'Invalid URL' });
		expect(seen).toEqual([]);
		expect(viaNodes(decorate(origin))).toBe('refused');
	});
});
