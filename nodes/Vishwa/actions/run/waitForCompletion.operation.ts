import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type VishwaConnection } from '../../transport';
import { commonOptions, flowIdProperties, readId, runIdProperties } from '../common';
import { readWaitSettings, waitForRun, waitProperties } from './waitForRun';

const show = { resource: ['run'], operation: ['waitForCompletion'] };

export const description: INodeProperties[] = [
	...flowIdProperties(['waitForCompletion']),
	...runIdProperties(
		['waitForCompletion'],
		'The ID of a run started anywhere: by Start Run, another workflow, a webhook or Vishwa itself',
	),
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
	const flowId = readId(this, 'flowId', itemIndex);
	const runId = readId(this, 'runId', itemIndex);
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
