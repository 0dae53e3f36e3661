'use strict';
// Review v16r D3 / D4 and an option read: the Vishwa Trigger's requests within the poll's budget (n8n
// 2.x getPollBudgetMs), run ids too long for its bounded state, and Fetch Full Status from an
// expression. Through n8n-core's PollContext over real HTTP (test/harness).
const http = require('http');
const { createHarness, TYPES } = require('./harness');

const API_KEY = 'budget-test-key-4c1a';
const FLOW = 'budget-flow';
const BASE_MS = Date.parse('2026-03-01T10:00:00.000Z');
const harness = createHarness();

const run = (id, second, status = 'completed') => ({ run_id: id, run_status: status, run_start_time: new Date(BASE_MS + second * 1000).toISOString() });

/**
 * A newest-first listing of `runs()` (limit/offset honoured); `status(runId, res)` answers the status
 * endpoint, `list(res)` may answer a listing request itself (returns true when it did).
 */
async function serve({ runs, status, list }) {
	const counts = { list: 0, status: 0 };
	const server = http.createServer((req, res) => {
		const url = new URL(req.url, 'http://x');
		if (/\/status$/.test(url.pathname)) {
			counts.status++;
			return status(decodeURIComponent(url.pathname.split('/').at(-2)), res);
		}
		counts.list++;
		if (list && list(res)) return;
		const offset = Number(url.searchParams.get('offset') || 0);
		const limit = Number(url.searchParams.get('limit') || 100);
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(runs().slice(offset, offset + limit)));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${server.address().port}`, counts, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function poller(server, { options = {}, pollBudgetMs } = {}) {
	return await harness.createPoller(
		{
			type: TYPES.vishwaTrigger,
			parameters: { flowId: FLOW, options },
			credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } },
		},
		{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: server.url } }, pollBudgetMs },
	);
}

const json = (res, code, body, headers = {}) => {
	res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
};

describe('Vishwa Trigger: requests within the poll budget (review v16r D3)', () => {
	const cases = [
		['429 with Retry-After: 5', (res) => json(res, 429, { detail: 'slow down' }, { 'Retry-After': '5' })],
		['503', (res) => json(res, 503, { detail: 'busy' })],
		['answers after 1.5 s', (res, runId, all) => setTimeout(() => json(res, 200, all.find((r) => r.run_id === runId)), 1500)],
		['HTML 200', (res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<html><title>x</title></html>'); }],
	];
	test.each(cases)('Fetch Full Status, status endpoint %s: the poll ends within 80%% of a 2 s budget, runs not fetched keep their listing entry', async (_name, answer) => {
		const all = [];
		const server = await serve({ runs: () => [...all].reverse(), status: (runId, res) => answer(res, runId, all) });
		try {
			for (let i = 0; i < 3; i++) all.push(run(`old${i}`, i));
			const trigger = await poller(server, { options: { fetchFullStatus: true }, pollBudgetMs: 2000 });
			expect(await trigger.poll()).toBeNull();
			for (let i = 0; i < 10; i++) all.push(run(`r${i}`, 10 + i));
			const started = Date.now();
			const items = await trigger.poll();
			const took = Date.now() - started;
			// Before: 15 s (429: three Retry-After waits of 5 s), 2.5-3.1 s for the others.
			expect(took).toBeLessThan(2000);
			expect(items.map((item) => item.json.run_id).sort()).toEqual(all.slice(3).map((r) => r.run_id).sort());
			const errors = items.map((item) => item.json.full_status_error).filter((error) => error !== undefined);
			expect(errors.length).toBeGreaterThanOrEqual(9);
			for (const error of errors) expect(error).toMatch(/^not fetched: /);
			// Saved: the next poll asks no status and emits nothing again.
			const asked = server.counts.status;
			expect(await trigger.poll()).toBeNull();
			expect(server.counts.status).toBe(asked);
		} finally {
			await server.close();
		}
	}, 30000);

	test('a listing answering 429 with Retry-After: 5 under a 2 s budget: no retry waits past the budget; the poll fails, nothing saved', async () => {
		let limited = false;
		const all = [run('a', 1), run('b', 2)];
		const server = await serve({
			runs: () => [...all].reverse(),
			status: (_id, res) => json(res, 404, {}),
			list: (res) => limited && (json(res, 429, { detail: 'slow down' }, { 'Retry-After': '5' }), true),
		});
		try {
			const trigger = await poller(server, { pollBudgetMs: 2000 });
			expect(await trigger.poll()).toBeNull();
			const before = trigger.savedStaticData();
			all.push(run('c', 3));
			limited = true;
			const listed = server.counts.list;
			const started = Date.now();
			const failure = await trigger.poll().then(() => undefined, (error) => error);
			// Before: 15 s, four attempts (three 5 s waits), against a 2 s budget.
			expect(Date.now() - started).toBeLessThan(2000);
			expect(server.counts.list - listed).toBe(1);
			expect(failure?.message).toMatch(/rate limit was reached \(HTTP 429\) while trying to list the runs of flow "budget-flow"/);
			expect(failure.description).toMatch(/Not retried: waiting before another attempt would run past the poll's time/);
			expect(trigger.savedStaticData()).toEqual(before);
			// The limit over, the next poll emits the new run once.
			limited = false;
			expect((await trigger.poll()).map((item) => item.json.run_id)).toEqual(['c']);
			expect(await trigger.poll()).toBeNull();
		} finally {
			await server.close();
		}
	}, 30000);

	test('a listing answering 503 under the default budget (n8n\'s 5 minutes) is still retried', async () => {
		let failures = 0;
		const all = [run('a', 1)];
		const server = await serve({ runs: () => all, status: (_id, res) => json(res, 404, {}), list: (res) => failures-- > 0 && (json(res, 503, { detail: 'busy' }), true) });
		try {
			const trigger = await poller(server);
			failures = 2;
			expect(await trigger.poll()).toBeNull();
			expect(server.counts.list).toBe(4);
		} finally {
			await server.close();
		}
	}, 30000);
});

test('a listing request sent past the budget still gets the short retries of the transport\'s backoff (one 503 does not fail a read-on)', async () => {
	let failures = 0;
	const all = [run('a', 1)];
	const server = await serve({ runs: () => [...all].reverse(), status: (_id, res) => json(res, 404, {}), list: (res) => failures-- > 0 && (json(res, 503, { detail: 'busy' }), true) });
	try {
		// A 1 ms budget: every request is sent past it, as in the planner's read-on.
		const trigger = await poller(server, { pollBudgetMs: 1 });
		expect(await trigger.poll()).toBeNull();
		all.push(run('b', 2));
		failures = 1;
		const listed = server.counts.list;
		// Without the 4 s grace this poll failed on the 503 (no retry past the budget) and saved nothing.
		expect((await trigger.poll()).map((item) => item.json.run_id)).toEqual(['b']);
		expect(server.counts.list - listed).toBeGreaterThanOrEqual(2);
	} finally {
		await server.close();
	}
}, 30000);

describe('Vishwa Trigger: run ids longer than the state keeps (review v16r D4)', () => {
	test.each([
		['run_id', (id) => ({ run_id: id, run_status: 'completed', run_start_time: '2026-03-01T10:00:03.000Z' })],
		['id', (id) => ({ id, run_status: 'completed', run_start_time: '2026-03-01T10:00:03.000Z' })],
	])('a listed %s of 100,000 characters fails the poll naming the flow and the field (before: a 100 KB state)', async (field, make) => {
		let rows = [run('b', 2), run('a', 1)];
		const server = await serve({ runs: () => rows, status: (_id, res) => json(res, 404, {}) });
		try {
			const trigger = await poller(server);
			expect(await trigger.poll()).toBeNull();
			const before = trigger.savedStaticData();
			rows = [make('z'.repeat(100000)), ...rows];
			const failure = await trigger.poll().then(() => undefined, (error) => error);
			expect(failure?.message).toBe(`The run listing of flow "${FLOW}" gives a ${field} longer than 256 characters`);
			expect(failure.description).toMatch(new RegExp(`One run's ${field} has 100000 characters`));
			expect(trigger.savedStaticData()).toEqual(before);
		} finally {
			await server.close();
		}
	});

	test('a run id of 256 characters is taken, emitted once', async () => {
		let rows = [run('a', 1)];
		const server = await serve({ runs: () => rows, status: (_id, res) => json(res, 404, {}) });
		try {
			const trigger = await poller(server);
			expect(await trigger.poll()).toBeNull();
			rows = [run('y'.repeat(256), 2), ...rows];
			expect((await trigger.poll()).map((item) => item.json.run_id.length)).toEqual([256]);
			expect(await trigger.poll()).toBeNull();
		} finally {
			await server.close();
		}
	});
});

describe('Vishwa Trigger: Fetch Full Status from an expression', () => {
	async function emitted(fetchFullStatus) {
		let rows = [run('a', 1)];
		const server = await serve({ runs: () => rows, status: (runId, res) => json(res, 200, { run_id: runId, run_status: 'completed', from: 'status' }) });
		try {
			const trigger = await poller(server, { options: { fetchFullStatus } });
			await trigger.poll();
			rows = [run('b', 2), ...rows];
			return await trigger.poll();
		} finally {
			await server.close();
		}
	}

	test.each([['true', 'status'], [' TRUE ', 'status'], ['false', undefined], [true, 'status'], [false, undefined]])(
		'%j is read as the toggle (before: the string "true" turned it off)',
		async (value, from) => {
			const items = await emitted(value);
			expect(items.map((item) => item.json.from)).toEqual([from]);
		},
	);

	test('anything else fails the poll naming the option', async () => {
		const failure = await emitted('yes please').then(() => undefined, (error) => error);
		expect(failure?.message).toBe('Fetch Full Status must be true or false (got "yes please")');
	});
});
