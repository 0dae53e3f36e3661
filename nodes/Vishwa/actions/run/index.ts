import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus.operation';
import * as start from './start.operation';
import * as waitForCompletion from './waitForCompletion.operation';

export { getStatus, start, waitForCompletion };

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
			{
				name: 'Start',
				value: 'start',
				description: 'Start a run of a flow, optionally waiting for it to finish',
				action: 'Start a run of a flow',
			},
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'Wait for an existing run to finish and get its final status',
				action: 'Wait for a run to finish',
			},
		],
		default: 'start',
	},
	...getStatus.description,
	...start.description,
	...waitForCompletion.description,
];
