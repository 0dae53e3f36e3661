'use strict';
/**
 * Asset > Upload, run through n8n's WorkflowExecute against the stand-in over a real socket.
 * Defined once and run by one test file per n8n binary data mode (n8n-core reads the mode once per
 * module registry): node.upload.default.test.js (files in the item, base64) and
 * node.upload.filesystem.test.js (files in n8n's store, streamed from disk).
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');

function defineUploadSuite(binaryMode) {
	const API_KEY = `upload-${binaryMode}-key-5c4b3a`;
	const harness = createHarness({ binaryMode });
	let standin;
	let dir;
	let bigFile;

	beforeAll(async () => {
		standin = await startStandin({ apiKey: API_KEY });
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-upload-test-'));
		// 5 MiB of random bytes: many stream chunks, and no accidental boundary match.
		bigFile = { path: path.join(dir, 'big.bin'), bytes: crypto.randomBytes(5 * 1024 * 1024) };
		fs.writeFileSync(bigFile.path, bigFile.bytes);
		const { nodeTypes } = await harness.load();
		nodeTypes['test.damageStoredFile'] = damageStoredFileNode(harness.workflowLib);
	});
	afterAll(async () => {
		await standin.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});
	beforeEach(() => standin.reset());

	/** Items (json + files) → [extra nodes] → Vishwa Asset > Upload. */
	function upload(params, { items, files, options, continueOnFail, apiKey = API_KEY, before = [] } = {}) {
		const nodes = [
			{
				name: 'Items',
				type: TYPES.items,
				parameters: { items: JSON.stringify(items || [{}]), files: JSON.stringify(files || []) },
			},
			...before,
			{
				name: 'Vishwa',
				type: TYPES.vishwa,
				parameters: { resource: 'asset', operation: 'upload', options: options || {}, ...params },
				...(continueOnFail ? { continueOnFail: true } : {}),
			},
		];
		return harness.runWorkflow(linearWorkflow(nodes), {
			credentials: { vishwaApi: { apiKey, baseUrl: standin.url } },
		});
	}

	const text = (fileName, content, mimeType = 'text/plain') => ({ fileName, mimeType, text: content });

	test(`${binaryMode} mode: several files per item go in one request each, intact, with names and MIME types`, async () => {
		const png = crypto.randomBytes(3000);
		const result = await upload(
			{ binaryProperties: ' data ,image,  big ' },
			{
				items: [{ n: 0 }, { n: 1 }],
				files: [
					{
						data: text('notes.txt', 'hello vishwa'),
						image: { fileName: 'pic.png', mimeType: 'image/png', base64: png.toString('base64') },
						big: { fileName: 'big.bin', mimeType: 'application/octet-stream', path: bigFile.path },
					},
					{
						data: text('second.csv', 'a,b\n1,2\n', 'text/csv'),
						image: { fileName: 'pic2.png', mimeType: 'image/png', base64: png.subarray(0, 10).toString('base64') },
						big: { fileName: 'report.pdf', mimeType: 'application/pdf', path: bigFile.path },
					},
				],
			},
		);
		expect(result.status).toBe('success');

		// The binary data really is where the mode says.
		const inputBinary = result.output('Items')[0].binary.big;
		if (binaryMode === 'filesystem') expect(inputBinary.id).toMatch(/^filesystem/);
		else expect(inputBinary.id).toBeUndefined();

		const uploads = standin.state.requestsFor('upload');
		expect(uploads).toHaveLength(2);
		for (const request of uploads) {
			expect(request.query).toEqual({ temp: 'false' });
			expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
			// Content-Length was computed up front and is exactly what was sent.
			expect(Number(request.headers['content-length'])).toBe(request.bodySize);
			expect(request.headers['transfer-encoding']).toBeUndefined();
		}

		// The two items' requests run concurrently, so compare the stored files in name order.
		const byName = (a, b) => (a.file_name < b.file_name ? -1 : 1);
		const stored = standin.state.files.map(({ file_name, content_type, size, sha256: hash, temp }) => ({
			file_name,
			content_type,
			size,
			sha256: hash,
			temp,
		}));
		expect(stored.sort(byName)).toEqual(
			[
			{ file_name: 'notes.txt', content_type: 'text/plain', size: 12, sha256: sha256(Buffer.from('hello vishwa')), temp: false },
			{ file_name: 'pic.png', content_type: 'image/png', size: 3000, sha256: sha256(png), temp: false },
			{ file_name: 'big.bin', content_type: 'application/octet-stream', size: bigFile.bytes.length, sha256: sha256(bigFile.bytes), temp: false },
			{ file_name: 'second.csv', content_type: 'text/csv', size: 8, sha256: sha256(Buffer.from('a,b\n1,2\n')), temp: false },
			{ file_name: 'pic2.png', content_type: 'image/png', size: 10, sha256: sha256(png.subarray(0, 10)), temp: false },
			{ file_name: 'report.pdf', content_type: 'application/pdf', size: bigFile.bytes.length, sha256: sha256(bigFile.bytes), temp: false },
			].sort(byName),
		);

		// The server's answer is the item's JSON, whole; paired with its input item; no binary.
		const output = result.output('Vishwa');
		expect(output.map((item) => item.json.files.map((file) => file.file_name))).toEqual([
			['notes.txt', 'pic.png', 'big.bin'],
			['second.csv', 'pic2.png', 'report.pdf'],
		]);
		expect(Object.keys(output[0].json)).toEqual(['files']);
		const notes = standin.state.files.find((file) => file.file_name === 'notes.txt');
		expect(output[0].json.files[0]).toEqual({
			file_id: notes.file_id,
			file_name: 'notes.txt',
			content_type: 'text/plain',
			size: 12,
			url: `${standin.url}/v1/assets/${notes.file_id}`,
			temp: false,
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output.every((item) => item.binary === undefined)).toBe(true);
	});

	test(`${binaryMode} mode: Temporary on sends temp=true`, async () => {
		const result = await upload({ binaryProperties: 'data', temp: true }, { files: [{ data: text('t.txt', 'x') }] });
		expect(result.status).toBe('success');
		expect(standin.state.requestsFor('upload')[0].query).toEqual({ temp: 'true' });
		expect(standin.state.files[0].temp).toBe(true);
		expect(result.json('Vishwa')[0].files[0].temp).toBe(true);
	});

	// (Backslashes are sent too, but the stand-in's parser, like many servers, reads a\b as a path.)
	test(`${binaryMode} mode: Unicode, quotes, semicolons, percent signs and line breaks in file names arrive intact`, async () => {
		const names = ['résumé 履歴書 📄.pdf', 'say "hi"; ok=1.txt', 'line\r\nbreak.txt', "it's 100%.txt", 'tab\there.txt'];
		const files = [{}];
		names.forEach((name, index) => {
			files[0][`f${index}`] = text(name, `content ${index}`);
		});
		const result = await upload({ binaryProperties: names.map((_name, index) => `f${index}`).join(',') }, { files });
		expect(result.status).toBe('success');
		expect(standin.state.files.map((file) => file.file_name)).toEqual(names);
		expect(result.json('Vishwa')[0].files.map((file) => file.file_name)).toEqual(names);
	});

	test(`${binaryMode} mode: a zero-byte file is uploaded as an empty file`, async () => {
		const result = await upload({ binaryProperties: 'data' }, { files: [{ data: text('empty.txt', '') }] });
		expect(result.status).toBe('success');
		expect(standin.state.files).toEqual([
			expect.objectContaining({ file_name: 'empty.txt', size: 0, sha256: sha256(Buffer.alloc(0)) }),
		]);
	});

	test(`${binaryMode} mode: a missing binary property fails naming the item and the property, before any request`, async () => {
		const result = await upload(
			{ binaryProperties: 'data, attachment' },
			{ items: [{}, {}], files: [{ data: text('a.txt', 'a'), attachment: text('b.txt', 'b') }, { data: text('c.txt', 'c'), scan: text('d.txt', 'd') }] },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 1: No binary property "attachment" (its binary properties are "data", "scan")');
		expect(result.error.description).toMatch(/Binary Properties/);
		// Item 0 was fine and was uploaded; item 1 sent nothing.
		expect(standin.state.requestsFor('upload')).toHaveLength(1);
		expect(standin.state.files.map((file) => file.file_name)).toEqual(['a.txt', 'b.txt']);
	});

	test(`${binaryMode} mode: an item without any binary data says so`, async () => {
		const result = await upload({ binaryProperties: 'data' }, { items: [{ only: 'json' }] });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 0: No binary property "data" (the item has no binary data at all)');
		expect(standin.state.requests).toHaveLength(0);
	});

	test(`${binaryMode} mode: property names are kept in messages even when they look like error codes`, async () => {
		// "preexisting" contains "EEXIST", which n8n would otherwise turn into "The file or directory already exists".
		const result = await upload({ binaryProperties: 'preexisting' }, { files: [{ data: text('a.txt', 'a') }] });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 0: No binary property "preexisting" (its binary properties are "data")');
	});

	test(`${binaryMode} mode: an empty property list is refused`, async () => {
		const result = await upload({ binaryProperties: ' , ' }, { files: [{ data: text('a.txt', 'a') }] });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 0: Binary Properties is empty');
		expect(standin.state.requests).toHaveLength(0);
	});

	test(`${binaryMode} mode: with Continue On Fail a bad item becomes an error item and the others are uploaded`, async () => {
		const result = await upload(
			{ binaryProperties: 'data' },
			{
				items: [{}, {}, {}],
				files: [{ data: text('one.txt', '1') }, { other: text('two.txt', '2') }, { data: text('three.txt', '3') }],
				continueOnFail: true,
			},
		);
		expect(result.status).toBe('success');
		const output = result.output('Vishwa');
		expect(output).toHaveLength(3);
		expect(output[0].json.files[0].file_name).toBe('one.txt');
		expect(output[1].json).toEqual({
			error: 'Item 1: No binary property "data" (its binary properties are "other")',
			errorDescription: expect.stringContaining('Binary Properties'),
		});
		expect(output[2].json.files[0].file_name).toBe('three.txt');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(standin.state.files.map((file) => file.file_name).sort()).toEqual(['one.txt', 'three.txt']);
	});

	test(`${binaryMode} mode: uploads run concurrently and the output keeps input order`, async () => {
		// The first upload to arrive (one of items 0-2) is answered after 600 ms.
		standin.state.addFault({ route: 'upload', kind: 'slow', delayMs: 600, times: 1 });
		const count = 6;
		const result = await upload(
			{ binaryProperties: 'data' },
			{
				items: Array.from({ length: count }, (_value, index) => ({ index })),
				files: Array.from({ length: count }, (_value, index) => ({ data: text(`file-${index}.txt`, `#${index}`) })),
				options: { concurrency: 3 },
			},
		);
		expect(result.status).toBe('success');
		const output = result.output('Vishwa');
		expect(output.map((item) => item.json.files[0].file_name)).toEqual(
			Array.from({ length: count }, (_value, index) => `file-${index}.txt`),
		);
		expect(output.map((item) => item.pairedItem.item)).toEqual([0, 1, 2, 3, 4, 5]);
		// While the slow answer was pending, the other lanes sent all the other uploads: one at a time,
		// the next request would have come only after it.
		const uploads = standin.state.requestsFor('upload');
		expect(uploads).toHaveLength(count);
		const slow = uploads.find((request) => request.fault === 'slow');
		const lastArrival = Math.max(...uploads.map((request) => Date.parse(request.time)));
		expect(lastArrival - Date.parse(slow.time)).toBeLessThan(600);
		expect(standin.state.stats.uploads).toBe(count);
	});

	test(`${binaryMode} mode: a 429 with Retry-After is retried once with a fresh body, and the files arrive once`, async () => {
		standin.state.addFault({ route: 'upload', kind: '429', retryAfter: 1, times: 1 });
		const started = Date.now();
		const result = await upload(
			{ binaryProperties: 'data,big' },
			{ files: [{ data: text('a.txt', 'after the wait'), big: { fileName: 'big.bin', mimeType: 'application/octet-stream', path: bigFile.path } }] },
		);
		expect(result.status).toBe('success');
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		const uploads = standin.state.requestsFor('upload');
		expect(uploads.map((request) => request.status)).toEqual([429, 200]);
		// The retry sent the whole body again: the second request is as long as the first.
		expect(uploads[1].bodySize).toBe(Number(uploads[1].headers['content-length']));
		expect(uploads[1].bodySize).toBeGreaterThan(bigFile.bytes.length);
		expect(standin.state.files.map((file) => [file.file_name, file.size, file.sha256])).toEqual([
			['a.txt', 14, sha256(Buffer.from('after the wait'))],
			['big.bin', bigFile.bytes.length, sha256(bigFile.bytes)],
		]);
	});

	test(`${binaryMode} mode: a connection dropped after the upload was processed is reported, not repeated`, async () => {
		standin.state.addFault({ route: 'upload', kind: 'drop-after', times: 1 });
		// "preexisting" contains "EEXIST": n8n would swap such a message for a generic one.
		const result = await upload({ binaryProperties: 'data' }, { files: [{ data: text('preexisting.txt', 'only once') }] });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			'The request to upload 1 file ("preexisting.txt") was sent but its answer was lost (connection reset)',
		);
		expect(result.error.description).toBe(
			'Vishwa may have stored the files already: check before uploading them again. It was not repeated automatically, so nothing is done twice.',
		);
		expect(standin.state.requestsFor('upload')).toHaveLength(1);
		expect(standin.state.files.map((file) => file.file_name)).toEqual(['preexisting.txt']);
	});

	test(`${binaryMode} mode: a refused API key is a 401 error and nothing is stored`, async () => {
		const result = await upload({ binaryProperties: 'data' }, { files: [{ data: text('a.txt', 'a') }], apiKey: 'wrong-key-123456' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('The Vishwa API key was refused (HTTP 401)');
		expect(result.error.httpCode).toBe('401');
		expect(standin.state.files).toHaveLength(0);
	});

	test(`${binaryMode} mode: Keep Binary Data passes the item's files through`, async () => {
		const result = await upload(
			{ binaryProperties: 'data' },
			{ files: [{ data: text('kept.txt', 'keep me'), extra: text('extra.txt', 'x') }], options: { keepBinary: true } },
		);
		expect(result.status).toBe('success');
		const [item] = result.output('Vishwa');
		expect(Object.keys(item.binary)).toEqual(['data', 'extra']);
		expect(item.binary.data.fileName).toBe('kept.txt');
		expect(item.json.files[0].file_name).toBe('kept.txt');
	});

	if (binaryMode === 'filesystem') {
		test('filesystem mode: a stored file shorter than its recorded size stops the upload with a clear error', async () => {
			const result = await upload(
				{ binaryProperties: 'big' },
				{
					files: [{ big: { fileName: 'big.bin', mimeType: 'application/octet-stream', path: bigFile.path } }],
					before: [{ name: 'Damage', type: 'test.damageStoredFile', parameters: { property: 'big', keepBytes: 1000 } }],
				},
			);
			expect(result.status).toBe('error');
			expect(result.error.message).toBe(
				`File "big.bin" (binary property "big") ended after 1000 of its recorded ${bigFile.bytes.length} bytes`,
			);
			expect(result.error.description).toMatch(/stopped part-way/);
			expect(standin.state.requestsFor('upload')).toHaveLength(1);
			expect(standin.state.files).toHaveLength(0);
		});

		test('filesystem mode: a stored file that disappeared is named in the error', async () => {
			const result = await upload(
				{ binaryProperties: 'data' },
				{
					files: [{ data: text('gone.txt', 'soon gone') }],
					before: [{ name: 'Damage', type: 'test.damageStoredFile', parameters: { property: 'data', keepBytes: -1 } }],
				},
			);
			expect(result.status).toBe('error');
			expect(result.error.message).toMatch(/^Could not read file "gone\.txt" \(binary property "data"\): (File not found|no such file or directory)$/);
			expect(standin.state.files).toHaveLength(0);
		});
	}
}

/**
 * Test-only node: truncates (keepBytes >= 0) or deletes (keepBytes < 0) the stored content of a
 * binary property in n8n's filesystem store, leaving its metadata as it was.
 */
function damageStoredFileNode(workflowLib) {
	return {
		description: {
			displayName: 'Damage Stored File',
			name: 'damageStoredFile',
			group: ['transform'],
			version: 1,
			defaults: { name: 'Damage' },
			inputs: [workflowLib.NodeConnectionTypes.Main],
			outputs: [workflowLib.NodeConnectionTypes.Main],
			properties: [
				{ displayName: 'Property', name: 'property', type: 'string', default: 'data' },
				{ displayName: 'Keep Bytes', name: 'keepBytes', type: 'number', default: 0 },
			],
		},
		async execute() {
			const items = this.getInputData();
			const property = this.getNodeParameter('property', 0);
			const keepBytes = this.getNodeParameter('keepBytes', 0);
			for (const item of items) {
				const file = this.helpers.getBinaryPath(item.binary[property].id);
				if (keepBytes < 0) fs.rmSync(file);
				else fs.truncateSync(file, keepBytes);
			}
			return [items];
		},
	};
}

module.exports = { defineUploadSuite };
