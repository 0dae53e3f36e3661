#!/usr/bin/env node
'use strict';
/**
 * Figure 1, Start Run throughput: N items through Run > Start with the stand-in answering after
 * `delay` ms, at the node's default concurrency and a higher one, against
 *   - a raw HTTP client (Node's http with a keep-alive agent) making the same requests with the
 *     same JSON bodies at the same concurrency: the practical limit;
 *   - n8n's own HTTP Request node (n8n-nodes-base 2.x, V3 at typeVersion 4.2) doing the same job
 *     in the same n8n-core, with the key in a Header Auth credential (as n8n recommends for keys).
 *     It has no concurrency setting: by default it sends every item's request at once; its
 *     Batching option (N items per batch, a pause between batches) is the closest to a concurrency
 *     limit, so it runs with batch size = concurrency and pause = the server's delay. That bounds
 *     the rate at which requests are sent, not the requests in flight (HttpRequestV3 sends a batch,
 *     sleeps, sends the next without waiting for answers: n8n-nodes-base 2.x), so the stand-in's
 *     count of requests open at once is recorded for every configuration (most, and average over
 *     the time any was open), and a like-for-like configuration runs the node at a Concurrency
 *     equal to the HTTP Request node's average in flight, rounded (measured in a full-size run
 *     before the repetitions; its peak is reached only for moments).
 * Node times are the node's own execution time as n8n records it (runData executionTime), so the
 * workflow around it (building 1000 items) is not counted. Every repetition checks that the
 * stand-in started exactly N runs and every item got a run_id. CPU time per item (this process:
 * n8n and the clients; the stand-in runs in its own process) and the time n8n's event loop waited
 * for a CPU taken by other processes (/proc/self/schedstat) explain where the time goes, and a
 * raw client opening a new connection per request (as n8n-core 2.x does: it builds a new HTTP
 * agent for every request) shows what connection reuse is worth.
 *
 *   node bench/figures/startRun.js [--quick] [--items 1000] [--reps 5] [--delay 20] [--result file.json]
 */
const fs = require('fs');
const path = require('path');

const { median, round, parseArgs, findN8nNodesBase, writeResult, runMain, log } = require('../lib/common');
const { rawClient } = require('../lib/rawClient');
const { startStandinProcess } = require('../lib/standinProcess');

const args = parseArgs();
const quick = Boolean(args.quick);
const ITEMS = Number(args.items || (quick ? 50 : 1000));
const REPS = Number(args.reps || (quick ? 1 : 5));
const DELAY_MS = Number(args.delay || 20);
const FLOW = 'bench-start';

/**
 * Time the main thread (n8n's event loop) spent runnable but waiting for a CPU, in ns (Linux
 * /proc/self/schedstat, second field): on a shared machine, other processes' load shows up here.
 */
function runQueueWaitNs() {
	try {
		return Number(fs.readFileSync('/proc/self/schedstat', 'utf8').trim().split(/\s+/)[1]);
	} catch {
		return undefined;
	}
}

/** The same JSON body every client sends for item i. */
const bodyOf = (i) => ({ input_1: `item ${i}`, index: i });

async function main() {
	const { createHarness, linearWorkflow, TYPES } = require('../../test/harness');
	const harness = createHarness();
	await harness.load();
	const nodesBase = findN8nNodesBase();
	let httpRequestType;
	if (nodesBase) {
		[httpRequestType] = await harness.registerPackageNodes(nodesBase, ['dist/nodes/HttpRequest/HttpRequest.node.js']);
	} else {
		log('n8n-nodes-base not found (run e2e/install-n8n.sh v2): the HTTP Request node comparison is skipped');
	}

	const standin = await startStandinProcess({ flows: [{ id: FLOW, durationMs: 60000, responseDelayMs: DELAY_MS }] });
	const startUrl = `${standin.url}/v1/workflow/${FLOW}/start-run`;
	// The HTTP Request node holds the key the way n8n recommends: a Header Auth credential.
	const credentials = {
		vishwaApi: { apiKey: standin.apiKey, baseUrl: standin.url },
		httpHeaderAuth: { name: 'XP-API-Key', value: standin.apiKey },
	};
	const { DEFAULT_CONCURRENCY } = require('../../dist/nodes/Vishwa/actions/common');
	const HIGH = Number(args.high || 20);
	const itemsNode = (count) => ({
		name: 'Items',
		type: TYPES.items,
		parameters: { items: JSON.stringify(Array.from({ length: count }, (_, i) => ({ i }))) },
	});
	const bodyExpression = '={{ JSON.stringify({ input_1: "item " + $json.i, index: $json.i }) }}';

	const vishwaWorkflow = (count, concurrency) =>
		linearWorkflow([
			itemsNode(count),
			{
				name: 'Run',
				type: TYPES.vishwa,
				parameters: {
					resource: 'run',
					operation: 'start',
					flowId: FLOW,
					specifyInputs: 'json',
					inputsJson: bodyExpression,
					options: { concurrency },
				},
			},
		]);
	const httpWorkflow = (count, batchSize) =>
		linearWorkflow([
			itemsNode(count),
			{
				name: 'Run',
				type: httpRequestType,
				typeVersion: 4.2,
				parameters: {
					method: 'POST',
					url: startUrl,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendBody: true,
					specifyBody: 'json',
					jsonBody: bodyExpression,
					options: batchSize ? { batching: { batch: { batchSize, batchInterval: DELAY_MS } } } : {},
				},
				credentials: { httpHeaderAuth: { id: 'cred-header', name: 'Vishwa key as a header' } },
			},
		]);

	const cpuMs = {};
	/** The most requests open at once at the stand-in, per configuration and run. */
	const openMax = {};
	const openMean = {};
	const cpuWaitMs = {};
	const addCpu = (key, before, count) => {
		const used = process.cpuUsage(before.cpu);
		(cpuMs[key] = cpuMs[key] || []).push((used.user + used.system) / 1000 / count);
		const sched = runQueueWaitNs();
		if (sched !== undefined && before.waitNs !== undefined) {
			(cpuWaitMs[key] = cpuWaitMs[key] || []).push((sched - before.waitNs) / 1e6 / count);
		}
	};
	/** Runs a workflow and answers the Run node's execution time, after checking every item. */
	const timeWorkflow = async (workflow, count) => {
		await standin.control('POST', '/reset');
		const result = await harness.runWorkflow(workflow, { credentials });
		if (result.status !== 'success') throw new Error(`workflow ${result.status}: ${result.error && result.error.message}`);
		const out = result.json('Run');
		const stats = await standin.control('GET', '/stats');
		if (out.length !== count || out.some((json) => typeof json.run_id !== 'string') || stats.runsCreatedByApi !== count) {
			throw new Error(`expected ${count} runs, got ${out.length} items and ${stats.runsCreatedByApi} runs`);
		}
		lastOpenMax = stats.requestsOpenMax;
		lastOpenMean = stats.requestsBusyMs > 0 ? stats.requestsOpenMs / stats.requestsBusyMs : 0;
		return result.run.data.resultData.runData.Run[0].executionTime;
	};
	let lastOpenMax;
	let lastOpenMean;
	const timeRaw = async (count, concurrency, keepAlive) => {
		await standin.control('POST', '/reset');
		const ms = await rawClient(startUrl, standin.apiKey, count, concurrency, { keepAlive, bodyOf });
		const stats = await standin.control('GET', '/stats');
		if (stats.runsCreatedByApi !== count) throw new Error(`raw client: ${stats.runsCreatedByApi} runs`);
		return ms;
	};

	const configs = [];
	const measured = (key, run) => ({
		key,
		run: async (count) => {
			const before = { cpu: process.cpuUsage(), waitNs: runQueueWaitNs() };
			lastOpenMax = undefined;
			lastOpenMean = undefined;
			const ms = await run(count);
			addCpu(key, before, count);
			if (lastOpenMax !== undefined) (openMax[key] = openMax[key] || []).push(lastOpenMax);
			if (lastOpenMean !== undefined) (openMean[key] = openMean[key] || []).push(lastOpenMean);
			return ms;
		},
	});
	for (const concurrency of [DEFAULT_CONCURRENCY, HIGH]) {
		configs.push(measured(`raw@${concurrency}`, (count) => timeRaw(count, concurrency)));
		configs.push(measured(`node@${concurrency}`, (count) => timeWorkflow(vishwaWorkflow(count, concurrency), count)));
		if (httpRequestType) {
			configs.push(measured(`httpBatched@${concurrency}`, (count) => timeWorkflow(httpWorkflow(count, concurrency), count)));
		}
	}
	configs.push(measured(`rawNewConnection@${DEFAULT_CONCURRENCY}`, (count) => timeRaw(count, DEFAULT_CONCURRENCY, false)));
	if (httpRequestType) {
		configs.push(measured('httpAllAtOnce', (count) => timeWorkflow(httpWorkflow(count, 0), count)));
		configs.push(measured('rawAllAtOnce', (count) => timeRaw(count, count)));
	}

	try {
		// Warm-up (JIT, lazy requires, sockets), not measured.
		for (const config of configs) await config.run(quick ? 5 : 50);
		for (const key of Object.keys(cpuMs)) delete cpuMs[key];
		for (const key of Object.keys(cpuWaitMs)) delete cpuWaitMs[key];
		// Like for like: the HTTP Request node's requests in flight at batches of the default
		// Concurrency, on average over the time any was open (its peak is reached only briefly),
		// measured at full size, become the node's Concurrency in its own configuration.
		let samePeak;
		if (httpRequestType) {
			await timeWorkflow(httpWorkflow(ITEMS, DEFAULT_CONCURRENCY), ITEMS);
			samePeak = Math.max(1, Math.round(lastOpenMean));
			configs.push(measured('node@httpPeak', (count) => timeWorkflow(vishwaWorkflow(count, samePeak), count)));
			log(`start run: the HTTP Request node had ${lastOpenMean.toFixed(1)} requests in flight on average, up to ${lastOpenMax} (batches of ${DEFAULT_CONCURRENCY})`);
		}
		for (const key of Object.keys(openMax)) delete openMax[key];
		for (const key of Object.keys(openMean)) delete openMean[key];
		const times = Object.fromEntries(configs.map((config) => [config.key, []]));
		for (let rep = 0; rep < REPS; rep++) {
			// Rotating the order spreads slow moments of a noisy machine over all configurations.
			for (let k = 0; k < configs.length; k++) {
				const config = configs[(k + rep) % configs.length];
				times[config.key].push(await config.run(ITEMS));
			}
			log(`start run: repetition ${rep + 1}/${REPS} done`);
		}
		const ms = Object.fromEntries(Object.entries(times).map(([key, list]) => [key, median(list)]));
		const d = DEFAULT_CONCURRENCY;
		const ratio = (a, b) => (ms[a] !== undefined && ms[b] !== undefined ? round(ms[a] / ms[b], 3) : undefined);
		const perSecond = (key) => (ms[key] === undefined ? undefined : round((ITEMS / ms[key]) * 1000, 1));
		const cpu = (key) => (cpuMs[key] === undefined ? undefined : round(median(cpuMs[key]), 2));
		const cpuWait = (key) => (cpuWaitMs[key] === undefined ? undefined : round(median(cpuWaitMs[key]), 2));
		const openMaxOf = (key) => (openMax[key] === undefined ? undefined : Math.max(...openMax[key]));
		const openMeanOf = (key) => (openMean[key] === undefined ? undefined : round(median(openMean[key]), 1));
		const whole = (key) => (ms[key] === undefined ? undefined : round(ms[key]));
		writeResult(args, {
			figures: {
				startRunRatioVsRaw: ratio(`node@${d}`, `raw@${d}`),
				startRunRatioVsHttpRequestNode: ratio(`node@${d}`, `httpBatched@${d}`),
				startRunRatioVsRawHighConcurrency: ratio(`node@${HIGH}`, `raw@${HIGH}`),
				startRunRatioVsHttpRequestNodeHighConcurrency: ratio(`node@${HIGH}`, `httpBatched@${HIGH}`),
				// The node at the HTTP Request node's average in flight, against that node (batches of d).
				startRunRatioVsHttpRequestNodeSamePeak: ratio('node@httpPeak', `httpBatched@${d}`),
				startRunNodeSamePeakMs: whole('node@httpPeak'),
				startRunSamePeakConcurrency: samePeak,
				startRunNodeOpenMax: openMaxOf(`node@${d}`),
				startRunHttpRequestNodeOpenMax: openMaxOf(`httpBatched@${d}`),
				startRunNodeOpenMean: openMeanOf(`node@${d}`),
				startRunHttpRequestNodeOpenMean: openMeanOf(`httpBatched@${d}`),
				startRunNodeMs: whole(`node@${d}`),
				startRunRawMs: whole(`raw@${d}`),
				startRunHttpRequestNodeMs: whole(`httpBatched@${d}`),
				startRunRawNewConnectionMs: whole(`rawNewConnection@${d}`),
				startRunNodeHighConcurrencyMs: whole(`node@${HIGH}`),
				startRunRawHighConcurrencyMs: whole(`raw@${HIGH}`),
				startRunHttpRequestNodeHighConcurrencyMs: whole(`httpBatched@${HIGH}`),
				startRunHttpRequestNodeAllAtOnceMs: whole('httpAllAtOnce'),
				startRunRawAllAtOnceMs: whole('rawAllAtOnce'),
				startRunNodeRunsPerSecond: perSecond(`node@${d}`),
				startRunNodeHighConcurrencyRunsPerSecond: perSecond(`node@${HIGH}`),
				startRunNodeCpuMsPerItem: cpu(`node@${d}`),
				startRunHttpRequestNodeCpuMsPerItem: cpu(`httpBatched@${d}`),
				startRunRawCpuMsPerItem: cpu(`raw@${d}`),
				startRunNodeCpuWaitMsPerItem: cpuWait(`node@${d}`),
				startRunHttpRequestNodeCpuWaitMsPerItem: cpuWait(`httpBatched@${d}`),
			},
			details: {
				items: ITEMS,
				repetitions: REPS,
				responseDelayMs: DELAY_MS,
				defaultConcurrency: d,
				highConcurrency: HIGH,
				idealMsAtDefault: (ITEMS / d) * DELAY_MS,
				idealMsAtHigh: (ITEMS / HIGH) * DELAY_MS,
				httpRequestNode: httpRequestType ? `${httpRequestType} v4.2 from ${path.relative(process.cwd(), nodesBase) || nodesBase}` : null,
				samplesMs: Object.fromEntries(Object.entries(times).map(([key, list]) => [key, list.map((v) => round(v))])),
				cpuMsPerItem: Object.fromEntries(Object.entries(cpuMs).map(([key, list]) => [key, round(median(list), 2)])),
				requestsOpenMax: Object.fromEntries(Object.entries(openMax).map(([key, list]) => [key, list])),
				cpuWaitMsPerItem: Object.fromEntries(Object.entries(cpuWaitMs).map(([key, list]) => [key, round(median(list), 2)])),
			},
		});
	} finally {
		await standin.stop();
	}
}

runMain(main);
