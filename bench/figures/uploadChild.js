'use strict';
/**
 * The "n8n process" of the upload figure (bench/figures/upload.js forks it with --expose-gc and
 * samples its resident memory from outside). It runs n8n-core's real WorkflowExecute through the
 * test harness in one binary data mode and answers the parent's commands over IPC:
 *   { cmd: 'stage', file }   read the file into n8n's binary data store, as an earlier node of a
 *                            workflow would (not measured); answers { staged: true }
 *   { cmd: 'node' }          run Manual Trigger -> (the staged item) -> Vishwa Asset > Upload;
 *                            answers { ms } (the Vishwa node's execution time)
 *   { cmd: 'raw', file }     a raw streaming multipart client: form-data with a file read stream,
 *                            piped into http.request; answers { ms }
 * Before answering 'ready' to each command it collects garbage, so every measurement starts clean.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');

const mode = process.argv[2];
const standinUrl = process.argv[3];
const apiKey = process.argv[4];

const { createHarness, linearWorkflow, TYPES } = require('../../test/harness');
const { removeHarnessFolder } = require('../lib/common');
const harness = createHarness({ binaryMode: mode });
const credentials = { vishwaApi: { apiKey, baseUrl: standinUrl } };

/** A bench-only node that outputs the items it is given in memory (the staged file's item). */
let givenItems = [];
const GIVEN = 'bench.givenItems';
const givenItemsNode = {
	description: {
		displayName: 'Given Items',
		name: 'givenItems',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Given Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute() {
		return [givenItems.map((item) => ({ ...item, pairedItem: { item: 0 } }))];
	},
};

async function stage(file) {
	const result = await harness.runWorkflow(
		linearWorkflow([
			{
				name: 'Items',
				type: TYPES.items,
				parameters: {
					items: JSON.stringify([{}]),
					files: JSON.stringify([{ data: { fileName: path.basename(file), mimeType: 'application/octet-stream', path: file } }]),
				},
			},
		]),
		{ credentials },
	);
	if (result.status !== 'success') throw new Error(`staging failed: ${result.error && result.error.message}`);
	givenItems = result.output('Items').map(({ json, binary }) => ({ json, binary }));
	return { staged: true, binaryId: givenItems[0].binary.data.id || null };
}

async function uploadThroughNode() {
	const result = await harness.runWorkflow(
		linearWorkflow([
			{ name: 'Given', type: GIVEN, parameters: {} },
			{ name: 'Upload', type: TYPES.vishwa, parameters: { resource: 'asset', operation: 'upload', binaryProperties: 'data', options: {} } },
		]),
		{ credentials },
	);
	if (result.status !== 'success') throw new Error(`upload workflow ${result.status}: ${result.error && result.error.message}`);
	return { ms: result.run.data.resultData.runData.Upload[0].executionTime };
}

function uploadRaw(file) {
	const FormData = require('form-data');
	const form = new FormData();
	form.append('files', fs.createReadStream(file), { filename: path.basename(file), contentType: 'application/octet-stream', knownLength: fs.statSync(file).size });
	const target = new URL(`${standinUrl}/v1/assets/upload?temp=false`);
	const started = process.hrtime.bigint();
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				host: target.hostname,
				port: target.port,
				path: `${target.pathname}${target.search}`,
				method: 'POST',
				headers: { ...form.getHeaders(), 'content-length': form.getLengthSync(), accept: 'application/json', 'XP-API-Key': apiKey },
			},
			(response) => {
				let text = '';
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () => {
					if (response.statusCode !== 200) return reject(new Error(`raw upload: HTTP ${response.statusCode} ${text}`));
					resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6 });
				});
			},
		);
		request.on('error', reject);
		form.on('error', reject);
		form.pipe(request);
	});
}

async function handle(message) {
	switch (message.cmd) {
		case 'stage':
			return await stage(message.file);
		case 'node':
			return await uploadThroughNode();
		case 'raw':
			return await uploadRaw(message.file);
		case 'gc':
			if (global.gc) global.gc();
			return { rss: process.memoryUsage().rss };
		case 'exit':
			removeHarnessFolder();
			setImmediate(() => process.exit(0));
			return {};
		default:
			throw new Error(`unknown command ${message.cmd}`);
	}
}

async function main() {
	const loaded = await harness.load();
	loaded.nodeTypes[GIVEN] = givenItemsNode;
	process.on('message', (message) => {
		handle(message).then(
			(answer) => process.send({ id: message.id, ok: true, ...answer }),
			(error) => process.send({ id: message.id, ok: false, error: error.stack || String(error) }),
		);
	});
	process.send({ ready: true, pid: process.pid });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
