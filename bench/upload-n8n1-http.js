#!/usr/bin/env node
'use strict';
/**
 * Proves the streamed multipart body also streams through n8n 1.x's HTTP code (n8n-core 1.x's
 * `httpRequest`: convertN8nRequestToAxios, then axios), which the dev dependencies (n8n 2.x) do
 * not contain. Needs an n8n-core 1.x installed elsewhere, for example:
 *
 *   mkdir /tmp/n8n1core && cd /tmp/n8n1core && npm init -y &&
 *     npm i --ignore-scripts n8n-core@1.122.48 n8n-workflow@1.120.31      # what n8n@1.123.81 pins
 *   npm run build && node bench/upload-n8n1-http.js --n8n-core /tmp/n8n1core/node_modules/n8n-core [--mib 300] [--follow-redirects]
 *
 * It builds the body with this package's built transport/multipart.js from a file on disk (as the
 * node does for filesystem-mode binary data), sends it with n8n-core 1.x's httpRequest to the
 * stand-in (a child process) exactly as the transport does, and reports RSS growth and whether
 * the stored file matches. `--follow-redirects` leaves redirect following on, to show the copy
 * that follow-redirects keeps of every byte.
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
const coreDir = arg('n8n-core');
const sizeMib = Number(arg('mib', 300));
const limitMib = Number(arg('limit-mib', 64));
const followRedirects = args.includes('--follow-redirects');

if (!coreDir) {
	console.error('Usage: node bench/upload-n8n1-http.js --n8n-core <dir of an n8n-core 1.x> [--mib 300] [--follow-redirects]');
	process.exit(2);
}

async function main() {
	const corePackage = require(path.join(path.resolve(coreDir), 'package.json'));
	const { httpRequest } = require(
		path.join(path.resolve(coreDir), 'dist/execution-engine/node-execution-context/utils/request-helper-functions.js'),
	);
	const axiosVersion = require(require.resolve('axios/package.json', { paths: [path.resolve(coreDir)] })).version;
	const { streamedMultipart } = require('../dist/nodes/Vishwa/transport/multipart');

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-bench1-'));
	const file = path.join(dir, 'big.bin');
	const bytes = Math.round(sizeMib * MIB);
	const hash = crypto.createHash('sha256');
	const block = crypto.randomBytes(MIB);
	const fd = fs.openSync(file, 'w');
	for (let written = 0; written < bytes; written += MIB) {
		block[0] = (block[0] + 1) & 0xff;
		const chunk = block.subarray(0, Math.min(MIB, bytes - written));
		hash.update(chunk);
		fs.writeSync(fd, chunk);
	}
	fs.closeSync(fd);
	const sha256 = hash.digest('hex');

	const child = spawn(process.execPath, [path.join(__dirname, '..', 'test', 'standin', 'cli.js'), '--port', '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	try {
		const url = await new Promise((resolve, reject) => {
			let out = '';
			child.stdout.on('data', (chunk) => {
				out += chunk;
				const match = /listening on (http:\/\/\S+)/.exec(out);
				if (match) resolve(match[1]);
			});
			child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
		});
		const multipart = streamedMultipart([
			{
				fieldName: 'files',
				fileName: 'big "1.x" ✓.bin',
				mimeType: 'application/octet-stream',
				size: bytes,
				open: () => fs.createReadStream(file),
			},
		]);
		const send = () =>
			httpRequest({
				method: 'POST',
				url: `${url}/v1/assets/upload`,
				qs: { temp: 'false' },
				headers: { Accept: 'application/json', 'Content-Type': multipart.contentType, 'XP-API-Key': 'standin-key' },
				body: multipart.body(),
				encoding: 'text',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 600000,
				...(followRedirects ? {} : { disableFollowRedirect: true }),
			});

		// Warm-up with a fresh body of the same upload would double the stored files; a GET warms
		// the HTTP client instead.
		await httpRequest({ method: 'GET', url: `${url}/__control/stats`, json: true });
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 10);
		const started = Date.now();
		const response = await send();
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);
		const seconds = (Date.now() - started) / 1000;

		const stored = await (await fetch(`${url}/__control/files`)).json();
		const intact = stored.length === 1 && stored[0].size === bytes && stored[0].sha256 === sha256 && stored[0].file_name === 'big "1.x" ✓.bin';
		const growth = (peak - baseline) / MIB;
		console.log(
			JSON.stringify(
				{
					n8nCore: corePackage.version,
					axios: axiosVersion,
					followRedirects,
					status: response.statusCode,
					fileMiB: sizeMib,
					seconds: Number(seconds.toFixed(1)),
					rssGrowthMiB: Number(growth.toFixed(1)),
					limitMiB: limitMib,
					storedIntact: intact,
				},
				null,
				2,
			),
		);
		if (response.statusCode !== 200 || !intact) throw new Error(`upload failed: ${response.statusCode} ${JSON.stringify(stored)}`);
		if (growth >= limitMib) throw new Error(`RSS grew by ${growth.toFixed(1)} MiB (limit ${limitMib} MiB)`);
	} finally {
		child.kill('SIGTERM');
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(`FAIL ${error.message}`);
		process.exit(1);
	},
);
