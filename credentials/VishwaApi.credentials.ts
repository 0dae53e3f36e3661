import type {
	IAuthenticate,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export const DEFAULT_VISHWA_BASE_URL = 'https://api.vishwa.ai';

const BASE_URL_EXPRESSION =
	'={{ (url => (parts => parts' +
	' ? parts[1].toLowerCase() + "://" + parts[2].replace(/^.*@/, "") + parts[3].replace(/\\/+$/, "").replace(/\\/v1$/i, "")' +
	' : "invalid Base URL")(/^(https?):\\/\\/+([^\\/?#]+)([^?#]*)$/i.exec(url)))' +
	'((raw => /^[a-z][a-z0-9+.-]*:\\/\\//i.test(raw) ? raw : "https://" + raw)' +
	'((typeof $credentials.baseUrl === "string" ? $credentials.baseUrl.trim() : "") || "' +
	DEFAULT_VISHWA_BASE_URL +
	'")) }}';

/**
 * Credential for the Vishwa REST API: an API key sent as the `XP-API-Key` header, and the base URL
 * (public API by default; self-hosted or staging installations use their own host or path prefix).
 *
 * The "Test" button asks for the status of a run of a flow that cannot exist
 * (GET /v1/workflow/n8n-credential-test/run/n8n-credential-test/status). Vishwa has no "who am I"
 * endpoint, and this request needs no flow id from the user and changes nothing. An accepted key is
 * answered 404 (unknown flow), a refused key 401 or 403: so every status except 401/403 counts as
 * success, and those two get a message naming the refused key. An unreachable host fails the request
 * itself and n8n reports the connection error (ECONNREFUSED, ENOTFOUND, ...). A redirect is not
 * followed (n8n's client would send the custom XP-API-Key header along to any host) and fails the test
 * with a message saying to put the final address in the Base URL.
 *
 * It is declarative on purpose: a function-based test (a node's `methods.credentialTest`) only gets
 * n8n's deprecated `helpers.request`, which n8n's community package scanner rejects.
 */
export class VishwaApi implements ICredentialType {
	name = 'vishwaApi';

	displayName = 'Vishwa API';

	// Beside the credential (gulp copies it into dist/credentials/): the same mark as the nodes' icon.
	icon: Icon = { light: 'file:vishwa.svg', dark: 'file:vishwa.dark.svg' };

	documentationUrl = 'https://github.com/vishwa-ai/n8n-nodes-vishwa#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			// Where Vishwa shows the key is not a published fact (docs/api.md has none): hedged like the README.
			description:
				"Your Vishwa API key (sent as the XP-API-Key header). Vishwa's quick-start points to a flow's Integrate panel for it; if yours does not show the key, ask whoever administers your Vishwa workspace.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_VISHWA_BASE_URL,
			placeholder: DEFAULT_VISHWA_BASE_URL,
			// n8n's credential test reports a network failure as its bare code (EPROTO, ECONNREFUSED): a
			// declarative test cannot word it (rules match HTTP statuses only), so the field says it up front.
			hint: 'A server without TLS (plain HTTP, e.g. a local Vishwa) needs http:// written out, e.g. http://127.0.0.1:5680. Without a scheme, https:// is used.',
			description:
				'Root of the Vishwa API, without /v1. Change it only for a self-hosted or staging Vishwa (a path prefix such as https://example.com/vishwa works).',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			// The base URL as the nodes normalize it (normalizeBaseUrl in nodes/Vishwa/core/paths.ts). The
			// test request is an n8n expression: it cannot call the package's code, and n8n's expression
			// sandbox has no URL class, so the same steps are written again with string functions, and
			// test/baseUrl.test.js holds both to one table of cases through n8n's expression engine:
			// trimmed, https://api.vishwa.ai when empty, https:// when there is no scheme, only http(s),
			// no query or fragment, no user info, no trailing slash, a pasted /v1 dropped. A base URL the
			// nodes refuse becomes text that is no URL, which the Test button reports as "Invalid URL".
			baseURL: BASE_URL_EXPRESSION,
			url: '/v1/workflow/n8n-credential-test/run/n8n-credential-test/status',
			method: 'GET',
			// 404 for the made-up run means the key was accepted: only 401 and 403 fail the test, and
			// redirects (never followed: n8n would carry XP-API-Key to wherever they point).
			ignoreHttpStatusErrors: { ignore: true, except: [301, 302, 303, 307, 308, 401, 403] },
			disableFollowRedirect: true,
		},
		rules: [
			...[301, 302, 303, 307, 308].map((code) => ({
				type: 'responseCode' as const,
				properties: {
					value: code,
					message: `The Base URL answered with a redirect (HTTP ${code}), which is not followed: the API key goes only to the Base URL. Put the address Vishwa answers on (where the redirect leads) in the Base URL.`,
				},
			})),
			{
				type: 'responseCode',
				properties: { value: 401, message: 'The API key was refused (HTTP 401). Check the key.' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'The API key was refused (HTTP 403). Check the key and its workspace.' },
			},
		],
	};

	/**
	 * Adds the key as the XP-API-Key header of every request n8n sends for this credential (the nodes'
	 * httpRequestWithAuthentication, the HTTP Request node's predefined credential type). A function,
	 * which n8n calls as it is (CredentialsHelper.authenticate), rather than a generic block: n8n
	 * evaluates a generic block's '={{$credentials.apiKey}}' as an expression for every request, which
	 * builds a whole expression context and was the largest part of the node's own CPU per start-run
	 * (issue 15). n8n sends the editor `{}` for a function (DirectoryLoader's toJSON), as for its own
	 * credentials of this kind.
	 */
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const apiKey = String(credentials.apiKey ?? '');
		// n8n's HTTP client would drop the characters outside Latin-1 and send a different key (the
		// same rule as nodes/Vishwa/core/apiKey.ts, which the nodes check before any request; this
		// one is for the Test button and the HTTP Request node). The message never shows the key.
		if (/[^\t\x20-\x7e\x80-\xff]/.test(apiKey)) {
			throw new Error(
				'The API key holds characters that cannot be sent in an HTTP header (only Latin-1 characters can: letters, digits, punctuation, no line breaks). Copy the key again from Vishwa and paste it alone.',
			);
		}
		requestOptions.headers = { ...requestOptions.headers, 'XP-API-Key': apiKey };
		return requestOptions;
	};
}
