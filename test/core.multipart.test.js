'use strict';
// The streamed multipart body (core/multipart, transport/multipart) and the upload's pure helpers
// (core/upload), against the built package. A real multipart parser (busboy, as in the stand-in)
// reads what is produced.
const busboy = require('busboy');
const crypto = require('crypto');
const { isObjectEmpty } = require('n8n-workflow');

const {
	multipartBody,
	formDataDisposition,
	safeMimeType,
	utf8Bytes,
	MultipartSourceError,
} = require('../dist/nodes/Vishwa/core/multipart');
const {
	parseBinaryPropertyNames,
	parseTemporary,
	uploadTimeoutMs,
	describeUpload,
	missingBinaryPropertyError,
} = require('../dist/nodes/Vishwa/core/upload');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');
const { streamedMultipart } = require('../dist/nodes/Vishwa/transport/multipart');

const BOUNDARY = '----TestBoundary0123456789';

function file(fileName, content, { mimeType = 'application/octet-stream', chunkSize = 7, size } = {}) {
	const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
	let opened = 0;
	return {
		fieldName: 'files',
		fileName,
		mimeType,
		size: size ?? bytes.length,
		origin: `binary property "${fileName}"`,
		get opened() {
			return opened;
		},
		open: async () => {
			opened += 1;
			return (async function* () {
				for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
			})();
		},
	};
}

async function collect(generator) {
	const chunks = [];
	for await (const chunk of generator) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks);
}

/** Parses a body with busboy: [{ field, filename, mimeType, content }]. */
function parse(contentType, body) {
	return new Promise((resolve, reject) => {
		const parts = [];
		const parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8', preservePath: true });
		parser.on('file', (field, stream, info) => {
			const chunks = [];
			stream.on('data', (chunk) => chunks.push(chunk));
			stream.on('end', () =>
				parts.push({ field, filename: info.filename, mimeType: info.mimeType, content: Buffer.concat(chunks) }),
			);
		});
		parser.on('error', reject);
		parser.on('close', () => resolve(parts));
		parser.end(body);
	});
}

describe('multipartBody', () => {
	test('size is exact and a real parser reads back every file, name and type', async () => {
		const random = crypto.randomBytes(100000);
		const files = [
			file('a.txt', 'hello', { mimeType: 'text/plain' }),
			file('empty.bin', ''),
			file('résumé 📄 "q" \\ ; x=1\r\n.pdf', random, { mimeType: 'application/pdf', chunkSize: 4096 }),
		];
		const body = multipartBody(files, BOUNDARY);
		expect(body.contentType).toBe(`multipart/form-data; boundary=${BOUNDARY}`);
		const bytes = await collect(body.chunks());
		expect(bytes.length).toBe(body.size);
		const parts = await parse(body.contentType, bytes);
		expect(parts.map(({ field, filename, mimeType }) => ({ field, filename, mimeType }))).toEqual([
			{ field: 'files', filename: 'a.txt', mimeType: 'text/plain' },
			{ field: 'files', filename: 'empty.bin', mimeType: 'application/octet-stream' },
			{ field: 'files', filename: 'résumé 📄 "q" \\ ; x=1\r\n.pdf', mimeType: 'application/pdf' },
		]);
		expect(parts[0].content.toString()).toBe('hello');
		expect(parts[1].content.length).toBe(0);
		expect(parts[2].content.equals(random)).toBe(true);
	});

	test('every call of chunks() opens the files again and yields the same bytes', async () => {
		const files = [file('a.txt', 'one'), file('b.txt', 'two')];
		const body = multipartBody(files, BOUNDARY);
		const first = await collect(body.chunks());
		const second = await collect(body.chunks());
		expect(second.equals(first)).toBe(true);
		expect(files.map((f) => f.opened)).toEqual([2, 2]);
	});

	test('files are opened only when the body reaches them', async () => {
		const files = [file('a.txt', 'one'), file('b.txt', 'two')];
		const chunks = multipartBody(files, BOUNDARY).chunks();
		await chunks.next(); // first part's header
		expect(files.map((f) => f.opened)).toEqual([0, 0]);
		await chunks.next(); // first file's content
		expect(files.map((f) => f.opened)).toEqual([1, 0]);
		await chunks.return(undefined);
		expect(files[1].opened).toBe(0);
	});

	test('a file shorter or longer than its recorded size stops the body with a clear error', async () => {
		const shorter = multipartBody([file('short.bin', 'abc', { size: 10 })], BOUNDARY);
		await expect(collect(shorter.chunks())).rejects.toThrow(
			new MultipartSourceError('File "short.bin" (binary property "short.bin") ended after 3 of its recorded 10 bytes'),
		);
		const longer = multipartBody([file('long.bin', 'abcdefghijkl', { size: 5, chunkSize: 4 })], BOUNDARY);
		const error = await collect(longer.chunks()).catch((caught) => caught);
		expect(error).toBeInstanceOf(MultipartSourceError);
		expect(error.message).toBe('File "long.bin" (binary property "long.bin") is longer than its recorded size of 5 bytes');
	});

	test('a file that cannot be read is named, with the problem in words', async () => {
		const missing = {
			...file('gone.txt', 'x'),
			open: async () => {
				const error = new Error("ENOENT: no such file or directory, open '/store/abc'");
				error.code = 'ENOENT';
				throw error;
			},
		};
		const error = await collect(multipartBody([missing], BOUNDARY).chunks()).catch((caught) => caught);
		expect(error).toBeInstanceOf(MultipartSourceError);
		expect(error.message).toBe('Could not read file "gone.txt" (binary property "gone.txt"): no such file or directory');
	});

	test('a bad boundary or size is refused', () => {
		expect(() => multipartBody([], 'has space at end ')).toThrow(/Invalid multipart boundary/);
		expect(() => multipartBody([], 'x'.repeat(71))).toThrow(/Invalid multipart boundary/);
		expect(() => multipartBody([file('a', 'a', { size: -1 })], BOUNDARY)).toThrow(/not a byte count/);
		expect(() => multipartBody([file('a', 'a', { size: 1.5 })], BOUNDARY)).toThrow(/not a byte count/);
	});
});

describe('headers', () => {
	test('a plain ASCII name is sent as a plain quoted filename only', () => {
		expect(formDataDisposition('files', 'report 2024.pdf')).toBe('form-data; name="files"; filename="report 2024.pdf"');
	});

	test('quotes, backslashes and line breaks are percent-encoded; filename* carries the exact name', () => {
		expect(formDataDisposition('files', 'a"b\\c\r\nd.txt')).toBe(
			`form-data; name="files"; filename="a%22b%5Cc%0D%0Ad.txt"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.txt`,
		);
	});

	test('non-ASCII names are raw UTF-8 in filename (as browsers send) and RFC 8187 in filename*', () => {
		expect(formDataDisposition('files', 'résumé 📄.pdf')).toBe(
			`form-data; name="files"; filename="résumé 📄.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%F0%9F%93%84.pdf`,
		);
	});

	test('no file name can break out of its header line', () => {
		for (let i = 0; i < 500; i++) {
			const name = Array.from({ length: 12 }, () => String.fromCharCode(Math.floor(Math.random() * 0x80))).join('');
			const header = formDataDisposition('files', name);
			expect(header).not.toMatch(/[\r\n\0]/);
			// Exactly the quotes that delimit name and filename.
			expect(header.split('"')).toHaveLength(5);
		}
	});

	test('MIME types that could inject headers, or are not types, become application/octet-stream', () => {
		expect(safeMimeType('image/png')).toBe('image/png');
		expect(safeMimeType('text/plain; charset=utf-8')).toBe('text/plain; charset=utf-8');
		expect(safeMimeType('text/plain\r\nX-Evil: 1')).toBe('application/octet-stream');
		expect(safeMimeType('')).toBe('application/octet-stream');
		expect(safeMimeType(undefined)).toBe('application/octet-stream');
		expect(safeMimeType('png')).toBe('application/octet-stream');
		expect(safeMimeType('tëxt/plain')).toBe('application/octet-stream');
	});

	test('utf8Bytes matches Node for any text; lone surrogates become U+FFFD', () => {
		for (const text of ['', 'abc', 'résumé', '履歴書', '📄 emoji', '\u0000\u007f\u0080\u07ff\u0800\uffff']) {
			expect(Buffer.from(utf8Bytes(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
		}
		expect(Buffer.from(utf8Bytes('a\uD800b')).toString('hex')).toBe('61efbfbd62');
	});
});

describe('streamedMultipart (the body handed to n8n)', () => {
	test('looks like a Blob to axios and is not "empty" to n8n, with type, exact size and a fresh stream', async () => {
		const upload = streamedMultipart([file('a.txt', 'hello', { mimeType: 'text/plain' })]);
		expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=----VishwaN8nFormBoundary[A-Za-z0-9]{24}$/);
		const body = upload.body();
		// axios's utils.isBlob is exactly this test; n8n drops bodies isObjectEmpty calls empty.
		expect(Object.prototype.toString.call(body)).toBe('[object Blob]');
		expect(isObjectEmpty(body)).toBe(false);
		expect(body.type).toBe(upload.contentType);
		expect(body.size).toBe(upload.size);
		const bytes = await collect(body.stream());
		expect(bytes.length).toBe(upload.size);
		const again = await collect(upload.body().stream());
		expect(again.equals(bytes)).toBe(true);
		const [part] = await parse(upload.contentType, bytes);
		expect(part.content.toString()).toBe('hello');
	});

	test('each upload gets its own random boundary', () => {
		const a = streamedMultipart([file('a.txt', 'x')]);
		const b = streamedMultipart([file('a.txt', 'x')]);
		expect(a.contentType).not.toBe(b.contentType);
	});
});

describe('upload parameters', () => {
	test('Binary Properties: trimmed, in order, empties dropped; an array from an expression works', () => {
		expect(parseBinaryPropertyNames(' data , ,attachment ')).toEqual(['data', 'attachment']);
		expect(parseBinaryPropertyNames('data')).toEqual(['data']);
		expect(parseBinaryPropertyNames(['a', ' b '])).toEqual(['a', 'b']);
	});

	test('Binary Properties: nothing usable is an input error naming the parameter', () => {
		for (const raw of ['', ' , ', [], undefined, null]) {
			expect(() => parseBinaryPropertyNames(raw)).toThrow(new VishwaInputError('Binary Properties is empty', 'Binary Properties'));
		}
	});

	test('the missing-property error lists what the item has', () => {
		expect(missingBinaryPropertyError('data', ['file', 'image']).message).toBe(
			'No binary property "data" (its binary properties are "file", "image")',
		);
		expect(missingBinaryPropertyError('data', []).message).toBe('No binary property "data" (the item has no binary data at all)');
	});

	test('Temporary accepts booleans and their spellings, and refuses anything else', () => {
		expect(parseTemporary(true)).toBe(true);
		expect(parseTemporary(false)).toBe(false);
		expect(parseTemporary(undefined)).toBe(false);
		expect(parseTemporary('TRUE')).toBe(true);
		expect(parseTemporary('false')).toBe(false);
		expect(parseTemporary(1)).toBe(true);
		expect(() => parseTemporary('maybe')).toThrow('Temporary must be true or false (got "maybe")');
	});

	test('the timeout grows with the body at 256 KiB/s', () => {
		expect(uploadTimeoutMs(30000, 0)).toBe(30000);
		expect(uploadTimeoutMs(30000, 1024 * 1024)).toBe(34000);
		expect(uploadTimeoutMs(1000, 500 * 1024 * 1024)).toBe(1000 + 2000 * 1000);
	});

	test('upload descriptions name the files, shortened when many', () => {
		expect(describeUpload(['a.pdf'])).toBe('upload 1 file ("a.pdf")');
		expect(describeUpload(['a', 'b', 'c', 'd', 'e'])).toBe('upload 5 files ("a", "b", "c", and 2 more)');
	});
});
