#!/usr/bin/env node
'use strict';
/**
 * Measures whether Asset > Upload streams: uploads one big file (default 400 MiB) held in n8n's
 * filesystem binary data store and reports how much this process's resident memory (RSS) grew.
 * A buffered upload grows by at least the file size; a streamed one by a few chunks.
 *
 *   npm run build && node bench/upload-memory.js [--mib 400] [--mode filesystem|default]
 *
 * The node runs inside n8n-core's real WorkflowExecute (test/harness) and sends over a real
 * socket to the Vishwa stand-in, which runs in a child process so its memory is not counted.
 * Exit code 1 when the upload's growth reaches the limit (--limit-mib, default 64) or the stored
 * file's size or sha256 differ from what was sent. The whole workflow's growth is reported too:
 * it includes n8n copying the file into its binary data store before the upload (n8n's own code).
 *
 * Measured on the development machine (Node 20, n8n-core 2.41.1, 400 MiB): upload growth about
 * 11 MiB, whole workflow 45-60 MiB. The same upload with redirect following left on (axios's
 * follow-redirects keeps every byte written): about 411 MiB.
 */
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const arg = (name, fallback) => {
	const index = args.indexOf(`--${name}`);
	return index >= 0 ? args[index + 1] : fallback;
};
const MIB = 1024 * 1024;
const sizeMib = Number(arg('mib', 400));
const mode = arg('mode', 'filesystem');
const limitMib = Number(arg('limit-mib', 64));

const { createHarness, linearWorkflow, TYPES } = require('../test/harness');

async function startStandinProcess() {
	const child = spawn(process.execPath, [path.join(__dirname, '..', 'test', 'standin', 'cli.js'), '--port', '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const url = await new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const match = /listening on (http:\/\/\S+)/.exec(out);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
	});
	return { url, stop: () => child.kill('SIGTERM') };
}

/** Writes `bytes` of pseudo-random data in 1 MiB blocks and returns its sha256. */
async function writeBigFile(file, bytes) {
	const hash = crypto.createHash('sha256');
	const out = fs.createWriteStream(file);
	const block = crypto.randomBytes(MIB);
	for (let written = 0; written < bytes; written += MIB) {
		const chunk = block.subarray(0, Math.min(MIB, bytes - written));
		block[0] = (block[0] + 1) & 0xff; // every block differs a little
		hash.update(chunk);
		if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
	}
	await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
	return hash.digest('hex');
}

async function main() {
	const harness = createHarness({ binaryMode: mode });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-bench-'));
	const file = path.join(dir, 'big.bin');
	const bytes = Math.round(sizeMib * MIB);
	const sha256 = await writeBigFile(file, bytes);
	const standin = await startStandinProcess();
	try {
		await harness.load();
		const credentials = { vishwaApi: { apiKey: 'standin-key', baseUrl: standin.url } };
		const uploadWorkflow = (filePath) => linearWorkflow([
			{
				name: 'Items',
				type: TYPES.items,
				parameters: {
					items: JSON.stringify([{}]),
					files: JSON.stringify([{ data: { fileName: path.basename(filePath), mimeType: 'application/octet-stream', path: filePath } }]),
				},
			},
			{ name: 'Vishwa', type: TYPES.vishwa, parameters: { resource: 'asset', operation: 'upload', binaryProperties: 'data', options: {} } },
		]);

		// Warm-up: a small upload first, so lazily loaded code (HTTP client, binary data store)
		// is not counted as growth caused by the big one.
		const small = path.join(dir, 'small.bin');
		fs.writeFileSync(small, crypto.randomBytes(64 * 1024));
		const warmUp = await harness.runWorkflow(uploadWorkflow(small), { credentials });
		if (warmUp.status !== 'success') throw new Error(`warm-up ${warmUp.status}: ${warmUp.error && warmUp.error.message}`);
		await fetch(`${standin.url}/__control/reset`, { method: 'POST' });

		if (global.gc) global.gc();
		const baseline = process.memoryUsage().rss;
		const samples = [];
		const sample = () => samples.push({ at: Date.now(), rss: process.memoryUsage().rss });
		const sampler = setInterval(sample, 10);
		const started = Date.now();
		const result = await harness.runWorkflow(uploadWorkflow(file), { credentials });
		clearInterval(sampler);
		sample();
		const seconds = (Date.now() - started) / 1000;
		if (result.status !== 'success') throw new Error(`workflow ${result.status}: ${result.error && result.error.message}`);

		// The workflow first copies the file into n8n's binary data store (n8n's own code, in the
		// Items node), then uploads it. The upload phase starts when the stand-in saw the request.
		const requests = await (await fetch(`${standin.url}/__control/requests`)).json();
		const uploadStart = Date.parse(requests.find((request) => request.route === 'upload').time);
		const before = samples.filter((entry) => entry.at < uploadStart);
		const during = samples.filter((entry) => entry.at >= uploadStart);
		const atUploadStart = before.length ? before[before.length - 1].rss : baseline;
		const peak = Math.max(...samples.map((entry) => entry.rss));
		const uploadPeak = Math.max(atUploadStart, ...during.map((entry) => entry.rss));
		const uploadSeconds = (samples[samples.length - 1].at - uploadStart) / 1000;
		const stored = await (await fetch(`${standin.url}/__control/files`)).json();
		const growthMib = (uploadPeak - atUploadStart) / MIB;
		const intact = stored.length === 1 && stored[0].size === bytes && stored[0].sha256 === sha256;
		const mib = (value) => Number((value / MIB).toFixed(1));
		const report = {
			mode,
			fileMiB: sizeMib,
			workflowSeconds: Number(seconds.toFixed(1)),
			uploadSeconds: Number(uploadSeconds.toFixed(1)),
			uploadThroughputMiBps: Number((sizeMib / uploadSeconds).toFixed(1)),
			rssAtStartMiB: mib(baseline),
			rssAtUploadStartMiB: mib(atUploadStart),
			peakRssMiB: mib(peak),
			/** The measure: how much the upload itself grew RSS. */
			uploadRssGrowthMiB: mib(uploadPeak - atUploadStart),
			/** Including n8n copying the file into its store before the upload. */
			workflowRssGrowthMiB: mib(peak - baseline),
			limitMiB: limitMib,
			storedIntact: intact,
		};
		console.log(JSON.stringify(report, null, 2));
		if (!intact) throw new Error(`stored file differs: ${JSON.stringify(stored)}`);
		if (growthMib >= limitMib) throw new Error(`The upload grew RSS by ${growthMib.toFixed(1)} MiB (limit ${limitMib} MiB)`);
	} finally {
		standin.stop();
		fs.rmSync(dir, { recursive: true, force: true });
		// The harness's n8n user folder holds the binary data store (a copy of the file).
		fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(`FAIL ${error.message}`);
		process.exit(1);
	},
);
