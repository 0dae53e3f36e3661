import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type VishwaConnection } from '../../transport';
import type { Batch } from '../batch';
import { commonOptions, flowIdProperties, readCommonOptions, readId, runIdProperties, waitBusyNotice } from '../common';
import { readWaitSettings, waitProperties } from './waitForRun';

const show = { resource: ['run'], operation: ['waitForCompletion'] };

export const description: INodeProperties[] = [
	...flowIdProperties(['waitForCompletion'], { afterRun: true }),
	...runIdProperties(
		['waitForCompletion'],
		'The ID of a run started anywhere: by Start Run, another workflow, a webhook or Vishwa itself',
	),
	waitBusyNotice(show),
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

/**
 * Waits for an existing run exactly as Start Run's wait does (with the execution's other runs, at
 * once) and returns its final status.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	_connection: VishwaConnection,
	batch: Batch,
): Promise<INodeExecutionData> {
	const flowId = readId(this, 'flowId', itemIndex);
	const runId = readId(this, 'runId', itemIndex);
	const settings = readWaitSettings(this, itemIndex);
	const { timeoutMs } = readCommonOptions(this, itemIndex);
	const final = await batch.runWaiter().wait({
		flowId,
		runId,
		itemIndex,
		settings,
		timeoutMs,
		// The run may have finished long ago: look right away.
		pollImmediately: true,
	});
	return { json: final };
}
