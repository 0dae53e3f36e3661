'use strict';
/** The benchmark table (Markdown, readable as plain text too) from results.json and its details. */

const has = (value) => typeof value === 'number' && Number.isFinite(value);
const seconds = (ms) => (has(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const millis = (ms) => (has(ms) ? `${Math.round(ms)} ms` : 'n/a');
const fixed = (value, digits = 2) => (has(value) ? value.toFixed(digits) : 'n/a');
const mib = (value) => (has(value) ? `${value.toFixed(1)} MiB` : 'n/a');
const count = (value) => (has(value) ? value.toLocaleString('en-US') : 'n/a');
const met = (ok, value) => (has(value) ? (ok ? 'yes' : '**no**') : 'n/a');

function durationLabel(ms) {
	if (ms >= 60000) return `${ms / 60000} min`;
	return `${ms / 1000} s`;
}

function renderTable(r, details = {}) {
	const rows = [];
	const row = (...cells) => rows.push(cells);
	const start = details.startRun || {};
	const d = start.defaultConcurrency || 5;
	const high = start.highConcurrency || 20;
	const delay = start.responseDelayMs || 20;
	const items = count(start.items || 1000);

	row(`1. Start Run, ${items} items, ${delay} ms answers, concurrency ${d} (default)`, seconds(r.startRunNodeMs), `raw HTTP client, same concurrency: ${seconds(r.startRunRawMs)}`, fixed(r.startRunRatioVsRaw), '≤ 1.15', met(r.startRunRatioVsRaw <= 1.15, r.startRunRatioVsRaw));
	// The HTTP Request node's batching bounds the send rate, not the requests in flight: both peaks are shown.
	const mean = has(r.startRunHttpRequestNodeOpenMean) ? `, on average ${r.startRunNodeOpenMean} vs ${r.startRunHttpRequestNodeOpenMean}` : '';
	const inFlight = has(r.startRunHttpRequestNodeOpenMax) ? `; requests in flight at most ${r.startRunNodeOpenMax} vs ${r.startRunHttpRequestNodeOpenMax}${mean}` : '';
	row(`1. … against n8n's HTTP Request node (batches of ${d} every ${delay} ms${inFlight})`, seconds(r.startRunNodeMs), `HTTP Request node: ${seconds(r.startRunHttpRequestNodeMs)}`, fixed(r.startRunRatioVsHttpRequestNode), '≤ 1.00', met(r.startRunRatioVsHttpRequestNode <= 1, r.startRunRatioVsHttpRequestNode));
	if (has(r.startRunRatioVsHttpRequestNodeSamePeak)) {
		row(`1. … like for like: the node at concurrency ${r.startRunSamePeakConcurrency}, ${has(r.startRunHttpRequestNodeOpenMean) ? "about the HTTP Request node's average" : "the HTTP Request node's peak"} in flight at batches of ${d}`, seconds(r.startRunNodeSamePeakMs), `HTTP Request node: ${seconds(r.startRunHttpRequestNodeMs)}`, fixed(r.startRunRatioVsHttpRequestNodeSamePeak), '≤ 1.00', met(r.startRunRatioVsHttpRequestNodeSamePeak <= 1, r.startRunRatioVsHttpRequestNodeSamePeak));
	}
	row(`1. Start Run, concurrency ${high}`, seconds(r.startRunNodeHighConcurrencyMs), `raw HTTP client: ${seconds(r.startRunRawHighConcurrencyMs)}`, fixed(r.startRunRatioVsRawHighConcurrency), '≤ 1.15', met(r.startRunRatioVsRawHighConcurrency <= 1.15, r.startRunRatioVsRawHighConcurrency));
	row(`1. … against the HTTP Request node (batches of ${high})`, seconds(r.startRunNodeHighConcurrencyMs), `HTTP Request node: ${seconds(r.startRunHttpRequestNodeHighConcurrencyMs)}`, fixed(r.startRunRatioVsHttpRequestNodeHighConcurrency), '≤ 1.00', met(r.startRunRatioVsHttpRequestNodeHighConcurrency <= 1, r.startRunRatioVsHttpRequestNodeHighConcurrency));
	row('1. For the record: all items at once (HTTP Request node default)', '—', `HTTP Request node ${seconds(r.startRunHttpRequestNodeAllAtOnceMs)}; raw client ${seconds(r.startRunRawAllAtOnceMs)}`, '', '', '');
	const real = details.startRunRealN8n || {};
	if (has(r.startRunRealN8nRatioVsHttpRequestNode)) {
		const realInFlight = has(r.startRunRealN8nHttpRequestNodeOpenMax) ? `; requests in flight at most ${r.startRunRealN8nNodeOpenMax} vs ${r.startRunRealN8nHttpRequestNodeOpenMax}` : '';
		row(`1. … in a real n8n 2.41.1 (\`n8n execute\`, ${count(real.items || 1000)} items, concurrency ${d}, medians of ${real.repetitions || 3} alternated runs${realInFlight})`, seconds(r.startRunRealN8nNodeMs), `HTTP Request node: ${seconds(r.startRunRealN8nHttpRequestNodeMs)}`, fixed(r.startRunRealN8nRatioVsHttpRequestNode), '≤ 1.00', met(r.startRunRealN8nRatioVsHttpRequestNode <= 1, r.startRunRealN8nRatioVsHttpRequestNode));
	}
	row(`1. For the record: CPU time per item in the n8n process, concurrency ${d}`, has(r.startRunNodeCpuMsPerItem) ? `${fixed(r.startRunNodeCpuMsPerItem)} ms` : 'n/a', `HTTP Request node ${fixed(r.startRunHttpRequestNodeCpuMsPerItem)} ms; raw client ${fixed(r.startRunRawCpuMsPerItem)} ms`, '', '', '');
	row(`1. For the record: time per item n8n's event loop waited for a CPU held by other processes, concurrency ${d}`, has(r.startRunNodeCpuWaitMsPerItem) ? `${fixed(r.startRunNodeCpuWaitMsPerItem)} ms` : 'n/a', `HTTP Request node ${fixed(r.startRunHttpRequestNodeCpuWaitMsPerItem)} ms`, '', '', '');
	row(`1. For the record: raw client opening a new connection per request (as n8n does), concurrency ${d}`, '—', `${seconds(r.startRunRawNewConnectionMs)} (keep-alive: ${seconds(r.startRunRawMs)})`, '', '', '');

	const fileLabel = has(r.uploadFileMiB) ? (r.uploadFileMiB >= 1024 ? `${r.uploadFileMiB / 1024} GiB` : `${r.uploadFileMiB} MiB`) : '?';
	row(`2. Upload ${fileLabel}, filesystem binary mode: peak RSS growth of the n8n process`, mib(r.uploadPeakRssGrowthMiB), `raw streaming multipart client: ${mib(r.uploadRawPeakRssGrowthMiB)}`, '', '< 64 MiB', met(r.uploadPeakRssGrowthMiB < 64, r.uploadPeakRssGrowthMiB));
	row('2. … throughput', has(r.uploadNodeMiBps) ? `${r.uploadNodeMiBps.toFixed(1)} MiB/s` : 'n/a', has(r.uploadRawMiBps) ? `raw client: ${r.uploadRawMiBps.toFixed(1)} MiB/s` : 'n/a', fixed(r.uploadThroughputRatioVsRaw), '≥ 0.70', met(r.uploadThroughputRatioVsRaw >= 0.7, r.uploadThroughputRatioVsRaw));
	row(`2. For the record: ${has(r.uploadDefaultModeFileMiB) ? r.uploadDefaultModeFileMiB : '?'} MiB in the default (in-memory) binary mode`, `${mib(r.uploadDefaultModePeakRssGrowthMiB)} growth`, 'the item holds the file as base64; the upload sends a decoded copy', fixed(r.uploadDefaultModeThroughputRatioVsRaw), '', '');

	const wait = details.wait || {};
	const durations = (wait.runDurationsMs || [2000, 30000, 300000]).map(durationLabel);
	const runsMeasured = (wait.repetitions || 3) * durations.length;
	row(`3. Wait for Completion: extra latency after the run ends (median of ${runsMeasured} runs; max ${millis(r.waitExtraLatencyMsMax)})`, millis(r.waitExtraLatencyMs), `interval before the last status request: ${[r.waitLastPollIntervalMsFor2sRun, r.waitLastPollIntervalMsFor30sRun, r.waitLastPollIntervalMsFor5MinRun].map(millis).join(' / ')}`, '', '≤ that interval + 50 ms', has(r.waitRunsOverTarget) ? (r.waitRunsOverTarget === 0 ? `yes (all ${runsMeasured} runs)` : `**no** (${r.waitRunsOverTarget} of ${runsMeasured} runs)`) : 'n/a');
	const scale = wait.timeScale || 1;
	const fixedPolling = (wait.runDurationsMs || [2000, 30000, 300000]).map((ms) => Math.round(ms / (1000 * scale)));
	const backoffRatio = has(r.waitRequestsFor5MinRun) ? r.waitRequestsFor5MinRun / fixedPolling[2] : undefined;
	row(`3. … status requests for runs of ${durations.join(' / ')}`, [r.waitRequestsFor2sRun, r.waitRequestsFor30sRun, r.waitRequestsFor5MinRun].map(count).join(' / '), `polling every ${1000 * scale} ms (the first interval) throughout: ${fixedPolling.map(count).join(' / ')}`, fixed(backoffRatio), 'grows slowly (backoff)', met(backoffRatio <= 0.25, backoffRatio));
	row('3. … extra latency per run length', [r.waitExtraLatencyMsFor2sRun, r.waitExtraLatencyMsFor30sRun, r.waitExtraLatencyMsFor5MinRun].map(millis).join(' / '), '', '', '', '');

	const pagesPlusOne = has(r.triggerPagesWithNewRuns) ? r.triggerPagesWithNewRuns + 1 : undefined;
	row(`4. Trigger: requests per poll (${count(r.triggerHistoryRuns)} past runs, ${count(r.triggerNewRunsPerPoll)} new since the last poll)`, count(r.triggerRequestsPerPoll), `listing pages holding new runs + 1 = ${count(pagesPlusOne)}`, '', `≤ ${count(pagesPlusOne)}`, met(r.triggerRequestsPerPoll <= pagesPlusOne, r.triggerRequestsPerPoll));
	row('4. … poll time', millis(r.triggerPollMs), '', '', '', '');
	row('4. … saved state (workflow static data, JSON)', has(r.triggerStateBytes) ? `${count(r.triggerStateBytes)} bytes` : 'n/a', '', '', '< 65,536 bytes', met(r.triggerStateBytes < 65536, r.triggerStateBytes));

	const many = details.waitMany || {};
	const manyItems = count(many.items || 200);
	const manyRun = durationLabel(many.runMs || 10000);
	// The ideal's start phase: a plain client's (bench/lib/rawClient.js); results measured before it
	// existed used the node's own start phase.
	const startPhase = has(r.waitManyRawStartAllMs)
		? `a plain client starts all in ${seconds(r.waitManyRawStartAllMs)}`
		: `start all ${seconds(r.waitManyStartAllMs)}`;
	row(`5. Wait for Completion on ${manyItems} items at once, runs of ${manyRun}, default options: node's time`, seconds(r.waitManyNodeMs), `ideal (${startPhase} + ${manyRun} + poll interval ${seconds(r.waitManyPollIntervalAtEndMs)}): ${seconds(r.waitManyIdealMs)}`, fixed(r.waitManyRatioVsIdeal), '≤ 1.30', met(r.waitManyRatioVsIdeal <= 1.3, r.waitManyRatioVsIdeal));
	if (has(r.waitManyRawStartAllMs)) row("5. … the node's own start phase (node start to the last start-run's answer)", seconds(r.waitManyStartAllMs), `the plain client: ${seconds(r.waitManyRawStartAllMs)}`, fixed(r.waitManyStartAllMs / r.waitManyRawStartAllMs), '', '');
	row('5. … as before: Concurrency lanes (each of 5 lanes held its item for the whole wait)', seconds(r.waitManyLanesMs), `the same ideal: ${seconds(r.waitManyIdealMs)}`, fixed(r.waitManyLanesRatioVsIdeal), '', '');
	// "Never more" than one wait's cost: the most any run got, against one wait on the same schedule.
	const oneWait = has(r.waitManyOneWaitStatusRequests) ? r.waitManyOneWaitStatusRequests : r.waitManyLanesStatusRequestsPerRun;
	row('5. … status requests per run (median; most)', has(r.waitManyStatusRequestsPerRun) ? `${count(r.waitManyStatusRequestsPerRun)}; ${count(r.waitManyStatusRequestsPerRunMax)}` : 'n/a', `one wait on such a run: ${count(oneWait)}; as before (lanes): ${count(r.waitManyLanesStatusRequestsPerRun)}; ${count(r.waitManyLanesStatusRequestsPerRunMax)}`, '', 'most ≤ one wait', met(r.waitManyStatusRequestsPerRunMax <= oneWait, r.waitManyStatusRequestsPerRunMax));
	row('5. … most requests in flight at once (answers after 20 ms)', count(r.waitManyRequestsInFlightMax), 'Concurrency 5', '', '≤ 5', met(r.waitManyRequestsInFlightMax <= 5, r.waitManyRequestsInFlightMax));

	const header = ['Figure', 'Vishwa node', 'Baseline', 'Ratio', 'Target', 'Met'];
	const escape = (cell) => String(cell).replace(/\|/g, '\\|');
	return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

const TABLE_START = '<!-- bench-table:start -->';
const TABLE_END = '<!-- bench-table:end -->';

/** The block docs/performance.md holds: the machine and versions, then the table, between markers. */
function docBlock(r, details) {
	const m = r.machine;
	const v = r.versions;
	return [
		TABLE_START,
		`Measured ${m.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${v.node},`
			+ ` n8n-core ${v['n8n-core']}${v['n8n-nodes-base'] ? `, n8n-nodes-base ${v['n8n-nodes-base']}` : ''}`
			+ `${v.commit ? `, commit ${v.commit}` : ''}; load average ${m.loadAverage1m} when the run started`
			+ ` (${m.seconds ? `${Math.round(m.seconds / 60)} minutes` : 'one run'}).`
			+ (m.figuresMeasured && m.otherFiguresFrom
				? ` That run measured ${m.figuresMeasured.join(', ')}; the other figures are from the run of ${String(m.otherFiguresFrom).slice(0, 10)}${m.otherFiguresCommit ? ` (commit ${m.otherFiguresCommit})` : ''}.`
				: ''),
		'',
		renderTable(r, details),
		TABLE_END,
	].join('\n');
}

module.exports = { renderTable, docBlock, TABLE_START, TABLE_END };
