import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { MultipartFile } from '../../core/multipart';
import { apiPaths } from '../../core/paths';
import {
	describeUpload,
	missingBinaryPropertyError,
	parseBinaryPropertyNames,
	parseTemporary,
	uploadTimeoutMs,
} from '../../core/upload';
import { DEFAULT_REQUEST_TIMEOUT_MS, vishwaApiRequest, type VishwaConnection } from '../../transport';
import { streamedMultipart } from '../../transport/multipart';
import { commonOptions } from '../common';
import { toJsonObject } from '../run/getStatus.operation';

const show = { resource: ['asset'], operation: ['upload'] };

/** Vishwa's multipart field for the files. */
const FILES_FIELD = 'files';

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
 * Uploads the item's listed binary properties in one multipart request and returns Vishwa's
 * answer whole. Files kept outside the item (n8n's filesystem, S3 or database binary modes) are
 * streamed from storage, never read whole; files kept in the item (the default in-memory mode)
 * are already in memory and are sent from there.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: VishwaConnection,
): Promise<INodeExecutionData> {
	const names = parseBinaryPropertyNames(this.getNodeParameter('binaryProperties', itemIndex));
	const temp = parseTemporary(this.getNodeParameter('temp', itemIndex, false));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const item = this.getInputData()[itemIndex];
	const binaries = item.binary ?? {};

	const files: MultipartFile[] = [];
	for (const name of names) {
		const binary = binaries[name];
		if (!binary) throw missingBinaryPropertyError(name, Object.keys(binaries));
		files.push(await fileFromBinary(this, itemIndex, name, binary));
	}

	const multipart = streamedMultipart(files);
	const fileNames = files.map((file) => file.fileName);
	const answerTimeoutMs = Number(options.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS);
	const answer = await vishwaApiRequest(this, connection, {
		method: 'POST',
		path: apiPaths.upload(),
		qs: { temp: temp ? 'true' : 'false' },
		headers: { 'Content-Type': multipart.contentType },
		body: multipart.body,
		followRedirects: false,
		idempotency: 'unsafe',
		timeoutMs: uploadTimeoutMs(answerTimeoutMs, multipart.size),
		itemIndex,
		action: describeUpload(fileNames),
		lostAnswerHint:
			'Vishwa may have stored the files already: check before uploading them again.',
	});

	const output: INodeExecutionData = { json: toJsonObject(answer, 'response') };
	if (options.keepBinary === true && item.binary) output.binary = item.binary;
	return output;
}

async function fileFromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
): Promise<MultipartFile> {
	const origin = `binary property "${property}"`;
	const fallbackName = `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;

	if (binary.id) {
		// Stored outside the item: stream it, and take the exact size from the store's metadata.
		const id = binary.id;
		const metadata = await ctx.helpers.getBinaryMetadata(id);
		let size = Number(metadata?.fileSize);
		if (!Number.isSafeInteger(size) || size < 0) size = await countBytes(await ctx.helpers.getBinaryStream(id));
		return {
			fieldName: FILES_FIELD,
			fileName: binary.fileName || metadata?.fileName || fallbackName,
			mimeType: binary.mimeType || metadata?.mimeType || 'application/octet-stream',
			size,
			open: async () => await ctx.helpers.getBinaryStream(id),
			origin,
		};
	}

	// Kept in the item (base64): the bytes are in memory already.
	const bytes: Uint8Array = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	return {
		fieldName: FILES_FIELD,
		fileName: binary.fileName || fallbackName,
		mimeType: binary.mimeType || 'application/octet-stream',
		size: bytes.length,
		open: () => [bytes],
		origin,
	};
}

/** Length of a stream, read chunk by chunk (only when the store did not record the size). */
async function countBytes(source: AsyncIterable<Uint8Array>): Promise<number> {
	let size = 0;
	for await (const chunk of source) size += chunk.length;
	return size;
}
