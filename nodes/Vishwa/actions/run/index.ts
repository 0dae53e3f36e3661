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
				description:
					"Get a run's current status (run_status) and, once it has finished, its outputs or its error",
				action: 'Get the status and result of a flow run',
			},
			{
				name: 'Start',
				value: 'start',
				description:
					'Start a run of a flow with the given inputs, optionally waiting for it to finish to return its outputs',
				action: 'Start a flow run and optionally wait for its result',
			},
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'Wait for an existing run to finish and get its final status and outputs',
				action: 'Wait for a flow run to finish and get its result',
			},
		],
		default: 'start',
	},
	...getStatus.description,
	...start.description,
	...waitForCompletion.description,
];
