import type {
	IAuthenticateGeneric,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export const DEFAULT_VISHWA_BASE_URL = 'https://api.vishwa.ai';

/**
 * Credential for the Vishwa REST API: an API key sent as the `XP-API-Key` header, and the base URL
 * (public API by default; self-hosted or staging installations use their own host or path prefix).
 *
 * The "Test" button is implemented by the Vishwa nodes (`testedBy: 'vishwaApiCredentialTest'`,
 * see nodes/Vishwa/transport/credentialTest.ts) rather than by a declarative `test` request here:
 * Vishwa has no "who am I" endpoint, so the test asks for the status of a run of a flow that does not
 * exist and has to read a 404 as "key accepted" and a 401/403 as "key refused", and must say plainly
 * when the base URL cannot be reached. A declarative test treats every non-2xx answer as a failure
 * and reports a bare error code for an unreachable host.
 */
export class VishwaApi implements ICredentialType {
	name = 'vishwaApi';

	displayName = 'Vishwa API';

	icon: Icon = { light: 'file:../nodes/Vishwa/vishwa.svg', dark: 'file:../nodes/Vishwa/vishwa.dark.svg' };

	documentationUrl = 'https://github.com/vishwa-ai/n8n-nodes-vishwa#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Vishwa API key (sent as the XP-API-Key header). Find it in Vishwa under the flow\'s Integrate panel.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_VISHWA_BASE_URL,
			placeholder: DEFAULT_VISHWA_BASE_URL,
			description:
				'Root of the Vishwa API, without /v1. Change it only for a self-hosted or staging Vishwa (a path prefix such as https://example.com/vishwa works).',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'XP-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};
}
