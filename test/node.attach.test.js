'use strict';
// Run > Start with Attach Files, through n8n's WorkflowExecute (binary data in n8n's filesystem
// store, so files are streamed from disk) against the stand-in over real sockets: the references
// the stand-in issued arrive in the start-run body, byte-exact; every Reference Field; answers of
// other shapes (through a rewriting proxy); no run when the upload fails in any way; waiting;
// many items with concurrency; Continue On Fail.
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'attach-test-key-8e7d6c';
const harness = createHarness({ binaryMode: 'filesystem' });
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

let standin;
let proxy;
let dir;
let bigFile;

/**
 * A proxy in front of the stand-in that can rewrite the upload answer (`proxy.rewriteUpload`:
 * (answer, requestBody) => {status, body}), so answers of other shapes are tested while the
 * stand-in still stores the files and counts the runs.
 */
async function startProxy(target) {
	const state = { rewriteUpload: undefined, url: '' };
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const forward = http.request(
				`${target}${req.url}`,
				{ method: req.method, headers: { ...req.headers, host: new URL(target).host } },
				(answer) => {
					const answerChunks = [];
					answer.on('data', (chunk) => answerChunks.push(chunk));
					answer.on('end', () => {
						let status = answer.statusCode;
						let text = Buffer.concat(answerChunks).toString('utf8');
						if (req.url.startsWith('/v1/assets/upload') && state.rewriteUpload && status === 200) {
							const rewritten = state.rewriteUpload(JSON.parse(text), body);
							status = rewritten.status ?? 200;
							text = JSON.stringify(rewritten.body);
						}
						res.writeHead(status, { 'content-type': 'application/json' });
						res.end(text);
					});
				},
			);
			forward.on('error', () => res.destroy());
			forward.end(body);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${server.address().port}`;
	state.close = () => new Promise((resolve) => server.close(resolve));
	return state;
}

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
	proxy = await startProxy(standin.url);
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-attach-test-'));
	// 3 MiB of random bytes, streamed from n8n's store: many chunks.
	bigFile = { path: path.join(dir, 'scan.bin'), bytes: crypto.randomBytes(3 * 1024 * 1024) };
	fs.writeFileSync(bigFile.path, bigFile.bytes);
});
afterAll(async () => {
	await proxy.close();
	await standin.close();
	fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	standin.reset();
	proxy.rewriteUpload = undefined;
});

const text = (fileName, content, mimeType = 'text/plain') => ({ fileName, mimeType, text: content });
const oneFile = [{ data: text('report.txt', 'quarterly numbers') }];
const DOCUMENT = { file: [{ binaryProperty: 'data', inputName: 'document' }] };

/** Manual Trigger -> Items (json + files) -> Vishwa Run > Start with Attach Files on. */
function startWithFiles(params, { items, files = oneFile, continueOnFail, apiKey = API_KEY, viaProxy = false } = {}) {
	const nodes = [
		{
			name: 'Items',
			type: TYPES.items,
			parameters: { items: JSON.stringify(items || [{}]), files: JSON.stringify(files) },
		},
		{
			name: 'Vishwa',
			type: TYPES.vishwa,
			parameters: {
				resource: 'run',
				operation: 'start',
				flowId: 'flow-ok',
				attachFiles: true,
				attachments: DOCUMENT,
				...params,
			},
			...(continueOnFail ? { continueOnFail: true } : {}),
		},
	];
	return harness.runWorkflow(linearWorkflow(nodes), {
		credentials: { vishwaApi: { apiKey, baseUrl: viaProxy ? proxy.url : standin.url } },
	});
}

const uploads = () => standin.state.requestsFor('upload');
const runs = () => standin.state.runs;
const runsByApi = () => standin.state.stats.runsCreatedByApi;
const storedFile = (fileId) => standin.state.files.find((file) => file.file_id === fileId);
const fileUrl = (fileId) => `${standin.url}/v1/assets/${fileId}`;

describe('files reach the run as the references the stand-in issued', () => {
	test('several files and inputs: one upload, exact bytes, URLs in the body next to the other inputs, temp passed', async () => {
		const png = crypto.randomBytes(5000);
		const result = await startWithFiles(
			{
				inputFields: { input: [{ name: 'question', value: 'What changed?' }] },
				attachments: {
					file: [
						{ binaryProperty: 'report', inputName: 'document' },
						{ binaryProperty: 'scan, photo', inputName: 'images' },
					],
				},
				attachTemporary: true,
			},
			{
				files: [
					{
						report: text('report.txt', 'quarterly numbers'),
						scan: { fileName: 'scan.bin', mimeType: 'application/octet-stream', path: bigFile.path },
						photo: { fileName: 'photo.png', mimeType: 'image/png', base64: png.toString('base64') },
					},
				],
			},
		);
		expect(result.status).toBe('success');
		expect(result.output('Items')[0].binary.scan.id).toMatch(/^filesystem/);

		// One upload request with all three files, temp=true, exact Content-Length.
		expect(uploads()).toHaveLength(1);
		expect(uploads()[0].query).toEqual({ temp: 'true' });
		expect(Number(uploads()[0].headers['content-length'])).toBe(uploads()[0].bodySize);
		const files = standin.state.files;
		expect(files.map(({ file_name, size, sha256: hash, temp }) => ({ file_name, size, sha256: hash, temp }))).toEqual([
			{ file_name: 'report.txt', size: 17, sha256: sha256(Buffer.from('quarterly numbers')), temp: true },
			{ file_name: 'scan.bin', size: bigFile.bytes.length, sha256: sha256(bigFile.bytes), temp: true },
			{ file_name: 'photo.png', size: 5000, sha256: sha256(png), temp: true },
		]);

		// Exactly one run, whose inputs are the stand-in's own URLs for those files.
		expect(runsByApi()).toBe(1);
		const [run] = runs();
		expect(run.inputs).toEqual({
			question: 'What changed?',
			document: fileUrl(files[0].file_id),
			images: [fileUrl(files[1].file_id), fileUrl(files[2].file_id)],
		});

		// Output: the start answer plus what was uploaded, with the upload answer's entries.
		const [item] = result.output('Vishwa');
		expect(item.json).toMatchObject({ run_id: run.run_id, run_status: 'queued', run_type: 'api' });
		expect(item.json.attachedFiles).toEqual([
			{
				input: 'document',
				binaryProperty: 'report',
				fileName: 'report.txt',
				mimeType: 'text/plain',
				size: 17,
				reference: fileUrl(files[0].file_id),
				upload: {
					file_id: files[0].file_id,
					file_name: 'report.txt',
					content_type: 'text/plain',
					size: 17,
					url: fileUrl(files[0].file_id),
					temp: true,
				},
			},
			expect.objectContaining({ input: 'images', binaryProperty: 'scan', size: bigFile.bytes.length, reference: fileUrl(files[1].file_id) }),
			expect.objectContaining({ input: 'images', binaryProperty: 'photo', fileName: 'photo.png', reference: fileUrl(files[2].file_id) }),
		]);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary).toBeUndefined();

		// The stored file behind the reference really is the item's file.
		const download = await fetch(run.inputs.images[0], { headers: { 'XP-API-Key': API_KEY } });
		expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bigFile.bytes));
	});

	test('Temporary Files off sends temp=false; one file shared by two inputs is uploaded once', async () => {
		const result = await startWithFiles({
			attachments: {
				file: [
					{ binaryProperty: 'data', inputName: 'document' },
					{ binaryProperty: 'data', inputName: 'archive', asList: true },
				],
			},
		});
		expect(result.status).toBe('success');
		expect(uploads()[0].query).toEqual({ temp: 'false' });
		expect(standin.state.files).toHaveLength(1);
		const [file] = standin.state.files;
		expect(file.temp).toBe(false);
		expect(runs()[0].inputs).toEqual({ document: fileUrl(file.file_id), archive: [fileUrl(file.file_id)] });
	});

	test('Reference Field: Auto, URL, ID, Whole Upload Entry and Custom, chosen per item by an expression', async () => {
		const modes = [
			{ ref: 'auto' },
			{ ref: 'url' },
			{ ref: 'id' },
			{ ref: 'entry' },
			{ ref: 'custom', custom: 'asset://{file_id}/{file_name}' },
			{ ref: 'custom', custom: 'size' },
		];
		const result = await startWithFiles(
			{
				referenceField: '={{ $json.ref }}',
				customReference: '={{ $json.custom }}',
				options: { concurrency: 1 },
			},
			{ items: modes, files: modes.map((_mode, index) => ({ data: text(`f${index}.txt`, `content ${index}`) })) },
		);
		expect(result.status).toBe('success');
		const files = standin.state.files;
		const entry = (file) => ({
			file_id: file.file_id,
			file_name: file.file_name,
			content_type: 'text/plain',
			size: file.size,
			url: fileUrl(file.file_id),
			temp: false,
		});
		expect(runs().map((run) => run.inputs.document)).toEqual([
			fileUrl(files[0].file_id),
			fileUrl(files[1].file_id),
			files[2].file_id,
			entry(files[3]),
			`asset://${files[4].file_id}/f4.txt`,
			9,
		]);
		expect(result.json('Vishwa').map((json) => json.attachedFiles[0].reference)).toEqual(
			runs().map((run) => run.inputs.document),
		);
	});
});

describe('upload answers of other shapes (through a rewriting proxy)', () => {
	test.each([
		['a bare array with id and file_url', (answer) => answer.files.map((f) => ({ id: f.file_id, file_url: f.url })), 'url'],
		['under "data", IDs only', (answer) => ({ data: answer.files.map((f) => ({ file_id: f.file_id })) }), 'id'],
		['under "assets", in reverse order but named', (answer) => ({ assets: [...answer.files].reverse() }), 'url'],
	])('%s', async (_what, rewrite, expected) => {
		proxy.rewriteUpload = (answer) => ({ body: rewrite(answer) });
		const result = await startWithFiles(
			{ attachments: { file: [{ binaryProperty: 'a', inputName: 'first' }, { binaryProperty: 'b', inputName: 'second' }] } },
			{ files: [{ a: text('a.txt', 'A'), b: text('b.txt', 'B') }], viaProxy: true },
		);
		expect(result.status).toBe('success');
		const [a, b] = standin.state.files;
		const ref = (file) => (expected === 'url' ? fileUrl(file.file_id) : file.file_id);
		expect(runs()[0].inputs).toEqual({ first: ref(a), second: ref(b) });
	});

	test('fewer entries than files sent: a clear error, no run', async () => {
		proxy.rewriteUpload = (answer) => ({ body: { files: answer.files.slice(0, 1) } });
		const result = await startWithFiles(
			{ attachments: { file: [{ binaryProperty: 'a', inputName: 'first' }, { binaryProperty: 'b', inputName: 'second' }] } },
			{ files: [{ a: text('a.txt', 'A'), b: text('b.txt', 'B') }], viaProxy: true },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			'Vishwa\'s answer to the upload of "a.txt" (binary property "a", for input "first") and "b.txt" (binary property "b", for input "second") lists 1 file for the 2 files sent, so the node cannot tell which reference belongs to which input and no run of flow "flow-ok" was started',
		);
		expect(result.error.description).toMatch(/^The files are probably stored in Vishwa; no run of flow "flow-ok" was started\. Vishwa answered \{"files":\[/);
		expect(runsByApi()).toBe(0);
	});

	test('no list of files at all: a clear error, no run', async () => {
		proxy.rewriteUpload = () => ({ body: { ok: true } });
		const result = await startWithFiles({}, { viaProxy: true });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			'Vishwa\'s answer to the upload of "report.txt" (binary property "data", for input "document") lists no files (no "files", "data" or "assets" list), so no run of flow "flow-ok" was started',
		);
		expect(result.error.description).toBe('The file is probably stored in Vishwa; no run of flow "flow-ok" was started. Vishwa answered {"ok":true}.');
		expect(runsByApi()).toBe(0);
	});

	test('an entry without the chosen field: a clear error naming the file, no run', async () => {
		const result = await startWithFiles({ referenceField: 'custom', customReference: 'asset_id' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			'The upload answer\'s entry for "report.txt" (binary property "data", for input "document") has no field "asset_id", so no run of flow "flow-ok" was started',
		);
		expect(result.error.description).toMatch(/Choose another Reference Field \(ID, URL, Whole Upload Entry or Custom\)\.$/);
		expect(standin.state.files).toHaveLength(1);
		expect(runsByApi()).toBe(0);

		proxy.rewriteUpload = (answer) => ({ body: { files: answer.files.map((f) => ({ file_name: f.file_name })) } });
		const noUrl = await startWithFiles({}, { viaProxy: true });
		expect(noUrl.error.message).toMatch(/has neither a URL nor an ID \(url, file_url, file_id, id\), so no run of flow "flow-ok" was started$/);
		expect(runsByApi()).toBe(0);
	});
});

describe('a failed upload starts no run and names the file', () => {
	const NAMED = 'Could not upload "report.txt" (binary property "data", for input "document"), so no run of flow "flow-ok" was started: ';

	test('a refused key (401)', async () => {
		const result = await startWithFiles({}, { apiKey: 'wrong-key-1a2b3c' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`${NAMED}The Vishwa API key was refused (HTTP 401)`);
		expect(result.error.description).toMatch(/No run of flow "flow-ok" was started\.$/);
		expect(uploads()).toHaveLength(1);
		expect(standin.state.requestsFor('start-run')).toHaveLength(0);
		expect(runsByApi()).toBe(0);
	});

	test('a rejected upload (422)', async () => {
		proxy.rewriteUpload = () => ({ status: 422, body: { detail: 'File type not allowed' } });
		const result = await startWithFiles({}, { viaProxy: true });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			`${NAMED}Vishwa rejected the request to upload the file to attach (HTTP 422): File type not allowed`,
		);
		expect(result.error.httpCode).toBe('422');
		expect(runsByApi()).toBe(0);
	});

	test('a server error (500) is not repeated', async () => {
		standin.state.addFault({ route: 'upload', kind: '500' });
		const result = await startWithFiles({});
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(`${NAMED}Vishwa had a server error (HTTP 500) while trying to upload the file to attach`);
		expect(uploads()).toHaveLength(1);
		expect(runsByApi()).toBe(0);
	});

	test('a lost answer: the files may be stored, no run, nothing repeated', async () => {
		standin.state.addFault({ route: 'upload', kind: 'drop-after' });
		const result = await startWithFiles({});
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			`${NAMED}The request to upload the file to attach was sent but its answer was lost (connection reset)`,
		);
		expect(result.error.description).toBe(
			'Vishwa may have stored the files already: check before uploading them again. It was not repeated automatically, so nothing is done twice. No run of flow "flow-ok" was started.',
		);
		// The stand-in did store the file; no run exists.
		expect(standin.state.files).toHaveLength(1);
		expect(uploads()).toHaveLength(1);
		expect(runsByApi()).toBe(0);
	});

	test('a missing binary property fails before anything is sent', async () => {
		const result = await startWithFiles({
			attachments: { file: [{ binaryProperty: 'data', inputName: 'document' }, { binaryProperty: 'scan', inputName: 'images' }] },
		});
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Item 0: No binary property "scan" (its binary properties are "data")');
		expect(result.error.description).toMatch(/^Set "Files to Attach" to the names of the item's binary properties/);
		expect(standin.state.requests).toHaveLength(0);
	});

	test('bad Attach Files parameters fail before anything is sent', async () => {
		const cases = [
			[{ attachments: {} }, 'Item 0: Files to Attach is empty'],
			[{ attachments: { file: [{ binaryProperty: 'data', inputName: '' }] } }, 'Item 0: Input Name of entry 1 in Files to Attach is empty'],
			[
				{ inputFields: { input: [{ name: 'document', value: 'x' }] } },
				'Item 0: Input "document" is given twice: in Inputs and in Files to Attach',
			],
			[{ referenceField: 'custom', customReference: 'x{' }, 'Item 0: Custom Reference has an unmatched brace: "x{"'],
			[{ attachTemporary: 'maybe' }, 'Item 0: Temporary Files must be true or false (got "maybe")'],
		];
		for (const [params, message] of cases) {
			const result = await startWithFiles(params);
			expect(result.status).toBe('error');
			expect(result.error.message).toBe(message);
		}
		expect(standin.state.requests).toHaveLength(0);
	});

	test('a start-run that fails after the upload says which files are already stored', async () => {
		const result = await startWithFiles({ flowId: 'no-such-flow' });
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('Flow "no-such-flow" was not found');
		const [file] = standin.state.files;
		expect(result.error.description).toMatch(
			new RegExp(`The attached files were uploaded first: "report.txt" \\(input "document"\\) as "${fileUrl(file.file_id).replace(/[.?]/g, '\\$&')}"\\.$`),
		);
		expect(runsByApi()).toBe(0);
	});
});

describe('with Wait for Completion', () => {
	const wait = { waitForCompletion: true, waitOptions: { pollInterval: 0.1 } };

	test('success: the final status (the stand-in echoes the inputs as outputs) next to the uploaded files', async () => {
		const result = await startWithFiles(wait);
		expect(result.status).toBe('success');
		const [file] = standin.state.files;
		const [item] = result.output('Vishwa');
		expect(item.json).toMatchObject({
			run_status: 'completed',
			outputs: { document: fileUrl(file.file_id) },
			attachedFiles: [expect.objectContaining({ input: 'document', reference: fileUrl(file.file_id) })],
		});
		expect(runsByApi()).toBe(1);
	});

	test('a failed run fails the item, or is returned with the files when On Failed Run says so', async () => {
		const failed = await startWithFiles({ ...wait, flowId: 'flow-fail' });
		expect(failed.status).toBe('error');
		expect(failed.error.message).toMatch(/^Run "run_1" of flow "flow-fail" failed \(status "failed"\)$/);

		const returned = await startWithFiles({ ...wait, flowId: 'flow-fail', onFailedRun: 'return' });
		expect(returned.status).toBe('success');
		expect(returned.json('Vishwa')[0]).toMatchObject({
			run_status: 'failed',
			attachedFiles: [expect.objectContaining({ input: 'document', fileName: 'report.txt' })],
		});
	});

	test('an upload failure starts nothing to wait for', async () => {
		standin.state.addFault({ route: 'upload', kind: 'drop-after' });
		const result = await startWithFiles(wait);
		expect(result.status).toBe('error');
		expect(standin.state.requestsFor('status')).toHaveLength(0);
		expect(runsByApi()).toBe(0);
	});
});

describe('many items', () => {
	test('with concurrency: order and pairedItem kept, each run gets its own item\'s file', async () => {
		const count = 8;
		const contents = Array.from({ length: count }, (_value, index) => crypto.randomBytes(1000 + index * 997));
		// The first upload to arrive answers late, so items finish out of order.
		standin.state.addFault({ route: 'upload', kind: 'slow', delayMs: 400 });
		const result = await startWithFiles(
			{ inputFields: { input: [{ name: 'n', value: '={{ $json.n }}' }] }, options: { concurrency: 4 } },
			{
				items: contents.map((_content, n) => ({ n })),
				files: contents.map((content, n) => ({
					data: { fileName: `item-${n}.bin`, mimeType: 'application/octet-stream', base64: content.toString('base64') },
				})),
			},
		);
		expect(result.status).toBe('success');
		const output = result.output('Vishwa');
		expect(output.map((item) => item.pairedItem)).toEqual(contents.map((_content, item) => ({ item })));
		expect(uploads()).toHaveLength(count);
		expect(runsByApi()).toBe(count);
		output.forEach((item, n) => {
			const run = standin.state.getRun(item.json.run_id);
			expect(run.inputs.n).toBe(n);
			const fileId = run.inputs.document.split('/').pop();
			expect(storedFile(fileId)).toMatchObject({ file_name: `item-${n}.bin`, sha256: sha256(contents[n]), size: contents[n].length });
			expect(item.json.attachedFiles[0].reference).toBe(run.inputs.document);
		});
	});

	test('Continue On Fail: a failed item carries its error in place, the others run', async () => {
		proxy.rewriteUpload = (answer, body) =>
			body.includes('reject-me') ? { status: 422, body: { detail: 'Unreadable document' } } : { body: answer };
		const result = await startWithFiles(
			{ options: { concurrency: 3 } },
			{
				items: [{}, {}, {}, {}],
				files: [
					{ data: text('ok-0.txt', 'fine') },
					{ other: text('wrong.txt', 'no data property') },
					{ data: text('bad.txt', 'reject-me') },
					{ data: text('ok-3.txt', 'fine too') },
				],
				continueOnFail: true,
				viaProxy: true,
			},
		);
		expect(result.status).toBe('success');
		const output = result.output('Vishwa');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output[0].json.attachedFiles[0].fileName).toBe('ok-0.txt');
		expect(output[1].json).toEqual({
			flow_id: 'flow-ok', // a failed item still names its flow (issue 19)
			error: 'Item 1: No binary property "data" (its binary properties are "other")',
			errorDescription: expect.any(String),
		});
		expect(output[2].json.error).toBe(
			'Could not upload "bad.txt" (binary property "data", for input "document"), so no run of flow "flow-ok" was started: Vishwa rejected the request to upload the file to attach (HTTP 422): Unreadable document',
		);
		expect(output[3].json.attachedFiles[0].fileName).toBe('ok-3.txt');
		// Two runs, for items 0 and 3, each with its own file.
		expect(runsByApi()).toBe(2);
		const runFiles = runs().map((run) => storedFile(run.inputs.document.split('/').pop()).file_name).sort();
		expect(runFiles).toEqual(['ok-0.txt', 'ok-3.txt']);
	});
});
