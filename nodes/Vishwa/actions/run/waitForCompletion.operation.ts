import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type VishwaConnection } from '../../transport';
import { commonOptions, flowIdProperty, runIdProperty } from '../common';
import { readWaitSettings, waitForRun, waitProperties } from './waitForRun';

const show = { resource: ['run'], operation: ['waitForCompletion'] };

export const description: INodeProperties[] = [
	flowIdProperty(['waitForCompletion']),
	{
		...runIdProperty(['waitForCompletion']),
		description:
			'The ID of a run started anywhere: by Start Run, another workflow, a webhook or Vishwa itself',
	},
	...waitProperties(show),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [...commonOptions],
	},
];

/** Waits for an existing run exactly as Start Run's wait does and returns its final status. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: VishwaConnection,
): Promise<INodeExecutionData> {
	const flowId = this.getNodeParameter('flowId', itemIndex) as string;
	const runId = this.getNodeParameter('runId', itemIndex) as string;
	const settings = readWaitSettings(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const final = await waitForRun(this, connection, {
		flowId,
		runId,
		itemIndex,
		settings,
		timeoutMs: options.timeout as number | undefined,
		// The run may have finished long ago: look right away.
		pollImmediately: true,
	});
	return { json: final };
}
