import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiPaths } from '../../core/paths';
import { vishwaApiRequest, type VishwaConnection } from '../../transport';
import { commonOptions, flowIdProperties, readCommonOptions, readId, runIdProperties } from '../common';

const show = { resource: ['run'], operation: ['getStatus'] };

export const description: INodeProperties[] = [
	...flowIdProperties(['getStatus'], { afterRun: true }),
	...runIdProperties(['getStatus']),
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

/** GET the run's status; the server's fields are returned untouched. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: VishwaConnection,
): Promise<INodeExecutionData> {
	const flowId = readId(this, 'flowId', itemIndex);
	const runId = readId(this, 'runId', itemIndex);
	const { timeoutMs } = readCommonOptions(this, itemIndex);
	const body = await vishwaApiRequest(this, connection, {
		method: 'GET',
		path: apiPaths.runStatus(flowId, runId),
		idempotency: 'safe',
		timeoutMs,
		itemIndex,
		action: `get the status of run "${String(runId).trim()}"`,
		notFoundMessage: `Run "${String(runId).trim()}" of flow "${String(flowId).trim()}" was not found`,
	});
	return { json: toJsonObject(body, 'status') };
}

/** Items must be objects; anything else Vishwa answers is wrapped rather than lost. */
export function toJsonObject(body: unknown, key: string): IDataObject {
	if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as IDataObject;
	return { [key]: body as IDataObject[keyof IDataObject] };
}
