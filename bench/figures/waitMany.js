#!/usr/bin/env node
'use strict';
/**
 * Figure 5, many items waiting (issue 15): 200 items through Run > Start with "Wait for Completion"
 * on, runs of 10 s on the stand-in, default options (Concurrency 5, default wait options), in one
 * execution. Measured:
 *   - the node's wall time (runData executionTime) against the ideal: the time to start all runs
 *     at that Concurrency, measured independently of the node in the same run (a plain HTTP client
 *     sending the same start-runs at Concurrency 5 against the same stand-in, bench/lib/rawClient.js),
 *     + the run's 10 s + the poll interval in effect when the runs end (on the default schedule,
 *     1 s growing by half: 5.06 s, the interval from 8.1 s to 13.2 s after a start). A slow start
 *     phase of the node therefore shows in the ratio (the node's own start phase is reported too);
 *   - the same job the way the node waited before (Concurrency lanes: each of 5 lanes holds its item
 *     for the whole wait), measured in the same bench run by setting Max Unfinished Runs to the
 *     Concurrency, which starts the next item's run only when one of 5 has finished: exactly what
 *     the lanes did (same requests, same order). Expected about 40 rounds of one run's wait.
 *   - status requests per run, median and most, against what one wait on one such run costs (one
 *     item's Start with Wait for Completion, measured in the same run; the issue: never more), and
 *     the most requests the stand-in had open at once.
 * The stand-in answers every request of the flow after DELAY_MS (20 ms), so requests overlap and
 * the "most open at once" figure exercises the Concurrency bound (at most 5).
 * --quick: 20 items, time scaled down 10x (runs of 1 s, poll interval 0.1 s, cap 1 s: the node
 * refuses waits below 0.1 s, so a scale below 0.1 is refused here too).
 *
 *   node bench/figures/waitMany.js [--quick] [--items 200] [--scale 0.1] [--skip-lanes] [--result file.json]
 *
 * (--scale: every time scaled by this factor, as --quick does with 0.1; at least 0.1.)
 */
const path = require('path');

const { ROOT, median, round, parseArgs, writeResult, runMain, log } = require('../lib/common');
const { rawClient } = require('../lib/rawClient');
const { startStandinProcess } = require('../lib/standinProcess');

const args = parseArgs();
const quick = Boolean(args.quick);
const SCALE = Number(args.scale || (quick ? 1 / 10 : 1));
// The poll interval is 1 s × SCALE, and the node refuses one below 0.1 s.
if (!(SCALE >= 0.1)) throw new Error(`--scale ${args.scale}: at least 0.1 (the node's smallest Poll Interval is 0.1 s)`);
const ITEMS = Number(args.items || (quick ? 20 : 200));
const RUN_MS = 10000 * SCALE;
const CONCURRENCY = 5; // the node's default (actions/common.ts DEFAULT_CONCURRENCY)
const FLOW = 'bench-wait-many';
/** Every answer of the flow (start-run, status) comes this late: requests overlap, as with a real server. */
const DELAY_MS = 20;

/**
 * The poll interval in effect when a run of `runMs` ends, on the node's schedule (first status
 * request one interval after the start, each interval half again as long, up to the cap).
 */
function intervalInEffectMs(runMs, schedule) {
	const { pollDelayMs } = require(path.join(ROOT, 'dist', 'nodes', 'Vishwa', 'core', 'schedule'));
	let at = 0;
	for (let k = 0; ; k++) {
		const delay = pollDelayMs(k, schedule);
		if (at + delay > runMs) return delay;
		at += delay;
	}
}

async function main() {
	const { createHarness, linearWorkflow, TYPES } = require('../../test/harness');
	const harness = createHarness();
	await harness.load();
	const standin = await startStandinProcess({ flows: [{ id: FLOW, durationMs: RUN_MS, responseDelayMs: DELAY_MS }] });
	const credentials = { vishwaApi: { apiKey: standin.apiKey, baseUrl: standin.url } };
	// Full run: the node's defaults. Quick run (or --scale): the same schedule, faster.
	const scaled = SCALE === 1 ? {} : { pollInterval: 1 * SCALE, maxPollInterval: 10 * SCALE };
	const workflow = (waitOptions, items) =>
		linearWorkflow([
			{ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(Array.from({ length: items }, (_, n) => ({ n }))) } },
			{
				name: 'Run',
				type: TYPES.vishwa,
				parameters: {
					resource: 'run',
					operation: 'start',
					flowId: FLOW,
					specifyInputs: 'json',
					inputsJson: '={{ JSON.stringify({ n: $json.n }) }}',
					waitForCompletion: true,
					waitOptions,
				},
			},
		]);

	/** One execution; what the stand-in saw. */
	async function measure(label, waitOptions, items = ITEMS) {
		await standin.control('POST', '/reset');
		log(`waitMany ${label}: ${items} items, runs of ${RUN_MS / 1000} s`);
		const result = await harness.runWorkflow(workflow(waitOptions, items), { credentials });
		if (result.status !== 'success') throw new Error(`waitMany ${label}: ${result.error && result.error.message}`);
		const nodeRun = result.run.data.resultData.runData.Run[0];
		const out = result.json('Run');
		if (out.length !== items || !out.every((json) => json.run_status === 'completed')) throw new Error(`waitMany ${label}: not every run completed`);
		const starts = await standin.requests('start-run');
		const polls = await standin.requests('status');
		const stats = await standin.control('GET', '/stats');
		if (starts.length !== items || stats.runsCreatedByApi !== items) throw new Error(`waitMany ${label}: ${starts.length} start-runs for ${items} items`);
		const perRun = new Map();
		for (const poll of polls) {
			const times = perRun.get(poll.path) || [];
			times.push(Date.parse(poll.time));
			perRun.set(poll.path, times);
		}
		const counts = [...perRun.values()].map((times) => times.length);
		// The run seen finished last, and the interval before its final status request.
		const last = [...perRun.values()].map((times) => times.sort((a, b) => a - b)).sort((a, b) => a.at(-1) - b.at(-1)).at(-1);
		const lastIntervalMs = last.length >= 2 ? last.at(-1) - last.at(-2) : NaN;
		const startAllMs = Math.max(...starts.map((request) => Date.parse(request.doneTime || request.time))) - nodeRun.startTime;
		return {
			wallMs: nodeRun.executionTime,
			startAllMs,
			lastIntervalMs,
			statusRequestsPerRun: median(counts),
			statusRequestsPerRunMax: Math.max(...counts),
			requestsOpenMax: stats.requestsOpenMax,
		};
	}

	try {
		// Warm-up (not measured): one short execution.
		await harness.runWorkflow(
			linearWorkflow([{ name: 'Run', type: TYPES.vishwa, parameters: { resource: 'run', operation: 'start', flowId: 'flow-instant', waitForCompletion: true, waitOptions: scaled } }]),
			{ credentials },
		);
		// The independent start phase: a plain client sends the same start-runs at Concurrency 5.
		await standin.control('POST', '/reset');
		log(`waitMany: a plain HTTP client starts ${ITEMS} runs at Concurrency ${CONCURRENCY}`);
		const rawStartAllMs = await rawClient(`${standin.url}/v1/workflow/${FLOW}/start-run`, standin.apiKey, ITEMS, CONCURRENCY, {
			bodyOf: (n) => ({ n }),
		});
		// What one wait on one such run costs, in the same conditions: the "never more" reference.
		const oneWait = await measure('(one item: the cost of one wait)', scaled, 1);
		const now = await measure('(all runs at once)', scaled);
		const schedule = { initialMs: 1000 * SCALE, maxMs: 10000 * SCALE, factor: 1.5 };
		const intervalMs = intervalInEffectMs(RUN_MS, schedule);
		const ideal = rawStartAllMs + RUN_MS + intervalMs;
		const figures = {
			waitManyNodeMs: round(now.wallMs),
			waitManyIdealMs: round(ideal),
			waitManyRatioVsIdeal: round(now.wallMs / ideal, 2),
			waitManyRawStartAllMs: round(rawStartAllMs),
			waitManyStartAllMs: round(now.startAllMs),
			waitManyPollIntervalAtEndMs: round(intervalMs),
			waitManyStatusRequestsPerRun: now.statusRequestsPerRun,
			waitManyStatusRequestsPerRunMax: now.statusRequestsPerRunMax,
			waitManyOneWaitStatusRequests: oneWait.statusRequestsPerRunMax,
			waitManyRequestsInFlightMax: now.requestsOpenMax,
		};
		let lanes;
		if (!args['skip-lanes']) {
			lanes = await measure('(Concurrency lanes, as before)', { ...scaled, maxUnfinishedRuns: CONCURRENCY });
			figures.waitManyLanesMs = round(lanes.wallMs);
			figures.waitManyLanesRatioVsIdeal = round(lanes.wallMs / ideal, 2);
			figures.waitManyLanesStatusRequestsPerRun = lanes.statusRequestsPerRun;
			figures.waitManyLanesStatusRequestsPerRunMax = lanes.statusRequestsPerRunMax;
		}
		writeResult(args, {
			figures,
			details: { items: ITEMS, runMs: RUN_MS, concurrency: CONCURRENCY, responseDelayMs: DELAY_MS, timeScale: SCALE, waitOptions: scaled, rawStartAllMs, oneWait, now, lanes },
		});
	} finally {
		await standin.stop();
	}
}

runMain(main);
