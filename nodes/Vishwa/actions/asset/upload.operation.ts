import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { namesStoredFiles } from '../../core/attachments';
import { summarizeBody } from '../../core/responses';

import { parseBinaryPropertyNames, parseTemporary } from '../../core/upload';
import { type VishwaConnection } from '../../transport';
import { refuseFilesInAgentTool } from '../agentTool';
import { commonOptions, readCommonOptions } from '../common';
import { setErrorItemJson } from '../errorItem';
import { toJsonObject } from '../run/getStatus.operation';
import { notSentAgain, outcomeUnknown, triesMemory } from '../tries';
import { readItemFiles, uploadFiles } from './uploadFiles';

const show = { resource: ['asset'], operation: ['upload'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Binary Properties',
		name: 'binaryProperties',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data, attachment',
		hint: 'The names of the input binary fields holding the files, separated by commas',
		description:
			'All the listed files of an item are sent together in one upload request, each with its file name and MIME type',
		displayOptions: { show },
	},
	{
		displayName: 'Temporary',
		name: 'temp',
		type: 'boolean',
		default: false,
		description:
			'Whether Vishwa should keep the files only briefly, e.g. for a run started right after the upload (sent as temp=true or temp=false)',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			...commonOptions.map((option) =>
				option.name === 'timeout'
					? {
							...option,
							description:
								"How long to wait for Vishwa's answer. Time to send the files is added on top (at least 256 KiB/s is assumed).",
						}
					: option,
			),
			{
				displayName: 'Keep Binary Data',
				name: 'keepBinary',
				type: 'boolean',
				default: false,
				description:
					"Whether to pass the item's binary data through to the output, to use the files again after the upload. Off keeps the output small.",
			},
		],
	},
];

/**
 * Uploads the item's listed binary properties in one multipart request (streamed, see
 * uploadFiles) and returns Vishwa's answer whole.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: VishwaConnection,
): Promise<INodeExecutionData> {
	refuseFilesInAgentTool(this, 'Asset > Upload', itemIndex);
	const names = parseBinaryPropertyNames(this.getNodeParameter('binaryProperties', itemIndex));
	const temp = parseTemporary(this.getNodeParameter('temp', itemIndex, false));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { timeoutMs } = readCommonOptions(this, itemIndex);
	const item = this.getInputData()[itemIndex];

	// Retry On Fail runs the node again, whole: an item an earlier try uploaded is not uploaded
	// twice, nor one whose upload may have been stored (answer lost, 5xx, unreadable answer).
	const earlier = triesMemory<EarlierUpload>(this, 'upload');
	const before = earlier?.get(itemIndex);
	if (before?.kind === 'outcomeUnknown') throw notSentAgain(before.error, 'the files are not stored twice');
	let answer = before?.answer;
	if (!before) {
		const files = await readItemFiles(this, itemIndex, names);
		let failure: unknown;
		try {
			answer = await uploadFiles(this, connection, { files, temp, answerTimeoutMs: timeoutMs, itemIndex });
		} catch (error) {
			failure = error;
		}
		if (failure !== undefined) {
			if (outcomeUnknown(failure)) earlier?.set(itemIndex, { kind: 'outcomeUnknown', error: failure as Error });
			throw failure;
		}
		earlier?.set(itemIndex, { kind: 'uploaded', answer });
	}

	const json = toJsonObject(answer, 'response');
	// Checked after the answer is remembered: a retry reports the same error and uploads nothing again.
	if (!namesStoredFiles(answer)) {
		const error = new NodeOperationError(
			this.getNode(),
			"Vishwa's answer to the upload names no stored file (no files list, file ID or URL)",
			{
				description: `The files may be stored in Vishwa anyway; check there before uploading them again. Vishwa answered ${summarizeBody(answer)}.`,
				itemIndex,
			},
		);
		throw setErrorItemJson(error, json);
	}
	const output: INodeExecutionData = { json };
	if (options.keepBinary === true && item.binary) output.binary = item.binary;
	return output;
}

/** What an earlier try of this node execution did for an item (see ../tries.ts). */
type EarlierUpload = { kind: 'uploaded'; answer: unknown } | { kind: 'outcomeUnknown'; error: Error; answer?: undefined };
