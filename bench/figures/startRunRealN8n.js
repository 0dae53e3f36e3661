#!/usr/bin/env node
'use strict';
/**
 * Figure 1b, Start Run in a real n8n 2.41.1 (issue 15): 1,000 items through Run > Start against the
 * stand-in (20 ms answers, Concurrency 5), and the same 1,000 start-runs through n8n's HTTP Request
 * node (v4.2, Header Auth credential, batches of 5 every 20 ms) in the same n8n, each run by
 * `n8n execute` (a fresh n8n process each time, as the CLI works), the two alternated; the figure
 * is the ratio of the nodes' own execution times (runData executionTime), medians of the
 * repetitions. Needs the real n8n that `e2e/install-n8n.sh v2` installs; without it the figure is
 * skipped (no keys). Not part of --quick (each `n8n execute` boots n8n, tens of seconds).
 *
 *   node bench/figures/startRunRealN8n.js [--items 1000] [--reps 3] [--result file.json]
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { ROOT, median, round, parseArgs, writeResult, runMain, log } = require('../lib/common');
const { startStandinProcess } = require('../lib/standinProcess');

const args = parseArgs();
const ITEMS = Number(args.items || 1000);
const REPS = Number(args.reps || 3);
const DELAY_MS = 20;
const CONCURRENCY = 5;
const FLOW = 'bench-real';

async function main() {
	if (args.quick) {
		writeResult(args, { figures: {}, details: { skipped: 'not part of --quick' } });
		return;
	}
	const n8n = require(path.join(ROOT, 'e2e', 'lib', 'n8n'));
	let paths;
	try {
		paths = n8n.createInstance({ version: 'v2', port: await n8n.freePort(), brokerPort: await n8n.freePort() });
	} catch (error) {
		log(`startRunRealN8n: skipped (${error.message.split('\n')[0]})`);
		writeResult(args, { figures: {}, details: { skipped: 'n8n v2 is not installed (e2e/install-n8n.sh v2)' } });
		return;
	}
	const inst = paths;
	const standin = await startStandinProcess({ flows: [{ id: FLOW, durationMs: 60000, responseDelayMs: DELAY_MS }] });
	try {
		const tgz = n8n.packPackage(ROOT);
		n8n.installPackageTarball(inst.userFolder, tgz);
		await n8n.importCredentials(inst, [
			{ id: 'benchVishwaCred', name: 'Vishwa (stand-in)', type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: standin.url } },
			{ id: 'benchHeaderCred', name: 'Vishwa key as a header', type: 'httpHeaderAuth', data: { name: 'XP-API-Key', value: standin.apiKey } },
		]);
		const id = () => crypto.randomUUID();
		const conn = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });
		const bodyExpression = '={{ JSON.stringify({ input_1: "item " + $json.i, index: $json.i }) }}';
		const itemsNodes = [
			{ id: id(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: id(), name: 'List', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0],
				parameters: { mode: 'manual', assignments: { assignments: [{ id: id(), name: 'list', value: `={{ Array.from({ length: ${ITEMS} }, (_, i) => ({ i })) }}`, type: 'array' }] }, options: {} },
			},
			{ id: id(), name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'list', options: {} } },
		];
		const workflow = (wfId, runNode) => ({
			id: wfId, name: wfId, active: false, settings: { executionOrder: 'v1' },
			nodes: [...itemsNodes, { id: id(), name: 'Run', position: [600, 0], ...runNode }],
			connections: { ...conn('Start', 'List'), ...conn('List', 'Items'), ...conn('Items', 'Run') },
		});
		const vishwa = workflow('benchRealVishwa', {
			type: 'n8n-nodes-vishwa.vishwa', typeVersion: 1, credentials: { vishwaApi: { id: 'benchVishwaCred', name: 'Vishwa (stand-in)' } },
			parameters: { resource: 'run', operation: 'start', flowId: FLOW, specifyInputs: 'json', inputsJson: bodyExpression, options: { concurrency: CONCURRENCY } },
		});
		const http = workflow('benchRealHttp', {
			type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, credentials: { httpHeaderAuth: { id: 'benchHeaderCred', name: 'Vishwa key as a header' } },
			parameters: {
				method: 'POST', url: `${standin.url}/v1/workflow/${FLOW}/start-run`, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth',
				sendBody: true, specifyBody: 'json', jsonBody: bodyExpression, options: { batching: { batch: { batchSize: CONCURRENCY, batchInterval: DELAY_MS } } },
			},
		});
		await n8n.importWorkflows(inst, [vishwa, http]);

		const times = { vishwa: [], http: [] };
		// The HTTP Request node's batches bound the send rate, not the requests in flight (see startRun.js).
		const openMax = { vishwa: [], http: [] };
		for (let rep = 0; rep < REPS; rep++) {
			for (const [key, wf] of rep % 2 ? [['http', http], ['vishwa', vishwa]] : [['vishwa', vishwa], ['http', http]]) {
				await standin.control('POST', '/reset');
				const result = await n8n.executeWorkflow(inst, wf.id, { timeoutMs: 600000 });
				if (!result.ok) throw new Error(`${key}: ${result.error ? result.error.message : `exit ${result.code}`}`);
				const run = result.runData.Run[0];
				const out = n8n.nodeOutput(result, 'Run');
				const stats = await standin.control('GET', '/stats');
				if (out.length !== ITEMS || stats.runsCreatedByApi !== ITEMS) throw new Error(`${key}: ${out.length} items, ${stats.runsCreatedByApi} runs for ${ITEMS}`);
				times[key].push(run.executionTime);
				openMax[key].push(stats.requestsOpenMax);
				log(`startRunRealN8n ${rep + 1}/${REPS} ${key}: ${run.executionTime} ms`);
			}
		}
		const vishwaMs = median(times.vishwa);
		const httpMs = median(times.http);
		writeResult(args, {
			figures: {
				startRunRealN8nNodeMs: round(vishwaMs),
				startRunRealN8nHttpRequestNodeMs: round(httpMs),
				startRunRealN8nRatioVsHttpRequestNode: round(vishwaMs / httpMs, 2),
				startRunRealN8nNodeOpenMax: Math.max(...openMax.vishwa),
				startRunRealN8nHttpRequestNodeOpenMax: Math.max(...openMax.http),
			},
			details: { items: ITEMS, repetitions: REPS, responseDelayMs: DELAY_MS, concurrency: CONCURRENCY, n8n: 'v2 (e2e install)', timesMs: times, requestsOpenMax: openMax },
		});
	} finally {
		await standin.stop();
		fs.rmSync(inst.userFolder, { recursive: true, force: true });
	}
}

runMain(main);
