'use strict';
// The request limiter's hand-over on the next event-loop turn (createLimiter's `nextTurn`, as the
// node's Batch uses it: n8n's sleep(0) through pauseFor), through real timers and, for what it is
// for, real sockets: a place freed while requests wait goes to the next one a turn later, one place
// per turn, so a request opened on a new connection can leave before the next request is built. The
// limit, the order, the priority lane and close() hold as without it (core.wait.test.js).
const http = require('http');

const { createLimiter } = require('../dist/nodes/Vishwa/core/concurrency');
const { pauseFor } = require('../dist/nodes/Vishwa/transport/sleep');
const { runAwayFromPlace, runCountedTasks } = require('./support/limiterTasks');

/** What the node passes (batch.ts), counting the turns it was asked for. */
function countedTurns() {
	const turns = { count: 0 };
	turns.nextTurn = async () => {
		turns.count++;
		await pauseFor(0);
	};
	return turns;
}


test('at most `limit` tasks at once, first come first served, every task run, nothing held at the end', async () => {
	const turns = countedTurns();
	const limiter = createLimiter(3, { nextTurn: turns.nextTurn });
	// Some finish together (same tick), some apart; one fails.
	const { most, order, results } = await runCountedTasks(limiter, 30, (i) => (i % 3) + 1);
	expect(most).toBe(3);
	expect(limiter.peak).toBe(3);
	expect(order).toEqual([...Array(30).keys()]);
	expect(results[7].status).toBe('rejected');
	expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([...Array(30).keys()].filter((i) => i !== 7));
	expect(limiter.active).toBe(0);
	expect(limiter.queued).toBe(0);
	// The 27 tasks that waited each got their place a turn after it was freed.
	expect(turns.count).toBe(27);
});

test('places freed together are handed over one per turn; control: without nextTurn, all in the same tick', async () => {
	const handOver = async (options) => {
		const log = [];
		const limiter = createLimiter(3, options);
		let open;
		const gate = new Promise((resolve) => (open = resolve));
		const first = [0, 1, 2].map(() => limiter.run(async () => await gate));
		const next = [3, 4, 5].map((i) => limiter.run(async () => log.push(`start ${i}`)));
		let turnsSeen = 0;
		const turnMarks = (async () => {
			// Marks every timer turn until the three waiting tasks have started.
			while (log.filter((entry) => entry.startsWith('start')).length < 3 && turnsSeen < 50) {
				await pauseFor(0);
				turnsSeen++;
				log.push('turn');
			}
		})();
		open(); // the three running tasks finish in the same tick
		await Promise.all([...first, ...next, turnMarks]);
		expect(limiter.peak).toBe(3);
		expect(limiter.active).toBe(0);
		return log.slice(0, log.lastIndexOf('start 5') + 1);
	};
	const spread = await handOver({ nextTurn: async () => await pauseFor(0) });
	expect(spread.filter((entry) => entry.startsWith('start'))).toEqual(['start 3', 'start 4', 'start 5']);
	// At least one turn between two hand-overs.
	expect(spread.indexOf('start 4') - spread.indexOf('start 3')).toBeGreaterThan(1);
	expect(spread.indexOf('start 5') - spread.indexOf('start 4')).toBeGreaterThan(1);
	expect(spread.indexOf('start 3')).toBeGreaterThan(0); // not in the tick that freed it
	const atOnce = await handOver({});
	expect(atOnce).toEqual(['start 3', 'start 4', 'start 5']);
});

test('a priority task queued before the hand-over turn gets the freed place first, within the limit', async () => {
	const limiter = createLimiter(1, { nextTurn: async () => await pauseFor(0) });
	const ran = [];
	let open;
	const first = limiter.run(() => new Promise((resolve) => (open = resolve)));
	const ordinary = [1, 2, 3].map((n) => limiter.run(async () => ran.push(`start ${n}`)));
	open();
	// The place is freed, not yet handed over: a status request queues now, and still goes first.
	await first;
	expect(limiter.active).toBe(1);
	const priority = limiter.run(async () => ran.push('status'), true);
	await Promise.all([...ordinary, priority]);
	expect(ran).toEqual(['status', 'start 1', 'start 2', 'start 3']);
	expect(limiter.peak).toBe(1);
	expect(limiter.active).toBe(0);
});

test('close() between a place being freed and handed over: the waiting tasks never run, and the place is freed', async () => {
	const limiter = createLimiter(2, { nextTurn: async () => await pauseFor(0) });
	const ran = [];
	let open;
	const gate = new Promise((resolve) => (open = resolve));
	const running = [0, 1].map(() => limiter.run(async () => await gate));
	const waiting = [2, 3, 4].map((i) => limiter.run(async () => ran.push(i)));
	open();
	await Promise.all(running);
	limiter.close(new Error('closed'));
	const outcomes = await Promise.allSettled(waiting);
	expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
	expect(ran).toEqual([]);
	await pauseFor(5); // the hand-over turns run out
	expect(limiter.active).toBe(0);
	expect(limiter.queued).toBe(0);
	await expect(limiter.run(async () => 'late')).rejects.toThrow('closed');
});

test('a task away from its place (a pause) takes one again before ordinary tasks, through the hand-over', async () => {
	const limiter = createLimiter(1, { nextTurn: async () => await pauseFor(0) });
	const order = await runAwayFromPlace(limiter);
	expect(order).toEqual(['first sends', 'status request', 'first sends again', 'later item']);
	expect(limiter.peak).toBe(1);
	expect(limiter.active).toBe(0);
});

describe('over real sockets, a new connection per request (as n8n-core 2.x sends them)', () => {
	let server;
	let url;
	/** Requests received, in order; answers are held until `answerAll`. */
	let held = [];
	const received = [];
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				received.push(req.url);
				held.push(res);
			});
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${server.address().port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	/** Answers every held request in one go, so the answers reach the client together. */
	const answerAll = () => {
		for (const res of held.splice(0)) res.end('ok');
	};
	const send = (log, i) =>
		new Promise((resolve, reject) => {
			log.push(`build ${i}`);
			const req = http.request(`${url}/${i}`, { method: 'POST', agent: false }, (res) => {
				res.resume();
				res.on('end', resolve);
			});
			req.on('error', reject);
			// Written to the socket: the request has left the client.
			req.on('finish', () => log.push(`sent ${i}`));
			req.end('{}');
		});
	const waitFor = async (check) => {
		while (!check()) await pauseFor(1);
	};

	// Whether the connect of a request completes before the next turn's hand-over is up to the
	// kernel and the machine's load, so several rounds are sent and the spread case asks only that
	// some request leave before its round's last one is built; at once, that never happens.
	const ROUNDS = 6;
	test.each([
		['one per turn: requests leave before the last of their round is built', { nextTurn: async () => await pauseFor(0) }, true],
		['control, at once: every round is built in full before any of it leaves', {}, false],
	])('%s', async (_title, options, spread) => {
		const limiter = createLimiter(3, options);
		const log = [];
		received.length = 0;
		const all = Array.from({ length: 3 * (ROUNDS + 1) }, (_, i) => limiter.run(async () => await send(log, i)));
		const rounds = [];
		for (let round = 1; round <= ROUNDS; round++) {
			await waitFor(() => received.length === 3 * round);
			const from = log.length;
			answerAll(); // the three answers reach the client together
			await waitFor(() => received.length === 3 * (round + 1));
			rounds.push(log.slice(from));
		}
		answerAll();
		await Promise.all(all);
		expect(limiter.peak).toBe(3);
		expect(limiter.active).toBe(0);
		const builtInFullFirst = rounds.map((entries) => {
			const lastBuild = entries.map((entry) => entry.startsWith('build')).lastIndexOf(true);
			const firstSent = entries.findIndex((entry) => entry.startsWith('sent'));
			return lastBuild < firstSent;
		});
		if (spread) expect(builtInFullFirst).toContain(false);
		else expect(builtInFullFirst).toEqual(Array(ROUNDS).fill(true));
	});
});

// Review v15d, D4: a place freed at once (every waiting task already promised one) was free for any task
// arriving before the next turn: a start-run arriving then ran before a status request queued first in
// the priority lane. A task arriving while hand-overs are pending queues behind them.
test('a task arriving while places are still to be handed over queues behind the tasks waiting before it', async () => {
	const limiter = createLimiter(2, { nextTurn: countedTurns().nextTurn });
	const order = [];
	let releaseA;
	let releaseB;
	const a = limiter.run(() => new Promise((resolve) => (releaseA = resolve)));
	const b = limiter.run(() => new Promise((resolve) => (releaseB = resolve)));
	const status = limiter.run(async () => order.push('status request, queued first'), true);
	releaseA();
	releaseB();
	// Both places freed in the same tick: one is promised to the status request, the other is free.
	await a;
	await b;
	const startRun = limiter.run(async () => order.push('start-run, arrived later'));
	expect(limiter.active).toBeLessThanOrEqual(2);
	await Promise.all([status, startRun]);
	expect(order).toEqual(['status request, queued first', 'start-run, arrived later']);
	expect(limiter.peak).toBeLessThanOrEqual(2);
	expect(limiter.active).toBe(0);
	expect(limiter.queued).toBe(0);
});
