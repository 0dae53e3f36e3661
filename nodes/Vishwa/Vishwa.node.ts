import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { versionDescription } from './actions/node.description';
import { router } from './actions/router';
import { vishwaApiCredentialTest } from './transport/credentialTest';

export class Vishwa implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = {
		credentialTest: { vishwaApiCredentialTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
