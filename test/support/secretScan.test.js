'use strict';
// The secret scan must be able to find a key wherever the package could put it.
const { collectText } = require('./secretScan');

test('finds text in nested errors, causes, descriptions, keys and arrays', () => {
	const cause = new Error('inner needle-A');
	const error = new Error('outer');
	error.description = 'desc needle-B';
	error.cause = cause;
	const circular = { list: [{ deep: { 'needle-C': 1 } }], error };
	circular.self = circular;
	const text = collectText(circular);
	for (const needle of ['needle-A', 'needle-B', 'needle-C', 'outer']) expect(text).toContain(needle);
});

test('skips buffers and survives cycles', () => {
	const value = { buffer: Buffer.from('needle-D'), n: 5 };
	value.loop = value;
	expect(collectText(value)).not.toContain('needle-D');
	expect(collectText(value)).toContain('5');
});
