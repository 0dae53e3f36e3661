'use strict';
// Tasks through a request limiter that record how many ran at once and in which order they started,
// shared by the limiter's tests with and without a hand-over on the next turn.

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `count` tasks through `limiter`; task i waits `ticksOf(i)` event-loop ticks (so some finish
 * together, some apart) and task 7 fails. Returns the most that ran at once, the order they started
 * in, and every task's settled result.
 */
async function runCountedTasks(limiter, count, ticksOf) {
	let active = 0;
	let most = 0;
	const order = [];
	const tasks = Array.from({ length: count }, (_, i) =>
		limiter.run(async () => {
			order.push(i);
			active++;
			most = Math.max(most, active);
			for (let k = 0; k < ticksOf(i); k++) await tick();
			active--;
			if (i === 7) throw new Error('task 7');
			return i;
		}),
	);
	const results = await Promise.allSettled(tasks);
	return { most, order, results };
}

/**
 * On a limiter of one place: a task gives its place back for a pause (`place.away`), a status request
 * (priority lane) takes it and ends the pause while holding it, an ordinary task queued meanwhile waits.
 * Returns the order in which they did their work.
 */
async function runAwayFromPlace(limiter) {
	const order = [];
	let endPause;
	const pause = new Promise((resolve) => (endPause = resolve));
	const first = limiter.run(async (place) => {
		order.push('first sends');
		await place.away(async () => await pause);
		order.push('first sends again');
	});
	const priority = limiter.run(async () => {
		order.push('status request');
		endPause(); // the pause ends while the place is taken: first queues, in the priority lane
		await tick();
	}, true);
	const ordinary = limiter.run(async () => order.push('later item'));
	await Promise.all([first, priority, ordinary]);
	return order;
}

module.exports = { runAwayFromPlace, runCountedTasks, tick };
