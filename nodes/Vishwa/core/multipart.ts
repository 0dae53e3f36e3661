/**
 * A multipart/form-data body (RFC 7578) produced as a stream of byte chunks, with its exact
 * length known before the first byte is sent. Files are opened only when the body reaches them
 * and are read chunk by chunk, so a body of any size costs a few chunks of memory.
 *
 * Pure code: no n8n, no Node built-ins. The transport decides how the chunks reach the socket.
 */

/** One file part. */
export interface MultipartFile {
	/** The form field, e.g. "files". */
	fieldName: string;
	fileName: string;
	mimeType: string;
	/** Exact byte length of the content: the body's Content-Length is computed from it. */
	size: number;
	/**
	 * The content, opened afresh on every call: a stream can be read only once and a retried
	 * request reads the body again.
	 */
	open: () => Promise<ByteSource> | ByteSource;
	/** Where the content comes from, for error messages (e.g. 'binary property "data"'). */
	origin?: string;
}

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface MultipartBody {
	/** `multipart/form-data; boundary=…` */
	contentType: string;
	/** Exact length of everything `chunks()` yields. */
	size: number;
	/** The whole body, from the first boundary to the closing one. Each call starts over. */
	chunks: () => AsyncGenerator<Uint8Array, void, undefined>;
}

/**
 * A file could not be read while the body was being sent (missing, unreadable, or not the size
 * it was said to be). The request is aborted mid-body, so the server gets an incomplete form.
 */
export class MultipartSourceError extends Error {
	constructor(
		message: string,
		readonly fileName: string,
	) {
		super(message);
		this.name = 'MultipartSourceError';
	}
}

const CRLF = asciiBytes('\r\n');

/** RFC 2046 boundary: 1–70 characters from a restricted set, not ending in a space. */
const BOUNDARY_PATTERN = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

export function multipartBody(files: readonly MultipartFile[], boundary: string): MultipartBody {
	if (!BOUNDARY_PATTERN.test(boundary)) throw new Error(`Invalid multipart boundary "${boundary}"`);
	const heads = files.map((file, index) => {
		if (!Number.isSafeInteger(file.size) || file.size < 0) {
			throw new Error(`The size of file ${index} ("${file.fileName}") is not a byte count: ${file.size}`);
		}
		return utf8Bytes(
			`--${boundary}\r\n` +
				`Content-Disposition: ${formDataDisposition(file.fieldName, file.fileName)}\r\n` +
				`Content-Type: ${safeMimeType(file.mimeType)}\r\n\r\n`,
		);
	});
	const closing = asciiBytes(`--${boundary}--\r\n`);
	let size = closing.length;
	files.forEach((file, index) => {
		size += heads[index].length + file.size + CRLF.length;
	});

	async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
		for (let index = 0; index < files.length; index++) {
			const file = files[index];
			yield heads[index];
			yield* fileContent(file);
			yield CRLF;
		}
		yield closing;
	}

	return { contentType: `multipart/form-data; boundary=${boundary}`, size, chunks };
}

/** The file's bytes, checked against its declared size so Content-Length stays true. */
async function* fileContent(file: MultipartFile): AsyncGenerator<Uint8Array, void, undefined> {
	const what = `"${file.fileName}"${file.origin ? ` (${file.origin})` : ''}`;
	let sent = 0;
	let problem: MultipartSourceError | undefined;
	try {
		const source = await file.open();
		for await (const chunk of source) {
			if (!(chunk instanceof Uint8Array)) {
				problem = new MultipartSourceError(`The content of file ${what} is not bytes`, file.fileName);
				break;
			}
			sent += chunk.length;
			if (sent > file.size) {
				problem = new MultipartSourceError(
					`File ${what} is longer than its recorded size of ${file.size} bytes`,
					file.fileName,
				);
				break;
			}
			yield chunk;
		}
	} catch (error) {
		problem = new MultipartSourceError(`Could not read file ${what}: ${readProblem(error)}`, file.fileName);
	}
	if (problem) throw problem;
	if (sent !== file.size) {
		throw new MultipartSourceError(
			`File ${what} ended after ${sent} of its recorded ${file.size} bytes`,
			file.fileName,
		);
	}
}

/**
 * A read error in words: Node's "ENOENT: no such file or directory, open '/path'" becomes
 * "no such file or directory". The code and the storage path mean nothing to a workflow's user,
 * and n8n replaces any message containing a code like ENOENT with a generic sentence.
 */
export function readProblem(error: unknown): string {
	const message = String((error as { message?: unknown })?.message ?? error ?? 'unknown error');
	const code = (error as { code?: unknown })?.code;
	let text = message;
	if (typeof code === 'string' && text.startsWith(`${code}: `)) text = text.slice(code.length + 2);
	return text.replace(/, [a-z]+ '[^']*'$/, '').trim() || 'unknown error';
}

/**
 * `form-data; name="…"; filename="…"`, plus `filename*=UTF-8''…` (RFC 8187) when the plain form
 * cannot carry the exact name (non-ASCII, quotes, backslashes, control characters).
 *
 * The quoted forms follow what browsers send (the WHATWG form encoding): raw UTF-8, with `"`, CR
 * and LF percent-encoded, so every server that accepts browser uploads reads them; backslashes
 * and other controls are percent-encoded too, so no parser can mistake them for escapes. Parsers
 * that know `filename*` (busboy, Python's email/multipart, Go) prefer it and get the exact name.
 */
export function formDataDisposition(fieldName: string, fileName: string): string {
	const quotedName = quotedFallback(fieldName);
	const quotedFile = quotedFallback(fileName);
	let header = `form-data; name="${quotedName}"; filename="${quotedFile}"`;
	if (quotedFile !== fileName || /[^\x20-\x7e]/.test(fileName)) {
		header += `; filename*=UTF-8''${rfc8187Encode(fileName)}`;
	}
	return header;
}

function quotedFallback(value: string): string {
	// eslint-disable-next-line no-control-regex
	return wellFormed(value).replace(/["\\\x00-\x1f\x7f]/g, (char) => `%${hex2(char.charCodeAt(0))}`);
}

/** RFC 8187 value-chars: attr-char as is, every other UTF-8 byte as %XX. */
export function rfc8187Encode(value: string): string {
	let out = '';
	for (const byte of utf8Bytes(value)) {
		const char = String.fromCharCode(byte);
		out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(char) ? char : `%${hex2(byte)}`;
	}
	return out;
}

/** A MIME type safe to put in a header; anything odd becomes application/octet-stream. */
export function safeMimeType(mimeType: unknown): string {
	const value = typeof mimeType === 'string' ? mimeType.trim() : '';
	return /^[\x21-\x7e]+\/[\x21-\x7e]+(\s*;[\x20-\x7e]*)?$/.test(value) && !/[\r\n]/.test(value)
		? value
		: 'application/octet-stream';
}

/** UTF-8 bytes of a string (lone surrogates become U+FFFD), without TextEncoder or Buffer. */
export function utf8Bytes(text: string): Uint8Array {
	const encoded = encodeURIComponent(wellFormed(text));
	const bytes: number[] = [];
	for (let i = 0; i < encoded.length; i++) {
		if (encoded[i] === '%') {
			bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(encoded.charCodeAt(i));
		}
	}
	return Uint8Array.from(bytes);
}

function asciiBytes(text: string): Uint8Array {
	return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

function wellFormed(text: string): string {
	return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function hex2(value: number): string {
	return value.toString(16).toUpperCase().padStart(2, '0');
}
