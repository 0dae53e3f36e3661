/**
 * Streams a multipart/form-data body through n8n's HTTP helpers without importing 'stream' or
 * 'form-data' (community nodes may import only n8n-workflow).
 *
 * How: n8n's httpRequest* helpers hand a non-empty object body to axios as `data` (n8n 1.x
 * n8n-core `convertN8nRequestToAxios`, n8n 2.x @n8n/backend-network, both on axios 1.x). axios
 * passes through anything whose `Object.prototype.toString` tag is "Blob", and its Node http
 * adapter sends such a blob as `Readable.from(blob.stream())` with Content-Type `blob.type` and
 * Content-Length `blob.size`. So a blob-shaped object whose `stream()` is an async generator of
 * byte chunks is read lazily, chunk by chunk, with socket back-pressure, and never held whole.
 *
 * The transport never lets n8n follow redirects, and never re-sends an upload to a redirect target:
 * axios follows redirects through follow-redirects, which keeps a copy of every byte written so it
 * can replay the body after a redirect, so the whole upload would pile up in memory.
 */
import { randomString, type IHttpRequestOptions } from 'n8n-workflow';

import { multipartBody, type MultipartFile } from '../core/multipart';

export interface StreamedMultipart {
	/** `multipart/form-data; boundary=…`, also set as the request's Content-Type. */
	contentType: string;
	/** Exact body length in bytes (sent as Content-Length). */
	size: number;
	/** A fresh body for each attempt: every call re-opens the files when it is read. */
	body: () => IHttpRequestOptions['body'];
}

export function streamedMultipart(files: readonly MultipartFile[]): StreamedMultipart {
	const multipart = multipartBody(files, `----VishwaN8nFormBoundary${randomString(24)}`);
	return {
		contentType: multipart.contentType,
		size: multipart.size,
		body: () => ({
			[Symbol.toStringTag]: 'Blob',
			type: multipart.contentType,
			size: multipart.size,
			stream: () => multipart.chunks(),
		}),
	};
}
