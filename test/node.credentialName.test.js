'use strict';
// Messages that send the user to the credential name the one the node uses, as the user named it in
// n8n (issue 19, point 8), not a generic "Vishwa API credential". Through n8n's WorkflowExecute and a
// real PollContext, against the stand-in and a plain-HTTP server reached with https://. The name is
// the user's free text: quoted, kept on one line, cut after 60 characters, and never shown when it
// shows the API key (someone pasted the key into the name).
const http = require('http');
const { closedPort } = require('./support/faultyProxy');

const { createHarness, linearWorkflow, TYPES, PACKAGE_ROOT } = require('./harness');
const { useStandin } = require('./support/standinSuite');
const { collectText } = require('./support/secretScan');

const API_KEY = 'credential-name-key-7a6b5c';
const NAME = 'Vishwa – production (ops team)';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

/** Run > Get Status with the node's credential reference named `name`. */
async function getStatus({ name = NAME, apiKey = API_KEY, baseUrl = standin.url } = {}) {
	const workflow = linearWorkflow([
		{ name: 'Vishwa', type: TYPES.vishwa, parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: 'run_1', options: {} } },
	]);
	workflow.nodes[1].credentials = { vishwaApi: { id: 'cred-9', name } };
	return await harness.runWorkflow(workflow, { credentials: { vishwaApi: { apiKey, baseUrl } } });
}

test('a refused key names the credential', async () => {
	const result = await getStatus({ apiKey: 'wrong-key' });
	expect(result.error.message).toBe('The Vishwa API key was refused (HTTP 401)');
	expect(result.error.description).toMatch(/^Check the API key in the credential "Vishwa – production \(ops team\)", and that/);
});

test('an unreachable base URL names the credential', async () => {
	const result = await getStatus({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
	expect(result.error.message).toMatch(/^Could not reach Vishwa at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/);
	expect(result.error.description).toBe(`4 attempts made. Check the Base URL in the credential "${NAME}" and that the server is up.`);
});

test('https:// against a plain-HTTP server: the TLS hint names the credential', async () => {
	const result = await getStatus({ baseUrl: standin.url.replace(/^http:/, 'https:') });
	expect(result.error.message).toMatch(/\(TLS handshake failed\)$/);
	expect(result.error.description).toContain(`start the Base URL in the credential "${NAME}" with http://`);
});

test('an invalid base URL names the credential', async () => {
	const result = await getStatus({ baseUrl: 'ftp://files.example.com' });
	expect(result.error.description).toBe(`Fix the Base URL in the credential "${NAME}".`);
	expect(standin.state.requests).toHaveLength(0);
});

test('another name gives another message (the name is read from the node, not fixed)', async () => {
	const result = await getStatus({ name: 'staging key', apiKey: 'wrong-key' });
	expect(result.error.description).toMatch(/^Check the API key in the credential "staging key", and that/);
});

test('the trigger names its credential when the listing is not a list', async () => {
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"hello":"a proxy page, not Vishwa"}');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok' }, credentials: { vishwaApi: { id: 'cred-9', name: NAME } } },
			{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${server.address().port}` } } },
		);
		const error = await poller.poll().then(() => undefined, (caught) => caught);
		expect(error && error.message).toBe('Vishwa\'s answer to list the runs of flow "flow-ok" is not a list of runs');
		expect(error.description).toMatch(new RegExp(`Check the Base URL in the credential "${NAME.replace(/[()]/g, '\\$&')}"\\.$`));
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
});

// ---------------------------------------------------------------------------------------------
// The name as messages show it: quoted, one line, cut when very long, never when it shows the key.

const LONG_NAME = 'Vishwa API for the nightly invoice pipeline of the EMEA finance operations team (do not delete)';
const SHORTENED = 'Vishwa API for the nightly invoice pipeline of the EMEA fin…';

test('a very long name is cut to 60 characters with an ellipsis, in every message', async () => {
	expect(Array.from(SHORTENED)).toHaveLength(60);
	const refused = await getStatus({ name: LONG_NAME, apiKey: 'wrong-key' });
	expect(refused.error.description).toMatch(/^Check the API key in the credential "Vishwa API for the nightly invoice pipeline of the EMEA fin…", and that/);
	const unreachable = await getStatus({ name: LONG_NAME, baseUrl: `http://127.0.0.1:${await closedPort()}` });
	expect(unreachable.error.description).toBe(`4 attempts made. Check the Base URL in the credential "${SHORTENED}" and that the server is up.`);
	const invalid = await getStatus({ name: LONG_NAME, baseUrl: 'ftp://files.example.com' });
	expect(invalid.error.description).toBe(`Fix the Base URL in the credential "${SHORTENED}".`);
	// 60 characters exactly: shown whole.
	const sixty = 'x'.repeat(50) + ' (staging)';
	expect((await getStatus({ name: sixty, apiKey: 'wrong-key' })).error.description).toContain(`the credential "${sixty}", and`);
});

test('a name over several lines is shown on one line', async () => {
	const result = await getStatus({ name: '  Vishwa\n\tproduction\r\n ', apiKey: 'wrong-key' });
	expect(result.error.description).toMatch(/^Check the API key in the credential "Vishwa production", and that/);
	const blank = await getStatus({ name: ' \n ', apiKey: 'wrong-key' });
	expect(blank.error.description).toMatch(/^Check the API key in the Vishwa API credential, and that/);
});

describe('a name that shows the API key is not shown', () => {
	const KEY = 'vk_live_9f3c2a71e4b84d06';
	// n8n itself copies the node, with its credential reference (id and the user's name for it), into
	// every error it builds (error.node): that name is workflow data n8n stores and shows anyway, not
	// text of this package. So the suite-wide scan cannot judge this key here; each test below checks
	// everything of the error but that copy instead (noKeyOutsideNode).
	afterAll(() => global.__vishwaSecretScan && global.__vishwaSecretScan.keys.delete(KEY));
	// Any 8 letters/digits in a row of the key, in any case, whatever punctuation is between them.
	const letterDigits = (text) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
	const showsKeyPiece = (text) => {
		const key = letterDigits(KEY);
		const haystack = letterDigits(text);
		for (let i = 0; i + 8 <= key.length; i++) if (haystack.includes(key.slice(i, i + 8))) return true;
		return false;
	};
	const noKeyOutsideNode = (error, name) => {
		const text = collectText({ ...error, node: undefined, message: error.message, description: error.description, stack: error.stack });
		expect(text).toMatch(/Vishwa/); // the message is there to be judged
		expect(showsKeyPiece(text)).toBe(false);
		// Control: n8n's copy holds the name, and the check above would catch it.
		expect(collectText(error.node)).toContain(name);
		expect(showsKeyPiece(name)).toBe(true);
	};
	const named = [
		['the key itself', KEY],
		['the key inside a longer name', `Vishwa (${KEY})`],
		['a piece of the key, other case and punctuation', 'prod 9F3C-2A71-E4B8'],
		['the key at the end of a name longer than 60 characters', `${'Vishwa production credential for the pipeline '.repeat(2)}${KEY}`],
	];
	test.each(named)('%s: refused key, unreachable, TLS, invalid base URL', async (_what, name) => {
		const generic = 'the Vishwa API credential';
		const refused = await getStatus({ name, apiKey: KEY });
		// The stand-in refuses this key (its own is API_KEY): the 401 message, without the name.
		expect(refused.error.description).toMatch(new RegExp(`^Check the API key in ${generic}, and that`));
		const unreachable = await getStatus({ name, apiKey: KEY, baseUrl: `http://127.0.0.1:${await closedPort()}` });
		expect(unreachable.error.description).toBe(`4 attempts made. Check the Base URL in ${generic} and that the server is up.`);
		const tls = await getStatus({ name, apiKey: KEY, baseUrl: standin.url.replace(/^http:/, 'https:') });
		expect(tls.error.description).toContain(`start the Base URL in ${generic} with http://`);
		const invalid = await getStatus({ name, apiKey: KEY, baseUrl: 'ftp://files.example.com' });
		expect(invalid.error.description).toBe(`Fix the Base URL in ${generic}.`);
		for (const result of [refused, unreachable, tls, invalid]) noKeyOutsideNode(result.error, name);
	});

	test('the trigger\'s listing error too', async () => {
		const server = http.createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"hello":"a proxy page, not Vishwa"}');
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const poller = await harness.createPoller(
				{ type: TYPES.vishwaTrigger, parameters: { flowId: 'flow-ok' }, credentials: { vishwaApi: { id: 'cred-9', name: `key ${KEY}` } } },
				{ credentials: { vishwaApi: { apiKey: KEY, baseUrl: `http://127.0.0.1:${server.address().port}` } } },
			);
			const error = await poller.poll().then(() => undefined, (caught) => caught);
			expect(error.description).toMatch(/Check the Base URL in the Vishwa API credential\.$/);
			noKeyOutsideNode(error, `key ${KEY}`);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	test('a name sharing no 8 characters in a row with the key is shown', async () => {
		// Letters and digits compared, punctuation and case ignored: "vk9f3cprod" holds no 8 in a row of the key.
		const result = await getStatus({ name: 'VK 9f3c (prod)', apiKey: KEY });
		expect(result.error.description).toMatch(/^Check the API key in the credential "VK 9f3c \(prod\)", and that/);
	});
});

test('invisible characters in the name (a right-to-left override, zero-width ones) do not reach the message', async () => {
	// U+202E would show the rest of the message reversed in the browser.
	const result = await getStatus({ apiKey: 'wrong-key', name: '\u202Eevil\u200B \u2066prod\u2069\uFEFF' });
	expect(result.error.description).toMatch(/^Check the API key in the credential "evil prod", and that/);
	expect(result.error.description).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/);
});

describe('credentialNameForMessages (pure)', () => {
	const { credentialNameForMessages, MAX_CREDENTIAL_NAME_LENGTH } = require(`${PACKAGE_ROOT}/dist/nodes/Vishwa/core/credentialName.js`);
	test('cuts by characters, never inside an emoji', () => {
		const name = `${'a'.repeat(58)}😀😀😀`;
		const shown = credentialNameForMessages(name, 'some-api-key-123');
		expect(Array.from(shown)).toHaveLength(MAX_CREDENTIAL_NAME_LENGTH);
		expect(shown).toBe(`${'a'.repeat(58)}😀…`);
	});
	test('format characters (category Cf) and other invisible ones are removed, visible text kept', () => {
		const key = 'some-api-key-123';
		const invisible = [
			'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', // bidi
			'\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\u2060', '\uFEFF', '\u00AD', '\u061C', // zero-width, marks
			'\u{E0041}', '\uD800', '\u3164', '\u115F', // a tag character, a lone surrogate, Hangul fillers
		];
		for (const char of invisible) expect([char, credentialNameForMessages(`pr${char}od`, key)]).toEqual([char, 'prod']);
		expect(credentialNameForMessages('\u202E\u200B\uFEFF', key)).toBeUndefined(); // nothing visible left
		expect(credentialNameForMessages('Équipe 東京 – prod 😀', key)).toBe('Équipe 東京 – prod 😀');
		// The key split by zero-width spaces is still the key.
		expect(credentialNameForMessages('some\u200B-api-key\u200D-123', key)).toBeUndefined();
	});
	test('not a string, empty, or only control characters: none', () => {
		for (const name of [undefined, null, 42, '', ' ', '\u0000\u001b\u2028']) expect(credentialNameForMessages(name, 'some-api-key-123')).toBeUndefined();
	});
	test('the key is looked for in the whole name before cutting', () => {
		expect(credentialNameForMessages(`${'n'.repeat(80)} some-api-key-123`, 'some-api-key-123')).toBeUndefined();
		expect(credentialNameForMessages(`${'n'.repeat(80)} something else`, 'some-api-key-123')).toMatch(/^n{59}…$/);
	});
});
