'use strict';
// Seeds of the reviewers' own listing (test/attack/review) that broke the built trigger, replayed
// through n8n-core's PollContext over HTTP. Each failed on the build named before its fix.
const { scenario, verdict } = require('./attack/review/scenario');

jest.setTimeout(120000);

/** Verdicts the issue forbids: a repeat, a run from before activation, a loss not reported, a poll error, state over 48 KiB. */
const serious = (result) => verdict(result).filter((v) => !v.startsWith('reported miss'));

const HONEST_WITH_CHURN = { ts: 'ms', ties: 'seqDesc', cap: null, offsetMax: null, churn: true, steps: 30, history: 30, burst: 8, restarts: true, rollbacks: true };
const WHOLE_SECONDS_OLDEST_FIRST_TIES = { ts: 'sec', ties: 'seqAsc', burst: 150, churn: false, cap: null, offsetMax: null, steps: 20, restarts: false, rollbacks: false, dupes: false };

describe('review listing: start times null while running', () => {
	// Since the status answer's start time could defer a watched run to where the listing had put it
	// (f361cb4), a run listed without a start time while running, placed by its neighbours, was deferred
	// to a later start than its own, to scans that never read it where it was listed once finished: never
	// emitted, not reported (the drain ran its 300 polls).
	test.each([
		[1417, HONEST_WITH_CHURN],
		[1436, HONEST_WITH_CHURN],
		[1438, HONEST_WITH_CHURN],
		[1300, {}],
		[1314, {}],
		[1208, WHOLE_SECONDS_OLDEST_FIRST_TIES],
		[1212, WHOLE_SECONDS_OLDEST_FIRST_TIES],
	])('seed %i: every run that finished after activation emitted once, or its loss reported', async (seed, spec) => {
		const result = await scenario(seed, spec);
		expect(result.spec.nullWhileRunning).toBe(true);
		expect(serious(result)).toEqual([]);
		expect(result.polls).toBeLessThan(100);
	});
});

describe('review listing: no loss reported when nothing is lost', () => {
	// v14f defect 3: short pages at the listing's end (runs then pushed in, deleted, repeated) were taken
	// for a server capping pages at 4 runs on pages of 5, so the last page of 4 counted as full and the
	// empty page after it as offsets emptied below the runs read: lost 1, nothing missed, no offset limit.
	test('seed 1718 (null start times while running, churn, repeats, Page Size 5): lost 0, nothing serious', async () => {
		const result = await scenario(1718, { nullWhileRunning: true });
		expect(result.spec.offsetMax).toBeUndefined();
		expect(serious(result)).toEqual([]);
		expect(result.misses).toEqual([]);
		expect(result.lost).toBe(0);
	});
});

describe('review listing: a tie group bigger than a page, reordered on each request', () => {
	// Review v14h D3: pages capped at 7, runs of one millisecond in any order on each request, a group
	// of 8 of them. One run of the group was never listed (a documented loss: the group is bigger than a
	// page), and it went unreported: the page that showed the group in another order had made the scan
	// ask far down (a shift probe) and was set aside, so the order was never compared.
	// Since s15p (an empty page after a short page is checked before it ends a scan) the extra requests
	// change this scenario's path and the run is listed and emitted; what must hold either way is that a
	// run missed here is reported: `serious` counts an unreported miss. Since v17r F4 (the end look asks
	// the row after a short page) poll 18 makes one request more; the world's random stream is shared by
	// its requests and the scenario, so the polls after it run another scenario (a burst of 1,600 runs, tie
	// groups of 8 in another order on each request): 2 runs of such groups missed, reported (lost 16).
	test('seed 2125: the run never listed is reported (lost counted, a warning logged), nothing else serious', async () => {
		const result = await scenario(2125, { nullWhileRunning: true });
		expect(result.spec).toMatchObject({ ties: 'random', cap: 7, burst: 8 });
		expect(serious(result)).toEqual([]);
		expect(result.misses.length).toBeLessThanOrEqual(2);
		expect(result.lost).toBeGreaterThan(0);
		expect(result.warnings).toBeGreaterThan(0);
	});
});

describe('review v16r: activation over pages that reorder or shrink at random', () => {
	const http = require('http');
	const { createHarness, TYPES } = require('./harness');
	const harness = createHarness();
	const rng = (seed) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

	/** Serves `rows()` (called per request) with pages capped by `cap()`; returns the poller and the request offsets. */
	async function withListing(rows, cap, pageSize, body) {
		const offsets = [];
		const server = http.createServer((req, res) => {
			const u = new URL(req.url, 'http://x');
			const offset = Number(u.searchParams.get('offset'));
			const limit = Math.min(Number(u.searchParams.get('limit')), cap());
			offsets.push(offset);
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ runs: rows().slice(offset, offset + limit) }));
		});
		await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
		try {
			const poller = await harness.createPoller(
				{ type: TYPES.vishwaTrigger, parameters: { flowId: 'f', options: { pageSize } }, credentials: { vishwaApi: { id: 'c', name: 'V' } } },
				{ credentials: { vishwaApi: { apiKey: 'k', baseUrl: `http://127.0.0.1:${server.address().port}` } } },
			);
			await body(poller, offsets);
		} finally {
			server.close();
		}
	}

	// D1: a page inside the block sharing no run with the page before was taken for runs deleted above and
	// stepped back, to the page before and on to it again, for good: 545 requests, then "gives no start times".
	test('D1: 20 runs that failed before they started listed first in a new order on every request, 50 dated runs below, Page Size 3: activation reads past them', async () => {
		const random = rng(7);
		const dated = Array.from({ length: 50 }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(Date.UTC(2026, 0, 1) + (50 - i)).toISOString(), run_status: 'completed' }));
		const undated = Array.from({ length: 20 }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' }));
		const rows = () => [...undated.map((row) => [random(), row]).sort((a, b) => a[0] - b[0]).map(([, row]) => row), ...dated];
		await withListing(rows, () => Infinity, 3, async (poller, offsets) => {
			await expect(poller.poll()).resolves.not.toThrow();
			expect(offsets.length).toBeLessThan(60);
			const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
			expect(state.hwm).not.toBeNull();
		});
	});

	// D5: two pages of one run in a row (a cap of 1 drawn twice) refused the listing as serving one run per page.
	test('D5: pages capped at random between 1 and 3 runs: activation and later polls succeed, new runs emitted once', async () => {
		const random = rng(11);
		const runs = Array.from({ length: 60 }, (_, i) => ({ run_id: `r${i}`, run_start_time: new Date(Date.UTC(2026, 0, 1) + (60 - i) * 10).toISOString(), run_status: 'completed' }));
		await withListing(() => runs, () => 1 + Math.floor(random() * 3), 10, async (poller) => {
			await poller.poll();
			const emitted = [];
			for (let poll = 0; poll < 10; poll++) {
				runs.unshift({ run_id: `n${poll}`, run_start_time: new Date(Date.UTC(2026, 0, 2) + poll * 10).toISOString(), run_status: 'completed' });
				const items = (await poller.poll()) || [];
				for (const item of items.flat()) emitted.push(item.json.run_id);
			}
			expect(emitted.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`).sort());
		});
	});
});

describe('review v17r: activation over a block of runs without a start time while runs are deleted at the top', () => {
	const http = require('http');
	const { createHarness, TYPES } = require('./harness');
	const harness = createHarness();
	const rng = (seed) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

	/** A run listing over HTTP (`page(offset, limit)` gives each listing request's rows) and a trigger on it, Page Size 5. */
	async function triggerOnListing(page, pageSize = 5) {
		const server = http.createServer((req, res) => {
			const u = new URL(req.url, 'http://x');
			if (!u.pathname.endsWith('/runs')) {
				res.writeHead(404).end();
				return;
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ runs: page(Number(u.searchParams.get('offset')), Number(u.searchParams.get('limit'))) }));
		});
		await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
		const poller = await harness.createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: 'f', options: { pageSize } }, credentials: { vishwaApi: { id: 'c', name: 'V' } } },
			{ credentials: { vishwaApi: { apiKey: 'k', baseUrl: `http://127.0.0.1:${server.address().port}` } } },
		);
		return { server, poller };
	}

	/** Nulls first (as PostgreSQL sorts a descending start time): 40 runs that failed before they started
	 * (a stable order) above 50 dated finished runs; before each listing request of the activation poll
	 * after its first, with probability 0.3, the newest 1-2 runs are deleted; `capped`: each page is capped
	 * at random to 2-5 runs. Returns the runs emitted by the two polls after activation, the ids of the runs
	 * there at activation, `lost` and the requests. */
	async function activateWhileDeleting(seed, capped = false) {
		const random = rng(seed);
		const t0 = Date.UTC(2026, 0, 1);
		const rows = [
			...Array.from({ length: 40 }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' })),
			...Array.from({ length: 50 }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(t0 + (50 - i) * 1000).toISOString(), run_status: 'completed' })),
		];
		const before = new Set(rows.map((row) => row.run_id));
		let poll = 0;
		let activationRequests = 0;
		const { server, poller } = await triggerOnListing((offset, asked) => {
			const limit = capped ? 2 + Math.floor(random() * 4) : asked;
			if (poll === 1 && activationRequests++ > 0 && random() < 0.3) rows.splice(0, 1 + Math.floor(random() * 2));
			return rows.slice(offset, offset + limit);
		});
		try {
			poll = 1;
			await poller.poll();
			const emitted = [];
			for (poll = 2; poll <= 3; poll++) for (const item of ((await poller.poll()) || []).flat()) emitted.push(item.json.run_id);
			const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
			return { emitted, before, lost: state.lost ?? 0, activationRequests };
		} finally {
			server.close();
		}
	}

	// F2: four step-backs inside the block (runs deleted above, each page asked again found the page before
	// shifted up) spent the scan's cap on them (v16r D1); a later deletion bigger than the page overlap skipped
	// a row, never listed at activation: the next poll found a finished run without a start time on top,
	// unknown, and emitted it as new (6 of these 8 seeds did on the build before; the reviewer's repro_pre.js 50 40 5 2 0.3 16).
	test.each([16, 1, 2, 3, 4, 5, 6, 7])('seed %i: no run that finished before activation is emitted', async (seed) => {
		const { emitted, before, lost, activationRequests } = await activateWhileDeleting(seed);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(lost).toBe(0);
		expect(activationRequests).toBeLessThan(100);
	});
	// The same with pages capped at random: the page asked again after a step back is longer or shorter
	// than the page before, and may show it whole in its middle, or show only its middle.
	test.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i, pages capped at random to 2-5 runs: no run that finished before activation is emitted', async (seed) => {
		const { emitted, before, activationRequests } = await activateWhileDeleting(seed, true);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(activationRequests).toBeLessThan(300);
	});

	/** `undatedCount` runs that failed before they started (listed without a start time) above `datedCount`
	 * dated runs one second apart, newest first, and the ids of all of them (runs from before activation). */
	function blockAboveDated(undatedCount, datedCount) {
		const t0 = Date.UTC(2026, 0, 1);
		const undated = Array.from({ length: undatedCount }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' }));
		const dated = Array.from({ length: datedCount }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(t0 + (datedCount - i) * 1000).toISOString(), run_status: 'completed' }));
		const before = new Set([...undated, ...dated].map((row) => row.run_id));
		return { t0, undated, dated, before };
	}

	/** The planner model's harsh shape (core.triggerState.test.js, "activation over a block of 200 rows…"),
	 * served over HTTP: 200 runs that failed before they started (a stable order) above 100 dated runs, Page
	 * Size 5; before half of activation's listing requests after its first, the newest 1-8 runs deleted;
	 * then 5 polls with 0-3 new runs failing before they start (on top) and 0-2 new dated runs each, and 4
	 * quiet polls. The same draws (mulberry32) as the planner model, so the same seeds. */
	async function harshOverHttp(seed) {
		// mulberry32, as the planner model draws.
		const { next, int } = require('./attack/world').rng(seed);
		const { t0, undated, dated, before } = blockAboveDated(200, 100);
		const fresh = [];
		let poll = 0;
		let activationRequests = 0;
		const { server, poller } = await triggerOnListing((offset, limit) => {
			if (poll === 1 && activationRequests++ > 0 && next() < 0.5) undated.splice(0, int(1, 8));
			return [...undated, ...dated].slice(offset, offset + limit);
		});
		try {
			poll = 1;
			await poller.poll();
			const emitted = [];
			for (poll = 2; poll <= 10; poll++) {
				if (poll <= 6) {
					for (let i = int(0, 3); i > 0; i--) {
						fresh.push(`n${fresh.length}`);
						undated.unshift({ run_id: fresh[fresh.length - 1], run_start_time: null, run_status: 'failed' });
					}
					for (let i = int(0, 2); i > 0; i--) {
						fresh.push(`n${fresh.length}`);
						dated.unshift({ run_id: fresh[fresh.length - 1], run_start_time: new Date(t0 + 200000 + poll * 1000 + i).toISOString(), run_status: 'completed' });
					}
				}
				for (const item of ((await poller.poll()) || []).flat()) emitted.push(item.json.run_id);
			}
			const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
			return { emitted, before, fresh, lost: state.lost ?? 0, activationRequests };
		} finally {
			server.close();
		}
	}

	// F2, its open case: more than a page overlap deleted above, again and again, spent the steps back a scan
	// takes inside the block (4 that find no link); one more such deletion hid a row (or the newest dated
	// rows under the block), never listed at activation, and a later poll emitted it as new (these 5 seeds
	// emitted 1-4 such runs each on the build before, `lost` 0, no warning).
	test.each([22, 29, 47, 55, 90])('seed %i, 200 such runs over 100 dated ones, 1-8 deleted before half of activation\'s requests: no run that finished before activation is emitted, every later run is', async (seed) => {
		const { emitted, before, fresh, lost, activationRequests } = await harshOverHttp(seed);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(fresh.filter((id) => !emitted.includes(id))).toEqual([]);
		expect(lost).toBe(0);
		expect(activationRequests).toBeLessThan(200);
	});

	/** Review v18b (3): the same block listed in a new order on every request (one instant, no tiebreaker):
	 * 60 runs that failed before they started above 40 dated runs, Page Size 5, the first 1-2 of the block
	 * deleted before half of activation's requests after its first; then 3 polls with 0-2 new such runs and
	 * one dated run each. */
	async function reorderedBlockOverHttp(seed) {
		const { next, int, shuffled } = require('./attack/world').rng(seed);
		const { t0, undated, dated, before } = blockAboveDated(60, 40);
		const fresh = [];
		const freshDated = [];
		let poll = 0;
		let activationRequests = 0;
		const { server, poller } = await triggerOnListing((offset, limit) => {
			if (poll === 1 && activationRequests++ > 0 && next() < 0.5) undated.splice(0, int(1, 2));
			return [...shuffled(undated), ...dated].slice(offset, offset + limit);
		});
		try {
			poll = 1;
			await poller.poll();
			const emitted = [];
			for (poll = 2; poll <= 4; poll++) {
				for (let i = int(0, 2); i > 0; i--) {
					fresh.push(`n${fresh.length}`);
					undated.unshift({ run_id: fresh[fresh.length - 1], run_start_time: null, run_status: 'failed' });
				}
				fresh.push(`n${fresh.length}`);
				freshDated.push(fresh[fresh.length - 1]);
				dated.unshift({ run_id: fresh[fresh.length - 1], run_start_time: new Date(t0 + 100000 + poll * 1000).toISOString(), run_status: 'completed' });
				for (const item of ((await poller.poll()) || []).flat()) emitted.push(item.json.run_id);
			}
			const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
			return { emitted, before, fresh, freshDated, lost: state.lost ?? 0 };
		} finally {
			server.close();
		}
	}

	// Review v18b (3): a block seen in another order had no place to tell skipped runs by, and `undatedGap` was
	// dropped, or kept a place the order made meaningless: a run no page of activation showed was emitted by a
	// later poll (all 6 seeds did on the build before, `lost` 0 at activation). Now every unknown finished run of the block is held back
	// and reported until a poll reads it from the top in one order: a run that failed since may be held back too
	// (reported, never emitted twice); dated runs are emitted.
	test.each([1, 2, 3, 4, 5, 6])('seed %i, 60 such runs in a new order on every request, 1-2 deleted before half of activation\'s requests: no run that finished before activation is emitted; a later run not emitted is reported', async (seed) => {
		const { emitted, before, fresh, freshDated, lost } = await reorderedBlockOverHttp(seed);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(freshDated.filter((id) => !emitted.includes(id))).toEqual([]);
		expect(lost).toBeGreaterThanOrEqual(fresh.filter((id) => !emitted.includes(id)).length);
	});

	/** Review v20 F2's rest, served over HTTP: `nullsOld` runs that failed before they started on top, above the
	 * newest `groupSize` runs sharing one second and 10 older runs, block and group in a new order on every request
	 * (mulberry32: the draws of core.triggerState.test.js "review v21 …"); activation at Page Size `pageSize`, then
	 * 2 polls with `nullsNew` new such failures and one new dated run each, then 2 quiet polls. */
	async function smallBlockOverHttp({ seed, pageSize, groupSize, nullsOld, nullsNew }) {
		const random = require('./attack/world').rng(seed);
		const t0 = Date.UTC(2026, 0, 1);
		const block = Array.from({ length: nullsOld }, (_, i) => ({ run_id: `u${i}`, run_start_time: null, run_status: 'failed' }));
		const group = Array.from({ length: groupSize }, (_, i) => ({ run_id: `g${i}`, run_start_time: new Date(t0 + 100000).toISOString(), run_status: 'completed' }));
		const older = Array.from({ length: 10 }, (_, i) => ({ run_id: `d${i}`, run_start_time: new Date(t0 + 90000 - i * 1000).toISOString(), run_status: 'completed' }));
		const newer = [];
		const before = new Set([...block, ...group, ...older].map((row) => row.run_id));
		const fresh = [];
		const { server, poller } = await triggerOnListing((offset, limit) => [...random.shuffled(block), ...newer, ...random.shuffled(group), ...older].slice(offset, offset + limit), pageSize);
		try {
			await poller.poll();
			const emitted = [];
			for (let poll = 1; poll <= 4; poll++) {
				if (poll <= 2) {
					for (let i = 0; i < nullsNew; i++) {
						fresh.push(`n${fresh.length}`);
						block.unshift({ run_id: fresh[fresh.length - 1], run_start_time: null, run_status: 'failed' });
					}
					fresh.push(`n${fresh.length}`);
					newer.unshift({ run_id: fresh[fresh.length - 1], run_start_time: new Date(t0 + 200000 + poll * 1000).toISOString(), run_status: 'completed' });
				}
				for (const item of ((await poller.poll()) || []).flat()) emitted.push(item.json.run_id);
			}
			const state = poller.savedStaticData()['node:Vishwa Trigger'].vishwaTrigger;
			return { emitted, before, fresh, lost: state.lost ?? 0 };
		} finally {
			server.close();
		}
	}

	// Review v20 F2's rest: pages of a small block (or group) reordered on every request that happened to agree, each
	// the one before shifted as runs pushed in above shift it; a run no page listed was emitted by a later poll
	// though it failed before activation (each of these did on the code before, `lost` 0 for the first).
	test.each([
		{ seed: 7, pageSize: 2, groupSize: 1, nullsOld: 3, nullsNew: 0 },
		{ seed: 3, pageSize: 3, groupSize: 1, nullsOld: 6, nullsNew: 2 },
		{ seed: 18, pageSize: 2, groupSize: 3, nullsOld: 12, nullsNew: 0 },
	])('seed $seed, $nullsOld such runs over a group of $groupSize in a new order on every request, Page Size $pageSize: no run from before activation is emitted, every later run is emitted or reported', async (shape) => {
		const { emitted, before, fresh, lost } = await smallBlockOverHttp(shape);
		expect(emitted.filter((id) => before.has(id))).toEqual([]);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(lost).toBeGreaterThanOrEqual(fresh.filter((id) => !emitted.includes(id)).length);
	});
});
