import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as asset from './actions/asset';
import { hideInAgentTool } from './actions/agentTool';
import { searchFlows, searchRuns } from './methods/listSearch';
import { router } from './actions/router';
import * as run from './actions/run';

export class Vishwa implements INodeType {
	// Written out here rather than imported: n8n's lint and scanner read the description from the
	// node class itself (icon, subtitle, usableAsTool, file name).
	description: INodeTypeDescription = {
		displayName: 'Vishwa',
		name: 'vishwa',
		icon: { light: 'file:vishwa.svg', dark: 'file:vishwa.dark.svg' },
		group: ['transform'],
		// 1.1: Flow ID and Run ID are resource locators (pick from a list). Version 1 workflows keep
		// their text fields and run unchanged.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Upload assets and start and monitor vishwa.ai flow runs',
		defaults: { name: 'Vishwa' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vishwaApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					// Hidden in the agent tool variant: an agent cannot hand over files.
					{ name: 'Asset', value: 'asset', displayOptions: hideInAgentTool },
					{ name: 'Run', value: 'run' },
				],
				default: 'run',
			},
			...asset.description,
			...run.description,
		],
	};

	methods = {
		listSearch: { searchFlows, searchRuns },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
