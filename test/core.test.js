'use strict';
// Unit tests of the pure core (no n8n, no network): ids and URLs, status classification, answer
// shapes, timing decisions and ordered concurrency.
const { normalizeBaseUrl, idSegment, apiPaths } = require('../dist/nodes/Vishwa/core/paths');
const { classifyStatus, parseStatusList, DEFAULT_STATUS_LISTS } = require('../dist/nodes/Vishwa/core/status');
const responses = require('../dist/nodes/Vishwa/core/responses');
const schedule = require('../dist/nodes/Vishwa/core/schedule');
const { mapWithConcurrency } = require('../dist/nodes/Vishwa/core/concurrency');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

describe('base URL', () => {
	test.each([
		['https://api.vishwa.ai', 'https://api.vishwa.ai'],
		['https://api.vishwa.ai/', 'https://api.vishwa.ai'],
		['  https://api.vishwa.ai//  ', 'https://api.vishwa.ai'],
		['api.vishwa.ai', 'https://api.vishwa.ai'],
		['http://127.0.0.1:8080/vishwa/', 'http://127.0.0.1:8080/vishwa'],
		['HTTPS://Example.com/Prefix', 'https://example.com/Prefix'],
		['', 'https://api.vishwa.ai'],
		[undefined, 'https://api.vishwa.ai'],
	])('%p -> %p', (input, expected) => {
		expect(normalizeBaseUrl(input)).toBe(expected);
	});

	test.each([['ftp://x.y'], ['https://a.b/?x=1'], ['https://a.b/#frag'], ['http://']])('%p is refused', (input) => {
		expect(() => normalizeBaseUrl(input)).toThrow(VishwaInputError);
	});
});

describe('ids in paths', () => {
	test.each([
		['a/b', 'a%2Fb'],
		['../x', '..%2Fx'],
		['  flow-1  ', 'flow-1'],
		['x?y#z', 'x%3Fy%23z'],
		['100%', '100%25'],
		['with space', 'with%20space'],
		['ünïcødé', '%C3%BCn%C3%AFc%C3%B8d%C3%A9'],
		[42, '42'],
	])('%p is one encoded segment %p', (input, expected) => {
		expect(idSegment(input, 'Flow ID')).toBe(expected);
	});

	test.each([[''], ['   '], [undefined], [null], ['.'], ['..']])('%p is refused, naming the field', (input) => {
		let error;
		try {
			idSegment(input, 'Run ID');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(VishwaInputError);
		expect(error.field).toBe('Run ID');
		expect(error.message).toMatch(/^Run ID /);
	});

	test('paths never leave their endpoint', () => {
		expect(apiPaths.runStatus('../../assets', 'a/../../b')).toBe(
			'/v1/workflow/..%2F..%2Fassets/run/a%2F..%2F..%2Fb/status',
		);
		expect(apiPaths.startRun('x')).toBe('/v1/workflow/x/start-run');
		expect(apiPaths.listRuns('x')).toBe('/v1/workflow/x/runs');
		expect(apiPaths.upload()).toBe('/v1/assets/upload');
	});
});

describe('status classification', () => {
	test.each([
		['completed', 'succeeded'],
		['COMPLETED', 'succeeded'],
		[' Success ', 'succeeded'],
		['failed', 'failed'],
		['Canceled', 'failed'],
		['timed_out', 'failed'],
		['running', 'running'],
		['queued', 'running'],
		['something-new', 'running'],
		[undefined, 'running'],
		[42, 'running'],
	])('%p is %p', (status, outcome) => {
		expect(classifyStatus(status, DEFAULT_STATUS_LISTS)).toBe(outcome);
	});

	test('user lists are parsed and compared case-insensitively', () => {
		const lists = { success: parseStatusList('Done, OK '), failure: parseStatusList(['Broken']) };
		expect(lists).toEqual({ success: ['done', 'ok'], failure: ['broken'] });
		expect(classifyStatus('DONE', lists)).toBe('succeeded');
		expect(classifyStatus('broken', lists)).toBe('failed');
		expect(classifyStatus('completed', lists)).toBe('running');
		expect(parseStatusList(' , ,')).toEqual([]);
	});
});

describe('answer shapes', () => {
	test('run id from run_id, id or runId', () => {
		expect(responses.extractRunId({ run_id: 'a', id: 'b' })).toBe('a');
		expect(responses.extractRunId({ id: 7 })).toBe('7');
		expect(responses.extractRunId({ runId: 'c' })).toBe('c');
		expect(responses.extractRunId({ run_id: '' })).toBeUndefined();
		expect(responses.extractRunId([])).toBeUndefined();
		expect(responses.extractRunId('run')).toBeUndefined();
	});

	test('run list from an array or runs/data/items', () => {
		expect(responses.extractRunList([1])).toEqual([1]);
		expect(responses.extractRunList({ runs: [2] })).toEqual([2]);
		expect(responses.extractRunList({ data: [3] })).toEqual([3]);
		expect(responses.extractRunList({ items: [4] })).toEqual([4]);
		expect(responses.extractRunList({ other: [5] })).toBeUndefined();
	});

	test('bodies are summarised, HTML pages by their title', () => {
		expect(responses.summarizeBody('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>…</body></html>')).toBe(
			'an HTML page ("502 Bad Gateway")',
		);
		expect(responses.summarizeBody('')).toBe('an empty body');
		expect(responses.summarizeBody('x'.repeat(1000))).toHaveLength(302);
		expect(responses.summarizeBody({ a: 1 })).toBe('{"a":1}');
	});

	test("the server's reason is found where servers put it", () => {
		expect(responses.serverReason({ detail: 'Flow not found' })).toBe('Flow not found');
		expect(responses.serverReason({ message: 'bad' })).toBe('bad');
		expect(responses.serverReason({ errors: [{ field: 'a' }] })).toBe('[{"field":"a"}]');
		expect(responses.serverReason('<html>')).toBeUndefined();
		expect(responses.serverReason({})).toBeUndefined();
	});

	test('JSON bodies: empty is undefined, invalid throws', () => {
		expect(responses.parseJsonBody('  ')).toBeUndefined();
		expect(responses.parseJsonBody('{"a":1}')).toEqual({ a: 1 });
		expect(() => responses.parseJsonBody('{"a":')).toThrow(SyntaxError);
	});
});

describe('timing', () => {
	test('the status poll interval backs off to its cap', () => {
		const s = { initialMs: 1000, maxMs: 10000, factor: 2 };
		expect([0, 1, 2, 3, 4, 5].map((n) => schedule.pollDelayMs(n, s))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
	});

	test('retry delays are jittered within [ceiling/2, ceiling] and capped', () => {
		const policy = { maxRetries: 3, baseMs: 500, capMs: 4000, maxRetryAfterMs: 60000 };
		expect(schedule.retryDelayMs(0, policy, () => 0)).toBe(250);
		expect(schedule.retryDelayMs(0, policy, () => 1)).toBe(500);
		expect(schedule.retryDelayMs(10, policy, () => 1)).toBe(4000);
	});

	test('Retry-After as seconds or an HTTP date', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(schedule.parseRetryAfterMs('3', now)).toBe(3000);
		expect(schedule.parseRetryAfterMs(['1.5'], now)).toBe(1500);
		expect(schedule.parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
		expect(schedule.parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
		expect(schedule.parseRetryAfterMs('soon', now)).toBeUndefined();
		expect(schedule.parseRetryAfterMs(undefined, now)).toBeUndefined();
	});
});

describe('ordered concurrency', () => {
	test('keeps input order, never exceeds the limit, runs everything', async () => {
		let inFlight = 0;
		let peak = 0;
		const items = Array.from({ length: 40 }, (_, i) => i);
		const results = await mapWithConcurrency(items, 5, async (item) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise((resolve) => setTimeout(resolve, (item * 7) % 13));
			inFlight--;
			return item * 2;
		});
		expect(results).toEqual(items.map((i) => i * 2));
		expect(peak).toBe(5);
	});

	test('a limit below 1 still runs one at a time', async () => {
		const order = [];
		await mapWithConcurrency([1, 2, 3], 0, async (item) => order.push(item));
		expect(order).toEqual([1, 2, 3]);
	});
});
