import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import * as asset from './asset';
import * as run from './run';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Vishwa',
	name: 'vishwa',
	icon: { light: 'file:vishwa.svg', dark: 'file:vishwa.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
	description: 'Upload assets and start and monitor vishwa.ai flow runs',
	defaults: { name: 'Vishwa' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'vishwaApi', required: true, testedBy: 'vishwaApiCredentialTest' }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Asset', value: 'asset' },
				{ name: 'Run', value: 'run' },
			],
			default: 'run',
		},
		...asset.description,
		...run.description,
	],
};
