import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REQUEST_TIMEOUT_MS } from '../transport';

export const DEFAULT_CONCURRENCY = 5;

/** Options every operation offers: how many items run at once and the per-request timeout. */
export const commonOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: DEFAULT_CONCURRENCY,
		description:
			'How many items are sent to Vishwa at the same time. Output order always follows input order.',
	},
	{
		displayName: 'Request Timeout (Ms)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_REQUEST_TIMEOUT_MS,
		description:
			'How long one request may take, answer included, before it fails (reads are then retried)',
	},
];

export const flowIdProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Flow ID',
	name: 'flowId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 6650c1f2a9…',
	description: "The flow's ID, as shown in Vishwa's Integrate panel",
	displayOptions: { show: { resource: ['run'], operation: operations } },
});

export const runIdProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. {{ $json.run_id }}',
	description: 'The run_id returned by Start Run',
	displayOptions: { show: { resource: ['run'], operation: operations } },
});
