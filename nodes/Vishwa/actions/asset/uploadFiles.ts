/**
 * Uploading an item's binary properties to Vishwa in one streamed multipart request, shared by
 * Asset > Upload and Run > Start's Attach Files.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { MultipartFile } from '../../core/multipart';
import { apiPaths } from '../../core/paths';
import {
	describeUpload,
	emptyBinaryPropertyError,
	missingBinaryPropertyError,
	unreadableStoredFileError,
	uploadTimeoutMs,
} from '../../core/upload';
import { DEFAULT_REQUEST_TIMEOUT_MS, vishwaApiRequest, type VishwaConnection, type VishwaRequest } from '../../transport';
import { streamedMultipart } from '../../transport/multipart';

/** Vishwa's multipart field for the files. */
const FILES_FIELD = 'files';

/**
 * The item's binary properties as multipart files, in the given order. A property the item does
 * not have is a VishwaInputError naming `field` (the parameter that listed it).
 */
export async function readItemFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: readonly string[],
	field?: string,
): Promise<MultipartFile[]> {
	const binaries = ctx.getInputData()[itemIndex].binary ?? {};
	// Every property is checked before any file is opened.
	for (const name of properties) {
		const binary = binaries[name];
		if (!binary) throw missingBinaryPropertyError(name, Object.keys(binaries), field);
		if (!binary.id && typeof binary.data !== 'string') throw emptyBinaryPropertyError(name, field);
	}
	const files: MultipartFile[] = [];
	for (const name of properties) files.push(await fileFromBinary(ctx, itemIndex, name, binaries[name], field));
	return files;
}

export interface UploadFilesRequest {
	files: MultipartFile[];
	temp: boolean;
	/** The Request Timeout option: time allowed for the answer, on top of the time to send. */
	answerTimeoutMs?: number;
	itemIndex: number;
	/** What the request does, for messages; default 'upload 2 files ("a.pdf", "b.png")'. */
	action?: string;
	/** What may have happened when the answer was lost. */
	lostAnswerHint?: string;
	/** The execution's Concurrency place, taken per attempt (see VishwaRequest.slot). */
	slot?: VishwaRequest['slot'];
	rateLimit?: VishwaRequest['rateLimit'];
}

/**
 * POST the files in one request (never repeated once it may have reached Vishwa) and return
 * Vishwa's answer as parsed JSON. Files kept outside the item (n8n's filesystem, S3 or database
 * binary modes) are streamed from storage, never read whole; files kept in the item (the default
 * in-memory mode) are already in memory and are sent from there.
 */
export async function uploadFiles(
	ctx: IExecuteFunctions,
	connection: VishwaConnection,
	request: UploadFilesRequest,
): Promise<unknown> {
	const multipart = streamedMultipart(request.files);
	const answerTimeoutMs = Number(request.answerTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
	return await vishwaApiRequest(ctx, connection, {
		method: 'POST',
		path: apiPaths.upload(),
		qs: { temp: request.temp ? 'true' : 'false' },
		headers: { 'Content-Type': multipart.contentType },
		body: multipart.body,
		followRedirects: false,
		idempotency: 'unsafe',
		timeoutMs: uploadTimeoutMs(answerTimeoutMs, multipart.size),
		itemIndex: request.itemIndex,
		action: request.action ?? describeUpload(request.files.map((file) => file.fileName)),
		lostAnswerHint:
			request.lostAnswerHint ?? 'Vishwa may have stored the files already: check before uploading them again.',
		slot: request.slot,
		rateLimit: request.rateLimit,
	});
}

async function fileFromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
	field?: string,
): Promise<MultipartFile> {
	const origin = `binary property "${property}"`;
	const fallbackName = `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;

	if (binary.id) {
		// Stored outside the item: stream it, and take the exact size from the store's metadata.
		const id = binary.id;
		let metadata: Awaited<ReturnType<typeof ctx.helpers.getBinaryMetadata>> | undefined;
		let unreadable: unknown;
		try {
			metadata = await ctx.helpers.getBinaryMetadata(id);
		} catch (error) {
			unreadable = error;
		}
		// Thrown outside the catch block: n8n's rules reserve throwing there for its own error classes.
		if (unreadable !== undefined) {
			throw unreadableStoredFileError(property, (unreadable as Error)?.message ?? String(unreadable), field);
		}
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
