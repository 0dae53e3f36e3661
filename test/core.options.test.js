'use strict';
// Unit tests of issue 13's pure helpers: numeric options (core/options.ts), Retry-After
// (core/schedule.ts) and integers JSON cannot hold exactly (core/startRun.ts). The same
// behaviours are proven through n8n-core in node.errors.test.js.
const { readNumberOption, NUMBER_RULES, secondsRule, MAX_TIMER_MS } = require('../dist/nodes/Vishwa/core/options');
const { parseRetryAfterMs } = require('../dist/nodes/Vishwa/core/schedule');
const { findUnsafeInteger, parseJsonObject, fieldValue } = require('../dist/nodes/Vishwa/core/startRun');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

function refusal(fn) {
	try {
		fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected a refusal');
}

describe('readNumberOption', () => {
	const timeout = NUMBER_RULES.requestTimeout;
	const seconds = secondsRule('Maximum Wait (Seconds)', 0.1);

	test('not set: undefined, so the caller uses its default', () => {
		for (const raw of [undefined, null, '', '   ']) expect(readNumberOption(raw, timeout)).toBeUndefined();
	});

	test('numbers and numeric text in range are read', () => {
		expect(readNumberOption(5000, timeout)).toBe(5000);
		expect(readNumberOption(' 5000 ', timeout)).toBe(5000);
		expect(readNumberOption(MAX_TIMER_MS, timeout)).toBe(MAX_TIMER_MS);
		expect(readNumberOption('0.25', seconds)).toBe(0.25);
		expect(readNumberOption(1.5, seconds)).toBe(1.5);
	});

	test.each([
		['abc', '"abc"'],
		['-1', '"-1"'],
		[0, '0'],
		[-1, '-1'],
		[1.5, '1.5'],
		['1e309', '"1e309"'],
		[Infinity, 'Infinity'],
		[Number.NaN, 'NaN'],
		[true, 'true'],
		[[], '[]'],
		[{}, '{}'],
		[MAX_TIMER_MS + 1, String(MAX_TIMER_MS + 1)],
	])('Request Timeout %p is refused, naming the field and the value', (raw, shown) => {
		const error = refusal(() => readNumberOption(raw, timeout));
		expect(error).toBeInstanceOf(VishwaInputError);
		expect(error.field).toBe('Request Timeout (Ms)');
		expect(error.message).toBe(
			`Request Timeout (Ms) must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (got ${shown})`,
		);
	});

	test('seconds: the common mistakes say "positive", the range is named otherwise', () => {
		expect(refusal(() => readNumberOption(0, seconds)).message).toBe(
			'Maximum Wait (Seconds) must be a positive number of seconds (got 0)',
		);
		expect(refusal(() => readNumberOption('soon', seconds)).message).toBe(
			'Maximum Wait (Seconds) must be a positive number of seconds (got "soon")',
		);
		expect(refusal(() => readNumberOption(0.05, seconds)).message).toBe(
			'Maximum Wait (Seconds) must be a number of seconds from 0.1 to 2147483 (got 0.05)',
		);
		expect(refusal(() => readNumberOption(1e9, seconds)).message).toMatch(/from 0\.1 to 2147483 \(got 1000000000\)$/);
	});

	test('Concurrency: a whole number from 1 to 50', () => {
		expect(readNumberOption(50, NUMBER_RULES.concurrency)).toBe(50);
		expect(refusal(() => readNumberOption(51, NUMBER_RULES.concurrency)).message).toBe(
			'Concurrency must be a whole number from 1 to 50 (got 51)',
		);
	});
});

test('numeric options take decimal text only: hex and binary text are refused, naming the field', () => {
	const rule = { field: 'Request Timeout (Ms)', unit: 'ms', min: 1, max: 1000000, integer: true };
	for (const raw of ['0x10', '0b1', '0o7', '1_000']) expect(() => readNumberOption(raw, rule)).toThrow(/Request Timeout \(Ms\) must be/);
	expect(readNumberOption(' 12 ', rule)).toBe(12);
	expect(readNumberOption('1e3', rule)).toBe(1000);
});

describe('parseRetryAfterMs', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');

	test.each(['-5', '-1', '-0.5', '+3', '1e3', 'soon', ''])('%p is invalid: undefined (the normal backoff)', (value) => {
		expect(parseRetryAfterMs(value, now)).toBeUndefined();
	});

	test('delta-seconds', () => {
		expect(parseRetryAfterMs('0', now)).toBe(0);
		expect(parseRetryAfterMs(2, now)).toBe(2000);
	});

	test("an HTTP date is measured against the answer's Date header, not the local clock", () => {
		const serverNow = now + 3600 * 1000; // the server's clock is an hour ahead
		const date = new Date(serverNow + 5000).toUTCString();
		expect(parseRetryAfterMs(date, now, new Date(serverNow).toUTCString())).toBe(5000);
		// Without (or with an unreadable) Date header, the local clock is all there is.
		expect(parseRetryAfterMs(date, now)).toBe(3605000);
		expect(parseRetryAfterMs(date, now, 'garbage')).toBe(3605000);
		// A date before the server's now: retry at once.
		expect(parseRetryAfterMs(new Date(serverNow - 1000).toUTCString(), now, new Date(serverNow).toUTCString())).toBe(0);
	});
});

describe('integers JSON cannot hold exactly', () => {
	test.each([
		['{"a": 12345678901234567890}', '12345678901234567890'],
		['[-9007199254740993]', '-9007199254740993'],
		// The exponent forms too (review): they were sent rounded without a word.
		['{"a": 12345678901234567890e0}', '12345678901234567890e0'],
		['{"a": 1.2345678901234567e25}', '1.2345678901234567e25'],
		['{"s": "x\\"y", "n": 99999999999999999999}', '99999999999999999999'],
		['{"f": 1e400}', '1e400'],
	])('%s: %s is found', (text, token) => {
		expect(findUnsafeInteger(text)).toBe(token);
	});

	test.each([
		'{"a": 9007199254740991, "b": -9007199254740991}',
		'{"a": "12345678901234567890"}',
		'{"a": "x\\\\", "b": "12345678901234567890"}',
		'{"a": 1.2345678901234567890, "b": 1e300}',
		// 2^53 and 1e21 are exact as doubles: they arrive as written.
		'{"a": [9007199254740992], "b": 1e21, "c": 100e-2}',
	])('%s: nothing', (text) => {
		expect(findUnsafeInteger(text)).toBeUndefined();
	});

	test('parseJsonObject and fieldValue refuse them, naming the field', () => {
		const error = refusal(() => parseJsonObject('{"id": 12345678901234567890}', 'Inputs (JSON)', '{}'));
		expect(error.field).toBe('Inputs (JSON)');
		expect(error.description).toContain('"12345678901234567890"');
		expect(refusal(() => fieldValue('12345678901234567890', 'json', '"id"', 'Inputs')).field).toBe('Inputs');
		// As Text it is sent as the string it is.
		expect(fieldValue('12345678901234567890', 'text', '"id"', 'Inputs')).toBe('12345678901234567890');
	});
});
