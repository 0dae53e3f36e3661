import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus.operation';

export { getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get the status of a run',
				action: 'Get the status of a run',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
];
