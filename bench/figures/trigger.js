#!/usr/bin/env node
'use strict';
/**
 * Figure 4, trigger cost: the Vishwa Trigger on a flow with a long history (10,000 past runs;
 * --quick: 1,000), polled the way an active workflow polls it (test harness createPoller: a fresh
 * n8n PollContext per poll over the same saved static data). After the activation poll, each
 * repetition lets 100 runs start and finish, then polls once and records:
 *   - requests the poll made (the stand-in's request log: listing + status requests),
 *   - the poll's wall time (this process runs n8n; the stand-in runs in its own process),
 *   - the size of the saved state (the workflow static data as JSON, UTF-8 bytes),
 *   - how many items it emitted (must be the 100 new runs: a check, not a figure).
 * Target: requests per poll at most the listing pages that hold new runs, plus one.
 *
 *   node bench/figures/trigger.js [--quick] [--history 10000] [--new 100] [--reps 5] [--result f.json]
 */
const { median, round, parseArgs, writeResult, runMain, log } = require('../lib/common');
const { startStandinProcess } = require('../lib/standinProcess');

const args = parseArgs();
const quick = Boolean(args.quick);
const HISTORY = Number(args.history || (quick ? 1000 : 10000));
const NEW_RUNS = Number(args.new || 100);
const REPS = Number(args.reps || (quick ? 1 : 5));
const FLOW = 'bench-trigger';

/** The trigger's listing page size, from the built package when it says, else the API's maximum. */
function triggerPageSize() {
	try {
		return require('../../dist/nodes/Vishwa/core/triggerState').DEFAULT_PAGE_SIZE || 100;
	} catch {
		return 100;
	}
}

async function main() {
	const { createHarness, TYPES } = require('../../test/harness');
	const harness = createHarness();
	await harness.load();
	const standin = await startStandinProcess({ flows: [{ id: FLOW, durationMs: 0 }] });
	const credentials = { vishwaApi: { apiKey: standin.apiKey, baseUrl: standin.url } };
	try {
		await standin.control('POST', '/history', { flowId: FLOW, count: HISTORY, durationMs: 500, spacingMs: 1000 });
		const poller = await harness.createPoller(
			{
				type: TYPES.vishwaTrigger,
				parameters: { flowId: FLOW },
				credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } },
			},
			{ credentials },
		);
		const activation = await poller.poll();
		if (activation !== null && activation.length > 0) {
			throw new Error(`the activation poll emitted ${activation.length} past runs (expected none)`);
		}
		const pageSize = triggerPageSize();
		const polls = [];
		for (let rep = 0; rep < REPS; rep++) {
			// 100 runs start and finish between two polls (as Vishwa's UI or schedules would start them).
			for (let i = 0; i < NEW_RUNS; i++) {
				await standin.control('POST', '/runs', { flowId: FLOW, durationMs: 0, runType: 'api' });
			}
			await standin.control('DELETE', '/requests');
			const started = process.hrtime.bigint();
			const emitted = await poller.poll();
			const ms = Number(process.hrtime.bigint() - started) / 1e6;
			const requests = await standin.control('GET', '/requests');
			const count = emitted ? emitted.length : 0;
			if (count !== NEW_RUNS) throw new Error(`poll ${rep + 1} emitted ${count} runs, expected the ${NEW_RUNS} new ones`);
			const stateBytes = Buffer.byteLength(JSON.stringify(poller.savedStaticData()), 'utf8');
			polls.push({
				ms,
				requests: requests.length,
				listRequests: requests.filter((request) => request.route === 'runs').length,
				statusRequests: requests.filter((request) => request.route === 'status').length,
				stateBytes,
			});
			log(`trigger: poll ${rep + 1}/${REPS}: ${requests.length} requests, ${round(ms)} ms, state ${stateBytes} bytes`);
		}
		const pagesWithNewRuns = Math.ceil(NEW_RUNS / pageSize);
		writeResult(args, {
			figures: {
				triggerRequestsPerPoll: median(polls.map((poll) => poll.requests)),
				triggerPollMs: round(median(polls.map((poll) => poll.ms))),
				triggerStateBytes: Math.max(...polls.map((poll) => poll.stateBytes)),
				triggerPagesWithNewRuns: pagesWithNewRuns,
				triggerHistoryRuns: HISTORY,
				triggerNewRunsPerPoll: NEW_RUNS,
			},
			details: { repetitions: REPS, pageSize, polls: polls.map((poll) => ({ ...poll, ms: round(poll.ms) })) },
		});
	} finally {
		await standin.stop();
	}
}

runMain(main);
