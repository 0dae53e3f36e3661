'use strict';
// Issue 15 (s15c), through n8n's WorkflowExecute against the stand-in: without Continue On Fail, items
// held at Vishwa's rate limit end as soon as another item fails the node (not after the Retry-After);
// Stop and a failing node leave none of the package's timers running (every pause is n8n's abortable
// timer, also on n8n 1.x, whose `sleep` ignores its signal); Retry On Fail starts the items that were
// never sent in the failed try: those stopped after their upload because another item failed first,
// and those whose request never reached Vishwa (a typed flag, not the message text, which Attach Files
// changes).
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { createHarness, linearWorkflow, TYPES } = require('./harness');
const { useStandin } = require('./support/standinSuite');

const API_KEY = 'fail-fast-timers-key-71c2';
const harness = createHarness();
const standin = useStandin({ apiKey: API_KEY });

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const time = (iso) => Date.parse(iso);
const requestsTo = (suffix) => standin.state.requests.filter((r) => r.path.endsWith(suffix));
const apiRuns = () => standin.state.runs.filter((run) => run.createdBy === 'api');
const itemN = (request) => JSON.parse(request.bodyExcerpt).n;

const startAndWait = (extra = {}) => ({
	resource: 'run',
	operation: 'start',
	flowId: '={{ $json.flow }}',
	specifyInputs: 'json',
	inputsJson: '={{ JSON.stringify({ n: $json.n }) }}',
	waitForCompletion: true,
	...extra,
});

function workflowOf(parameters, { items, files, nodeSettings } = {}) {
	return linearWorkflow([
		{ name: 'Items', type: TYPES.items, parameters: { items: JSON.stringify(items), files: JSON.stringify(files ?? []) } },
		{ name: 'Vishwa', type: TYPES.vishwa, parameters, ...nodeSettings },
	]);
}

function run(parameters, options, baseUrl = standin.url) {
	return harness.runWorkflow(workflowOf(parameters, options), { credentials: { vishwaApi: { apiKey: API_KEY, baseUrl } } });
}

/**
 * Records the timers the package's own code starts (directly or through n8n's sleep: their stack
 * passes through dist/nodes), and answers those neither fired nor cleared yet. Real timers, only
 * watched; n8n-core's and the stand-in's timers are not counted.
 */
function watchPackageTimers(from = /[\\/]dist[\\/]nodes[\\/]/) {
	const realSet = global.setTimeout;
	const realClear = global.clearTimeout;
	const pending = new Map();
	global.setTimeout = function (callback, ms, ...args) {
		const limit = Error.stackTraceLimit;
		Error.stackTraceLimit = 60;
		const stack = String(new Error().stack);
		Error.stackTraceLimit = limit;
		const handle = realSet.call(
			this,
			(...callbackArgs) => {
				pending.delete(handle);
				callback(...callbackArgs);
			},
			ms,
			...args,
		);
		const frame = stack.split('\n').filter((line) => from.test(line) && !/transport[\\/]sleep\.js/.test(line)).slice(0, 2).join(' < ') || stack.split('\n').find((line) => from.test(line));
		if (frame) pending.set(handle, { ms, where: frame.trim() });
		return handle;
	};
	global.clearTimeout = function (handle) {
		pending.delete(handle);
		return realClear.call(this, handle);
	};
	return {
		pending: () => [...pending.values()],
		clearPending: () => [...pending.keys()].forEach((handle) => global.clearTimeout(handle)),
		restore() {
			global.setTimeout = realSet;
			global.clearTimeout = realClear;
		},
	};
}

describe('without Continue On Fail, items held at the rate limit end when another item fails', () => {
	test('the node fails with the failed item at once, not after the Retry-After; nothing held is sent; no timer is left', async () => {
		// Item 0's run fails after 300 ms. Item 1's start-run is refused with Retry-After 50 s: it and
		// items 2-5 wait at the rate limit (Concurrency 2) when item 0's run is seen failed.
		standin.state.setFlow({ id: 'flow-fails', durationMs: 300, outcome: 'failed' });
		standin.state.setFlow({ id: 'flow-long', durationMs: 60000 });
		// Item 0's start-run is answered after 400 ms, so the only place that comes free before the
		// 429 has been handled is the refused item's own (a place freed earlier could send item 2
		// before the client has seen the 429, on a loaded machine).
		standin.state.addFault({ route: 'start-run', kind: 'slow', delayMs: 400, times: 1 });
		standin.state.addFault({ route: 'start-run', kind: '429', retryAfter: 50, times: 1 });
		const timers = watchPackageTimers();
		let result;
		let pendingAtEnd;
		try {
			result = await run(startAndWait({ waitOptions: { pollInterval: 0.1 }, options: { concurrency: 2 } }), {
				items: [{ flow: 'flow-fails', n: 0 }, ...[1, 2, 3, 4, 5].map((n) => ({ flow: 'flow-long', n }))],
			});
			pendingAtEnd = timers.pending();
		} finally {
			timers.restore();
		}
		const endedAt = Date.now();
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^Run "run_\d+" of flow "flow-fails" failed/);
		const starts = requestsTo('/start-run');
		const refused = starts.find((r) => r.status === 429);
		// The control (main's build): the held items, and the node's failure, waited out the 50 s.
		expect(endedAt).toBeLessThan(time(refused.time) + 50000);
		// Item 0's start-run and item 1's refused one: nothing held was sent, the refused one not again.
		expect(starts).toHaveLength(2);
		expect(apiRuns()).toHaveLength(1);
		// The Retry-After's timers (the refused request's pause, the gate's) and every other pause
		// ended with the node.
		expect(pendingAtEnd).toEqual([]);
	});
});

/**
 * Counts the abort listeners on every AbortSignal while they are attached, and answers the most any
 * one signal had at once (Node.js warns of a leak past 10 per signal).
 */
function watchAbortListeners() {
	const proto = AbortSignal.prototype;
	const realAdd = proto.addEventListener;
	const realRemove = proto.removeEventListener;
	const live = new Map();
	let most = 0;
	const change = (signal, by) => {
		const count = (live.get(signal) ?? 0) + by;
		live.set(signal, count);
		most = Math.max(most, count);
	};
	proto.addEventListener = function (type, listener, options) {
		if (type !== 'abort') return realAdd.call(this, type, listener, options);
		const signal = this;
		let attached = true;
		const wrapped = function (...args) {
			if (attached && options && typeof options === 'object' && options.once) {
				attached = false;
				change(signal, -1);
			}
			return typeof listener === 'function' ? listener.apply(this, args) : listener.handleEvent(...args);
		};
		listener.__counted ??= new Map();
		listener.__counted.set(signal, { wrapped, detach: () => attached && ((attached = false), change(signal, -1)) });
		change(signal, +1);
		return realAdd.call(this, type, wrapped, options);
	};
	proto.removeEventListener = function (type, listener, options) {
		const counted = type === 'abort' && listener?.__counted?.get(this);
		if (!counted) return realRemove.call(this, type, listener, options);
		counted.detach();
		listener.__counted.delete(this);
		return realRemove.call(this, type, counted.wrapped, options);
	};
	return {
		most: () => most,
		restore() {
			proto.addEventListener = realAdd;
			proto.removeEventListener = realRemove;
		},
	};
}

describe('many items held at a rate limit share one abort listener', () => {
	test('60 items behind a 429, Concurrency 2: no signal ever has more than 10 abort listeners (no leak warning in n8n\'s log)', async () => {
		standin.state.setFlow({ id: 'flow-short', durationMs: 200 });
		standin.state.addFault({ route: 'start-run', kind: '429', retryAfter: 1, times: 1 });
		const listeners = watchAbortListeners();
		const warnings = [];
		const onWarning = (warning) => warnings.push(warning.name);
		process.on('warning', onWarning);
		let result;
		try {
			result = await run(startAndWait({ waitOptions: { pollInterval: 0.1 }, options: { concurrency: 2 } }), {
				items: Array.from({ length: 60 }, (_, n) => ({ flow: 'flow-short', n })),
				nodeSettings: { continueOnFail: true },
			});
		} finally {
			listeners.restore();
			process.off('warning', onWarning);
		}
		expect(result.status).toBe('success');
		expect(result.json('Vishwa').map((json) => json.run_status)).toEqual(Array(60).fill('completed'));
		// The control (the build before whenAborted): every held request added its own listener to
		// the execution's signal, 50 and more at once.
		expect(listeners.most()).toBeGreaterThan(0);
		expect(listeners.most()).toBeLessThanOrEqual(10);
		expect(warnings).not.toContain('MaxListenersExceededWarning');
	});
});

describe('Stop leaves none of the package\'s timers running', () => {
	test('Stop during a Retry-After hold, with runs waited on and items waiting for a Max Unfinished Runs place', async () => {
		standin.state.setFlow({ id: 'flow-long', durationMs: 60000 });
		standin.state.addFault({ route: 'start-run', kind: 'slow', delayMs: 0, times: 2 });
		standin.state.addFault({ route: 'start-run', kind: '429', retryAfter: 40, times: 1 });
		const workflowJson = workflowOf(
			startAndWait({ waitOptions: { pollInterval: 0.2, maxUnfinishedRuns: 3 }, options: { concurrency: 2 } }),
			{ items: [0, 1, 2, 3, 4, 5].map((n) => ({ flow: 'flow-long', n })) },
		);
		const timers = watchPackageTimers();
		let runData;
		let pendingAtEnd;
		let restoreNode;
		try {
			const { stop, done, restore } = await harness.startStoppable(workflowJson, {
				credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } },
			});
			restoreNode = restore;
			// Two runs started and polled, the third start-run refused (items 3-5 wait for a place
			// under Max Unfinished Runs 3, item 2 waits out the Retry-After).
			while (!standin.state.requests.some((r) => r.status === 429) || requestsTo('/status').length < 4) await delay(20);
			stop();
			runData = await done;
			// (n8n reports the cancelled execution while the node's own ending is still in microtasks.)
			await new Promise((resolve) => setImmediate(resolve));
			pendingAtEnd = timers.pending();
		} finally {
			timers.restore();
			restoreNode?.();
		}
		expect(runData.status).toBe('canceled');
		expect(apiRuns()).toHaveLength(2);
		expect(pendingAtEnd).toEqual([]);
	});
});

describe('Retry On Fail starts what the failed try never sent', () => {
	let dir;
	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-failfast-'));
	});
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
	const file = (n) => ({ data: { fileName: `doc-${n}.txt`, mimeType: 'text/plain', text: `document ${n}` } });
	const withFiles = {
		attachFiles: '={{ $json.n !== 3 }}',
		attachments: { file: [{ binaryProperty: 'data', inputName: 'document' }] },
	};

	test('items whose upload was on its way when item 3 failed start their run on the retry: one run each, none twice', async () => {
		standin.state.setFlow({ id: 'flow-ok', durationMs: 0 });
		// Item 3 attaches nothing: its start-run is the first, refused for good (a Retry-After longer
		// than the node waits) while the other items' uploads (slow) are on their way. Their
		// start-runs are then not sent (another item failed first); the next try sends them.
		standin.state.addFault({ route: 'upload', kind: 'slow', delayMs: 800, times: 5 });
		standin.state.addFault({ route: 'start-run', kind: '429', retryAfter: 300, times: 1 });
		const items = [0, 1, 2, 3, 4, 5].map((n) => ({ flow: 'flow-ok', n }));
		const result = await run(
			{ ...startAndWait({ waitForCompletion: false, options: { concurrency: 6 } }), ...withFiles },
			{ items, files: items.map(({ n }) => (n === 3 ? null : file(n))), nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } },
		);
		expect(result.status).toBe('success');
		const started = requestsTo('/start-run').filter((r) => r.status === 200).map(itemN);
		// Control (main's build): "... Retry On Fail did not send it again" for items 0-2, 4, 5.
		expect(started.sort()).toEqual([0, 1, 2, 3, 4, 5]);
		expect(apiRuns()).toHaveLength(6);
		// The files stored in the failed try were reused, not uploaded again.
		expect(requestsTo('/upload')).toHaveLength(5);
		expect(result.json('Vishwa').map((json) => json.run_id)).toEqual(
			[0, 1, 2, 3, 4, 5].map((n) => apiRuns()[requestsTo('/start-run').filter((r) => r.status === 200).findIndex((r) => itemN(r) === n)].run_id),
		);
	});

	test('an attached file whose upload never reached Vishwa (connection refused) is uploaded and its run started on the retry', async () => {
		// A port with nothing listening (refused), which forwards to the stand-in from the retry on.
		const probe = net.createServer();
		await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const port = probe.address().port;
		await new Promise((resolve) => probe.close(resolve));
		const standinPort = Number(new URL(standin.url).port);
		const forwarder = net.createServer((socket) => {
			const upstream = net.connect(standinPort, '127.0.0.1');
			socket.pipe(upstream).pipe(socket);
			socket.on('error', () => upstream.destroy());
			upstream.on('error', () => socket.destroy());
		});
		const { nodeTypes } = await harness.load();
		const vishwa = nodeTypes[TYPES.vishwa];
		let tries = 0;
		vishwa.execute = async function (...args) {
			tries += 1;
			try {
				return await Object.getPrototypeOf(vishwa).execute.apply(this, args);
			} catch (error) {
				if (tries === 1) await new Promise((resolve) => forwarder.listen(port, '127.0.0.1', resolve));
				throw error;
			}
		};
		try {
			const result = await run(
				{ ...startAndWait({ waitForCompletion: false }), ...withFiles, attachFiles: true },
				{ items: [{ flow: 'flow-ok', n: 0 }], files: [file(0)], nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } },
				`http://127.0.0.1:${port}`,
			);
			expect(tries).toBe(2);
			// Control (main's build): the first try's message ("Could not upload ...: Could not reach
			// Vishwa ...") was taken for an unknown outcome, and the retry refused to upload again.
			expect(result.status).toBe('success');
			expect(requestsTo('/upload')).toHaveLength(1);
			expect(apiRuns()).toHaveLength(1);
			expect(result.json('Vishwa')[0].run_id).toBe(apiRuns()[0].run_id);
		} finally {
			delete vishwa.execute;
			await new Promise((resolve) => forwarder.close(resolve));
		}
	});
});

describe("n8n 1.x: the package's pauses clear their timer when cut short", () => {
	// The package's timer module, loaded with n8n-workflow 1.120.31 (the one n8n 1.123.81, the e2e
	// tests' n8n 1.x, ships; a dev dependency under the alias n8n-workflow-v1, so this runs on a fresh
	// machine too): its `sleep` ignores the signal, its `sleepWithAbort` does not.
	const v1Workflow = path.dirname(require.resolve('n8n-workflow-v1/package.json'));
	test('pauseFor on n8n-workflow 1.x: an aborted pause leaves no timer (n8n 1.x sleep would)', async () => {
		const v1 = require(v1Workflow);
		expect(require(path.join(v1Workflow, 'package.json')).version).toMatch(/^1\./);
		let pauseFor;
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => v1);
			({ pauseFor } = require('../dist/nodes/Vishwa/transport/sleep'));
		});
		const timers = watchPackageTimers();
		let pendingAfterAbort;
		let ranOut;
		try {
			const stop = new AbortController();
			const pausing = pauseFor(30000, stop.signal);
			stop.abort();
			ranOut = await pausing;
			pendingAfterAbort = timers.pending();
		} finally {
			timers.clearPending();
			timers.restore();
		}
		expect(ranOut).toBe(false);
		expect(pendingAfterAbort).toEqual([]);
		// The control: n8n 1.x's own sleep, which the package used, keeps its timer after the abort.
		const v1Timers = watchPackageTimers(/n8n-workflow-v1[\\/]/);
		let pendingWithV1Sleep;
		try {
			const control = new AbortController();
			void v1.sleep(30000, control.signal);
			control.abort();
			await delay(10);
			pendingWithV1Sleep = v1Timers.pending();
		} finally {
			v1Timers.clearPending();
			v1Timers.restore();
		}
		expect(pendingWithV1Sleep).toEqual([expect.objectContaining({ ms: 30000 })]);
	});
});
