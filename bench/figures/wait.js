#!/usr/bin/env node
'use strict';
/**
 * Figure 3, Wait for Completion: Run > Start with "Wait for Completion" on (default wait options)
 * for runs that finish after 2 s, 30 s and 5 min, several of each, all at once (separate workflow
 * executions, so each node returns as soon as its own run ends). For every run:
 *   - extra latency: when the Vishwa node returned (n8n's runData startTime + executionTime) minus
 *     when the run ended (the stand-in's run_end_time);
 *   - status requests made for it (the stand-in's request log) and the interval before the last
 *     one, which bounds the extra latency (target: at most that interval + 50 ms).
 * --quick keeps the shape but scales time down 10x (poll interval 0.1 s, cap 1 s: the node refuses
 * waits below 0.1 s) with shorter runs of 0.2 s, 1 s and 3 s and 2 of each; its "30 s" and "5 min"
 * keys then describe the 1 s and 3 s runs.
 *
 *   node bench/figures/wait.js [--quick] [--reps 3] [--result file.json]
 */
const { median, round, parseArgs, writeResult, runMain, log } = require('../lib/common');
const { startStandinProcess } = require('../lib/standinProcess');

const args = parseArgs();
const quick = Boolean(args.quick);
const SCALE = quick ? 1 / 10 : 1;
const REPS = Number(args.reps || (quick ? 2 : 3));
// Quick: the full run's 30 s and 5 min runs scaled would take 3 s and 30 s; 10 s and 30 s keep it short.
const RUNS = [
	{ label: '2s', key: 'For2sRun', durationMs: 2000 * SCALE },
	{ label: '30s', key: 'For30sRun', durationMs: (quick ? 10000 : 30000) * SCALE },
	{ label: '5min', key: 'For5MinRun', durationMs: (quick ? 30000 : 300000) * SCALE },
];

async function main() {
	const { createHarness, linearWorkflow, TYPES } = require('../../test/harness');
	const harness = createHarness();
	await harness.load();
	const standin = await startStandinProcess({
		flows: RUNS.map((run) => ({ id: `bench-wait-${run.label}`, durationMs: run.durationMs })),
	});
	const credentials = { vishwaApi: { apiKey: standin.apiKey, baseUrl: standin.url } };
	// Full run: the node's defaults. Quick run: the same schedule, 10x faster.
	const waitOptions = quick ? { pollInterval: 1 * SCALE, maxPollInterval: 10 * SCALE } : {};
	const workflow = (run) =>
		linearWorkflow([
			{
				name: 'Run',
				type: TYPES.vishwa,
				parameters: {
					resource: 'run',
					operation: 'start',
					flowId: `bench-wait-${run.label}`,
					specifyInputs: 'json',
					inputsJson: '{"input_1": "bench"}',
					waitForCompletion: true,
					waitOptions,
				},
			},
		]);

	try {
		// Warm-up: one short wait, not measured.
		await harness.runWorkflow(workflow(RUNS[0]), { credentials });
		await standin.control('POST', '/reset');

		const longest = Math.max(...RUNS.map((run) => run.durationMs));
		log(`wait: ${RUNS.length * REPS} runs at once; the longest takes ${round(longest / 1000)} s`);
		const jobs = [];
		for (const run of RUNS) {
			for (let rep = 0; rep < REPS; rep++) {
				jobs.push(
					harness.runWorkflow(workflow(run), { credentials }).then((result) => {
						if (result.status !== 'success') throw new Error(`wait ${run.label}: ${result.error && result.error.message}`);
						const nodeRun = result.run.data.resultData.runData.Run[0];
						const [json] = result.json('Run');
						return { run, runId: json.run_id, finalStatus: json.run_status, returnedAt: nodeRun.startTime + nodeRun.executionTime };
					}),
				);
			}
		}
		const finished = await Promise.all(jobs);
		const statusRequests = await standin.requests('status');

		const measured = [];
		for (const job of finished) {
			const record = await standin.control('GET', `/runs/${encodeURIComponent(job.runId)}`);
			if (!record.finished || job.finalStatus !== 'completed') throw new Error(`run ${job.runId} did not complete: ${JSON.stringify(record)}`);
			const endedAt = Date.parse(record.run_end_time);
			const times = statusRequests
				.filter((request) => request.path.includes(`/run/${encodeURIComponent(job.runId)}/status`))
				.map((request) => Date.parse(request.time))
				.sort((a, b) => a - b);
			const startedAt = Date.parse(record.run_start_time);
			const lastInterval = times.length >= 2 ? times[times.length - 1] - times[times.length - 2] : times[0] - startedAt;
			measured.push({
				label: job.run.label,
				key: job.run.key,
				extraMs: job.returnedAt - endedAt,
				requests: times.length,
				lastIntervalMs: lastInterval,
			});
		}
		const figures = {};
		const perRun = {};
		const all = measured.map((entry) => entry.extraMs);
		figures.waitExtraLatencyMs = round(median(all));
		figures.waitExtraLatencyMsMax = round(Math.max(...all));
		for (const run of RUNS) {
			const mine = measured.filter((entry) => entry.label === run.label);
			figures[`waitExtraLatencyMs${run.key}`] = round(median(mine.map((entry) => entry.extraMs)));
			figures[`waitRequests${run.key}`] = median(mine.map((entry) => entry.requests));
			figures[`waitLastPollIntervalMs${run.key}`] = round(median(mine.map((entry) => entry.lastIntervalMs)));
			perRun[run.label] = mine.map(({ extraMs, requests, lastIntervalMs }) => ({ extraMs: round(extraMs), requests, lastIntervalMs }));
		}
		// Over the target when a run's extra latency exceeds the interval before its last poll + 50 ms.
		figures.waitRunsOverTarget = measured.filter((entry) => entry.extraMs > entry.lastIntervalMs + 50).length;
		writeResult(args, {
			figures,
			details: {
				repetitions: REPS,
				timeScale: SCALE,
				runDurationsMs: RUNS.map((run) => run.durationMs),
				waitOptions,
				perRun,
			},
		});
	} finally {
		await standin.stop();
	}
}

runMain(main);
