'use strict';
// Unit tests of Run > Start's Attach Files logic (pure, no n8n): the file-to-input rows, reading
// the upload answer in its possible shapes, lining its entries up with the files sent, and the
// reference each input gets.
const {
	parseAttachmentRows,
	checkAttachmentInputs,
	attachmentInputs,
	extractUploadEntries,
	alignUploadEntries,
	parseReferenceMode,
	parseReferenceTemplate,
	referenceOf,
	fieldAt,
	describeAttachedFiles,
} = require('../dist/nodes/Vishwa/core/attachments');
const { VishwaInputError } = require('../dist/nodes/Vishwa/core/errors');

function inputError(fn) {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(VishwaInputError);
		return error;
	}
	throw new Error('expected a VishwaInputError');
}

describe('Files to Attach rows', () => {
	test('one file per input: single references, properties sent once each in row order', () => {
		const plan = parseAttachmentRows([
			{ binaryProperty: ' data ', inputName: ' document ' },
			{ binaryProperty: 'image', inputName: 'picture' },
		]);
		expect(plan.binaryProperties).toEqual(['data', 'image']);
		expect(plan.attachments).toEqual([
			{ binaryProperty: 'data', input: 'document', fileIndex: 0 },
			{ binaryProperty: 'image', input: 'picture', fileIndex: 1 },
		]);
		expect(attachmentInputs(plan, ['ref-a', 'ref-b'])).toEqual({ document: 'ref-a', picture: 'ref-b' });
	});

	test('several files for one input (rows or commas) make a list in row order; Always Send a List makes a list of one', () => {
		const plan = parseAttachmentRows([
			{ binaryProperty: 'b', inputName: 'pages' },
			{ binaryProperty: 'a, c', inputName: 'scans' },
			{ binaryProperty: 'a', inputName: 'pages' },
			{ binaryProperty: 'd', inputName: 'one', asList: true },
		]);
		// "a" goes to two inputs but is uploaded once.
		expect(plan.binaryProperties).toEqual(['b', 'a', 'c', 'd']);
		expect(attachmentInputs(plan, ['B', 'A', 'C', 'D'])).toEqual({ pages: ['B', 'A'], scans: ['A', 'C'], one: ['D'] });
	});

	test('an expression may give the binary properties as an array', () => {
		const plan = parseAttachmentRows([{ binaryProperty: ['x', ' y '], inputName: 'files' }]);
		expect(attachmentInputs(plan, [1, 2])).toEqual({ files: [1, 2] });
	});

	test.each([
		[[], 'Files to Attach is empty'],
		[undefined, 'Files to Attach is empty'],
		[[{ binaryProperty: 'data', inputName: ' ' }], 'Input Name of entry 1 in Files to Attach is empty'],
		[[{ binaryProperty: 'data', inputName: 'a' }, { binaryProperty: ' , ', inputName: 'b' }], 'Binary Property of entry 2 in Files to Attach is empty'],
		[[{ binaryProperty: 'data', inputName: 'override_config' }], 'Input Name of entry 1 in Files to Attach is "override_config", which is not a flow input'],
		[[{ binaryProperty: 'data', inputName: 'a' }, { binaryProperty: 'data', inputName: 'a' }], 'Binary property "data" is attached to input "a" twice in Files to Attach'],
	])('bad rows %j: %s', (rows, message) => {
		const error = inputError(() => parseAttachmentRows(rows));
		expect(error.message).toBe(message);
		expect(error.field).toBe('Files to Attach');
	});

	test('an input given both in the inputs and in Files to Attach is refused', () => {
		const plan = parseAttachmentRows([{ binaryProperty: 'data', inputName: 'document' }]);
		expect(() => checkAttachmentInputs({ other: 1 }, plan, 'Inputs')).not.toThrow();
		const error = inputError(() => checkAttachmentInputs({ document: 'x' }, plan, 'Inputs (JSON)'));
		expect(error.message).toBe('Input "document" is given twice: in Inputs (JSON) and in Files to Attach');
	});

	test('an input named __proto__ stays an ordinary key', () => {
		const plan = parseAttachmentRows([{ binaryProperty: 'data', inputName: '__proto__' }]);
		const inputs = attachmentInputs(plan, ['ref']);
		expect(Object.keys(inputs)).toEqual(['__proto__']);
		expect(JSON.stringify(inputs)).toBe('{"__proto__":"ref"}');
	});
});

describe('the upload answer', () => {
	const a = { file_id: 'f1', url: 'u1' };
	const b = { file_id: 'f2', url: 'u2' };
	test.each([
		['files', { files: [a, b] }],
		['data', { data: [a, b] }],
		['assets', { assets: [a, b] }],
		['bare array', [a, b]],
		['nested data.files', { data: { files: [a, b] } }],
	])('entries found in %s', (_shape, answer) => {
		expect(extractUploadEntries(answer)).toEqual([a, b]);
	});

	test('a single file entry as the whole answer is a list of one; anything else is no list', () => {
		expect(extractUploadEntries({ id: 'x', name: 'n' })).toEqual([{ id: 'x', name: 'n' }]);
		expect(extractUploadEntries({ ok: true })).toBeUndefined();
		expect(extractUploadEntries('text')).toBeUndefined();
		expect(extractUploadEntries(undefined)).toBeUndefined();
		expect(extractUploadEntries({ files: 'nope' })).toBeUndefined();
	});

	test('entries are taken in the order sent; a different count is a problem in words', () => {
		expect(alignUploadEntries([a, b], ['x', 'y'])).toEqual({ entries: [a, b] });
		expect(alignUploadEntries([a], ['x', 'y'])).toEqual({ problem: 'lists 1 file for the 2 files sent' });
		expect(alignUploadEntries([a, b, a], ['x'])).toEqual({ problem: 'lists 3 files for the 1 file sent' });
	});

	test('entries named like the files sent but in another order are matched by name', () => {
		const x = { file_name: 'x.pdf', file_id: '1' };
		const y = { file_name: 'y.pdf', file_id: '2' };
		expect(alignUploadEntries([y, x], ['x.pdf', 'y.pdf'])).toEqual({ entries: [x, y] });
		// Renamed by the server, or names repeated: position decides.
		const z = { file_name: 'z.pdf', file_id: '3' };
		expect(alignUploadEntries([z, x], ['x.pdf', 'y.pdf'])).toEqual({ entries: [z, x] });
		expect(alignUploadEntries([y, x], ['x.pdf', 'x.pdf'])).toEqual({ entries: [y, x] });
	});
});

describe('Reference Field', () => {
	const standin = { file_id: 'file_1', file_name: 'a.pdf', size: 3, url: 'http://h/v1/assets/file_1', temp: false };

	test('Auto takes the URL, else the ID; URL and ID accept the alternative names', () => {
		expect(referenceOf(standin, 'auto')).toEqual({ reference: 'http://h/v1/assets/file_1' });
		expect(referenceOf({ file_url: 'fu', id: 'i' }, 'auto')).toEqual({ reference: 'fu' });
		expect(referenceOf({ file_id: 'f', url: '' }, 'auto')).toEqual({ reference: 'f' });
		expect(referenceOf({ id: 7 }, 'auto')).toEqual({ reference: 7 });
		expect(referenceOf(standin, 'id')).toEqual({ reference: 'file_1' });
		expect(referenceOf({ id: 'i' }, 'id')).toEqual({ reference: 'i' });
		expect(referenceOf({ file_url: 'fu' }, 'url')).toEqual({ reference: 'fu' });
		expect(referenceOf('bare-ref', 'auto')).toEqual({ reference: 'bare-ref' });
		expect(referenceOf(standin, 'entry')).toEqual({ reference: standin });
	});

	test('a missing field is a problem in words', () => {
		expect(referenceOf({ file_id: 'f' }, 'url')).toEqual({ problem: 'has no URL (url or file_url)' });
		expect(referenceOf({ url: 'u' }, 'id')).toEqual({ problem: 'has no ID (file_id or id)' });
		expect(referenceOf({ name: 'n' }, 'auto')).toEqual({
			problem: 'has neither a URL nor an ID (url, file_url, file_id, id)',
		});
		expect(referenceOf(null, 'entry')).toEqual({ problem: 'is empty' });
	});

	test('Custom: a field name, a dotted path, or a text with fields in braces', () => {
		const entry = { asset_id: 42, 'a.b': 'dotted key', meta: { links: [{ href: 'h0' }] }, file_id: 'f9' };
		const custom = (text) => referenceOf(entry, 'custom', parseReferenceTemplate(text));
		expect(custom('asset_id')).toEqual({ reference: 42 });
		expect(custom('{asset_id}')).toEqual({ reference: 42 });
		expect(custom('a.b')).toEqual({ reference: 'dotted key' });
		expect(custom('meta.links.0.href')).toEqual({ reference: 'h0' });
		expect(custom('{meta}')).toEqual({ reference: { links: [{ href: 'h0' }] } });
		expect(custom('asset://{file_id}?n={asset_id}')).toEqual({ reference: 'asset://f9?n=42' });
		expect(custom('{ nothing }')).toEqual({ problem: 'has no field "nothing"' });
		expect(fieldAt(entry, 'meta.links.5.href')).toBeUndefined();
	});

	test('bad Custom Reference and Reference Field values are input errors', () => {
		expect(inputError(() => parseReferenceTemplate('  ')).message).toBe('Custom Reference is empty');
		expect(inputError(() => parseReferenceTemplate('x{}')).message).toBe('Custom Reference has an empty placeholder "{}"');
		expect(inputError(() => parseReferenceTemplate('x{id')).message).toBe('Custom Reference has an unmatched brace: "x{id"');
		expect(inputError(() => parseReferenceTemplate('id}')).message).toBe('Custom Reference has an unmatched brace: "id}"');
		expect(parseReferenceMode(undefined)).toBe('auto');
		expect(parseReferenceMode(' URL ')).toBe('url');
		expect(inputError(() => parseReferenceMode('link')).message).toBe(
			'Reference Field must be one of "auto", "url", "id", "entry", "custom" (got "link")',
		);
	});
});

test('files are described by name, binary property and input; long lists are shortened', () => {
	const file = (n) => ({ fileName: `f${n}.pdf`, binaryProperty: `p${n}`, inputs: ['doc'] });
	expect(describeAttachedFiles([file(1)])).toBe('"f1.pdf" (binary property "p1", for input "doc")');
	expect(describeAttachedFiles([file(1), { ...file(2), inputs: ['a', 'b'] }])).toBe(
		'"f1.pdf" (binary property "p1", for input "doc") and "f2.pdf" (binary property "p2", for inputs "a", "b")',
	);
	expect(describeAttachedFiles([1, 2, 3, 4, 5].map(file))).toMatch(/, "f3.pdf" \(binary property "p3", for input "doc"\) and 2 more$/);
});
