#!/usr/bin/env node
'use strict';
/**
 * Figure 2, upload memory and speed. One big file (1 GiB; --quick: 8 MiB) sent by Asset > Upload
 * with n8n in filesystem binary data mode, and a smaller one (128 MiB; --quick: 4 MiB) in the
 * default in-memory mode, for the record.
 *
 * What is measured: the n8n side runs in a child process (uploadChild.js: n8n-core's real
 * WorkflowExecute through the test harness); this process reads its resident memory (VmRSS in
 * /proc/<pid>/status) every 20 ms. The file is first put into n8n's binary data store, as an
 * earlier node of a workflow would (not measured), garbage is collected, and the baseline is the
 * median RSS over the next 300 ms. Then a workflow whose only work is the Vishwa node uploading
 * that item runs; the figure is the highest RSS sampled while it runs minus the baseline: how much
 * memory the upload itself needs. Throughput is bytes / the Vishwa node's execution time, against
 * a raw streaming multipart client (form-data with a file read stream piped into http.request)
 * sending the same file from the same process to the same stand-in (its own process, streaming
 * to disk), with repetitions interleaved. Every stored upload's size and sha256 are checked.
 *
 *   node bench/figures/upload.js [--quick] [--mib 1024] [--default-mib 128] [--reps 3] [--result f.json]
 */
const crypto = require('crypto');
const { fork } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { MIB, median, round, parseArgs, writeResult, runMain, log } = require('../lib/common');
const { startStandinProcess } = require('../lib/standinProcess');

const args = parseArgs();
const quick = Boolean(args.quick);
const FILESYSTEM_MIB = Number(args.mib || (quick ? 8 : 1024));
const DEFAULT_MIB = Number(args['default-mib'] || (quick ? 4 : 128));
const REPS = Number(args.reps || (quick ? 1 : 3));
const SAMPLE_EVERY_MS = 20;
const BASELINE_MS = 300;

function readRssBytes(pid) {
	try {
		const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Samples a process's RSS every SAMPLE_EVERY_MS; `between(a, b)` gives the samples in a window. */
function rssSampler(pid) {
	const samples = [];
	const take = () => {
		const rss = readRssBytes(pid);
		if (rss !== undefined) samples.push({ at: Date.now(), rss });
	};
	take();
	const timer = setInterval(take, SAMPLE_EVERY_MS);
	return {
		stop: () => clearInterval(timer),
		take,
		between: (from, to) => samples.filter((sample) => sample.at >= from && sample.at <= to).map((sample) => sample.rss),
	};
}

/** Writes `bytes` of pseudo-random data (every MiB block differs) and answers its sha256. */
async function writeRandomFile(file, bytes) {
	const hash = crypto.createHash('sha256');
	const out = fs.createWriteStream(file);
	const block = crypto.randomBytes(MIB);
	for (let written = 0; written < bytes; written += MIB) {
		block.writeUInt32LE(written / MIB, 0);
		const chunk = Buffer.from(block.subarray(0, Math.min(MIB, bytes - written)));
		hash.update(chunk);
		if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
	}
	await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
	return hash.digest('hex');
}

function startChild(mode, standin) {
	const child = fork(path.join(__dirname, 'uploadChild.js'), [mode, standin.url, standin.apiKey], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
	});
	let nextId = 1;
	const pending = new Map();
	let onReady;
	const ready = new Promise((resolve, reject) => {
		onReady = resolve;
		child.once('exit', (code) => reject(new Error(`upload child exited with ${code}`)));
	});
	child.on('message', (message) => {
		if (message.ready) return onReady();
		const waiter = pending.get(message.id);
		if (!waiter) return;
		pending.delete(message.id);
		if (message.ok) waiter.resolve(message);
		else waiter.reject(new Error(message.error));
	});
	child.on('exit', (code) => {
		for (const waiter of pending.values()) waiter.reject(new Error(`upload child exited with ${code}`));
		pending.clear();
	});
	const send = (message) =>
		new Promise((resolve, reject) => {
			const id = nextId++;
			pending.set(id, { resolve, reject });
			child.send({ ...message, id });
		});
	return { child, ready, send };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One mode: stage the file, then interleave node and raw uploads; memory and speed of each. */
async function measureMode({ mode, mib, reps, dir, standin }) {
	const file = path.join(dir, `${mode}-${mib}MiB.bin`);
	const bytes = Math.round(mib * MIB);
	log(`upload (${mode}): writing a ${mib} MiB file`);
	const sha256 = await writeRandomFile(file, bytes);
	const { child, ready, send } = startChild(mode, standin);
	await ready;
	const sampler = rssSampler(child.pid);
	const checkStored = async (label) => {
		const stored = await standin.control('GET', '/files');
		const last = stored[stored.length - 1];
		if (!last || last.size !== bytes || last.sha256 !== sha256) {
			throw new Error(`${label}: the stand-in stored ${JSON.stringify(last)}, expected ${bytes} bytes with sha256 ${sha256}`);
		}
		await standin.control('POST', '/reset'); // deletes the stored copy
	};
	/** Runs one upload, answering its time and the RSS growth over the clean baseline. */
	const measured = async (cmd) => {
		await send({ cmd: 'gc' });
		await sleep(BASELINE_MS);
		const baselineFrom = Date.now() - BASELINE_MS;
		sampler.take();
		const baseline = median(sampler.between(baselineFrom, Date.now()));
		const startedAt = Date.now();
		const answer = await send({ cmd, file });
		sampler.take();
		const during = sampler.between(startedAt, Date.now());
		await checkStored(`${mode} ${cmd}`);
		return { ms: answer.ms, growth: Math.max(...during) - baseline, baseline, peak: Math.max(...during), samples: during.length };
	};
	try {
		// Warm-up: lazily loaded code (HTTP client, form-data, binary data store) is not counted.
		const warmFile = path.join(dir, `${mode}-warm.bin`);
		fs.writeFileSync(warmFile, crypto.randomBytes(256 * 1024));
		await send({ cmd: 'stage', file: warmFile });
		await send({ cmd: 'node' });
		await send({ cmd: 'raw', file: warmFile });
		await standin.control('POST', '/reset');

		const staged = await send({ cmd: 'stage', file });
		log(`upload (${mode}): staged${staged.binaryId ? ` as ${staged.binaryId.split(':')[0]}` : ' in memory'}`);
		const node = [];
		const raw = [];
		for (let rep = 0; rep < reps; rep++) {
			// Alternate which goes first, so neither always meets a warmer page cache.
			const order = rep % 2 ? ['raw', 'node'] : ['node', 'raw'];
			for (const cmd of order) (cmd === 'node' ? node : raw).push(await measured(cmd));
			log(`upload (${mode}): repetition ${rep + 1}/${reps} done`);
		}
		const throughput = (list) => median(list.map((entry) => mib / (entry.ms / 1000)));
		return {
			mode,
			fileMiB: mib,
			stagedInBinaryStore: Boolean(staged.binaryId),
			nodePeakRssGrowthMiB: round(median(node.map((entry) => entry.growth)) / MIB, 1),
			nodeMaxPeakRssGrowthMiB: round(Math.max(...node.map((entry) => entry.growth)) / MIB, 1),
			rawPeakRssGrowthMiB: round(median(raw.map((entry) => entry.growth)) / MIB, 1),
			baselineRssMiB: round(median(node.map((entry) => entry.baseline)) / MIB, 1),
			nodeMiBps: round(throughput(node), 1),
			rawMiBps: round(throughput(raw), 1),
			throughputRatioVsRaw: round(throughput(node) / throughput(raw), 3),
			nodeSeconds: node.map((entry) => round(entry.ms / 1000, 2)),
			rawSeconds: raw.map((entry) => round(entry.ms / 1000, 2)),
			nodeGrowthMiB: node.map((entry) => round(entry.growth / MIB, 1)),
			rawGrowthMiB: raw.map((entry) => round(entry.growth / MIB, 1)),
			rssSamplesPerUpload: median(node.map((entry) => entry.samples)),
		};
	} finally {
		sampler.stop();
		await send({ cmd: 'exit' }).catch(() => undefined);
		if (child.exitCode === null) child.kill('SIGTERM');
		fs.rmSync(file, { force: true });
	}
}

async function main() {
	if (!fs.existsSync('/proc/self/status')) throw new Error('The upload figure reads /proc/<pid>/status (Linux only)');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-bench-upload-'));
	const standin = await startStandinProcess({ storageDir: path.join(dir, 'standin') });
	try {
		const filesystem = await measureMode({ mode: 'filesystem', mib: FILESYSTEM_MIB, reps: REPS, dir, standin });
		const inMemory = await measureMode({ mode: 'default', mib: DEFAULT_MIB, reps: REPS, dir, standin });
		writeResult(args, {
			figures: {
				uploadPeakRssGrowthMiB: filesystem.nodePeakRssGrowthMiB,
				uploadThroughputRatioVsRaw: filesystem.throughputRatioVsRaw,
				uploadNodeMiBps: filesystem.nodeMiBps,
				uploadRawMiBps: filesystem.rawMiBps,
				uploadRawPeakRssGrowthMiB: filesystem.rawPeakRssGrowthMiB,
				uploadFileMiB: filesystem.fileMiB,
				uploadDefaultModePeakRssGrowthMiB: inMemory.nodePeakRssGrowthMiB,
				uploadDefaultModeThroughputRatioVsRaw: inMemory.throughputRatioVsRaw,
				uploadDefaultModeFileMiB: inMemory.fileMiB,
			},
			details: { repetitions: REPS, sampleEveryMs: SAMPLE_EVERY_MS, baselineMs: BASELINE_MS, filesystem, default: inMemory },
		});
	} finally {
		await standin.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

runMain(main);
