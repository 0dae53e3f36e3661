'use strict';
// Unit tests of building the start-run body (pure, no n8n): JSON-object parameters, name/value
// fields with their Type, duplicates, and where override_config goes.
const {
	parseJsonObject,
	rowsToObject,
	fieldValue,
	buildStartRunBody,
	describeJsonValue,
} = require('../dist/nodes/Vishwa/core/startRun');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

const FIELDS = { inputs: 'Inputs', overrideConfig: 'Node Overrides' };

function inputError(fn) {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(VishwaInputError);
		return error;
	}
	throw new Error('expected a VishwaInputError');
}

describe('JSON object parameters', () => {
	test('JSON text and objects from expressions are accepted', () => {
		expect(parseJsonObject('{"a": 1, "b": [true]}', 'Inputs (JSON)', '{}')).toEqual({ a: 1, b: [true] });
		const fromExpression = { a: { b: 2 } };
		expect(parseJsonObject(fromExpression, 'Inputs (JSON)', '{}')).toBe(fromExpression);
		expect(parseJsonObject(' {} ', 'Inputs (JSON)', '{}')).toEqual({});
	});

	test.each([
		['{"a": ', /^Inputs \(JSON\) is not valid JSON \(.+\)$/],
		['[1, 2]', /^Inputs \(JSON\) must be a JSON object such as \{"input_1": "value"\}, not an array$/],
		['"text"', /^Inputs \(JSON\) must be a JSON object such as .*, not a string$/],
		['42', /, not a number$/],
		['null', /, not null$/],
		['   ', /^Inputs \(JSON\) is empty$/],
		[['x'], /, not an array$/],
	])('%p is refused', (raw, message) => {
		const error = inputError(() => parseJsonObject(raw, 'Inputs (JSON)', '{"input_1": "value"}'));
		expect(error.message).toMatch(message);
		expect(error.field).toBe('Inputs (JSON)');
	});

	test('describeJsonValue names every JSON kind', () => {
		expect([[], {}, 'a', 1, true, null, undefined].map(describeJsonValue)).toEqual([
			'an array',
			'an object',
			'a string',
			'a number',
			'a boolean',
			'null',
			'nothing',
		]);
	});
});

describe('name/value fields', () => {
	const asInputs = { field: 'Inputs', keyLabel: 'Name', defaultType: 'text' };

	test('text is sent as given, JSON is parsed, expression results keep their type', () => {
		const rows = [
			{ name: ' topic ', value: 'cats' },
			{ name: 'count', value: '42' },
			{ name: 'countJson', value: '42', type: 'json' },
			{ name: 'flags', value: '{"a": [1, null]}', type: 'json' },
			{ name: 'fromExpression', value: { nested: true }, type: 'text' },
			{ name: 'numberFromExpression', value: 7, type: 'json' },
			{ name: 'empty' },
		];
		expect(rowsToObject(rows, asInputs)).toEqual({
			topic: 'cats',
			count: '42',
			countJson: 42,
			flags: { a: [1, null] },
			fromExpression: { nested: true },
			numberFromExpression: 7,
			empty: '',
		});
	});

	test('the default type applies when a row has none (JSON for node overrides)', () => {
		expect(
			rowsToObject([{ name: 'node_1', value: '{"t": 0.2}' }], { field: 'Node Overrides', keyLabel: 'Node ID', defaultType: 'json' }),
		).toEqual({ node_1: { t: 0.2 } });
	});

	test('no rows give an empty object', () => {
		expect(rowsToObject(undefined, asInputs)).toEqual({});
		expect(rowsToObject([], asInputs)).toEqual({});
	});

	test('a name like __proto__ is an ordinary key', () => {
		const result = rowsToObject([{ name: '__proto__', value: 'x' }], asInputs);
		expect(Object.keys(result)).toEqual(['__proto__']);
		expect(JSON.stringify(result)).toBe('{"__proto__":"x"}');
	});

	test('a duplicate name is refused, naming both entries', () => {
		const error = inputError(() =>
			rowsToObject([{ name: 'a', value: '1' }, { name: 'b' }, { name: ' a ', value: '2' }], asInputs),
		);
		expect(error.message).toBe('Name "a" appears twice in Inputs (entries 1 and 3)');
		expect(error.field).toBe('Inputs');
	});

	test('an empty name is refused, naming the entry', () => {
		const error = inputError(() => rowsToObject([{ name: 'a' }, { name: '  ', value: 'x' }], asInputs));
		expect(error.message).toBe('Name of entry 2 in Inputs is empty');
	});

	test('invalid JSON in a JSON-typed value is refused, naming the input', () => {
		const error = inputError(() => fieldValue('{oops', 'json', '"cfg"', 'Inputs'));
		expect(error.message).toMatch(/^The value of "cfg" in Inputs is not valid JSON \(.+\)$/);
		expect(error.description).toMatch(/Type to Text/);
	});
});

describe('the start-run body', () => {
	test('inputs at the top level, override_config only when not empty', () => {
		expect(buildStartRunBody({ a: 1 }, undefined, FIELDS)).toEqual({ a: 1 });
		expect(buildStartRunBody({ a: 1 }, {}, FIELDS)).toEqual({ a: 1 });
		expect(buildStartRunBody({ a: 1 }, { n1: { t: 1 } }, FIELDS)).toEqual({ a: 1, override_config: { n1: { t: 1 } } });
		expect(buildStartRunBody({}, undefined, FIELDS)).toEqual({});
	});

	test('override_config inside the inputs is kept when Override Config gives none, dropped when empty', () => {
		expect(buildStartRunBody({ a: 1, override_config: { n: 2 } }, undefined, FIELDS)).toEqual({
			a: 1,
			override_config: { n: 2 },
		});
		expect(buildStartRunBody({ a: 1, override_config: {} }, {}, FIELDS)).toEqual({ a: 1 });
	});

	test('override_config given twice is refused', () => {
		const error = inputError(() => buildStartRunBody({ override_config: { n: 1 } }, { n: 2 }, FIELDS));
		expect(error.message).toBe('override_config is given twice: in Inputs and in Node Overrides');
	});

	test('override_config inside the inputs must be an object', () => {
		const error = inputError(() => buildStartRunBody({ override_config: 'x' }, undefined, FIELDS));
		expect(error.message).toBe('"override_config" in Inputs must be a JSON object mapping node IDs to values, not a string');
	});

	test('the inputs object is not modified', () => {
		const inputs = { a: 1, override_config: {} };
		buildStartRunBody(inputs, undefined, FIELDS);
		expect(inputs).toEqual({ a: 1, override_config: {} });
	});
});
