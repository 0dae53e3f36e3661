'use strict';
// The node and credential icons: well-formed SVG, square, drawn with shapes that survive the 16 px
// n8n uses in lists, and actually referenced (and shipped) by what the package declares.
const fs = require('fs');
const path = require('path');
const { XMLParser, XMLValidator } = require('fast-xml-parser');

const root = path.resolve(__dirname, '..');
const pkg = require('../package.json');
const ICON_DIR = path.join(root, 'nodes/Vishwa');
// The credential's copy of the same icons, beside the credential (n8n resolves "file:" icons
// relative to the credential's file; a path climbing into nodes/ ties the two folders together).
const CREDENTIAL_ICON_DIR = path.join(root, 'credentials');
const ICONS = ['vishwa.svg', 'vishwa.dark.svg'];
const SVG_NS = 'http://www.w3.org/2000/svg';
// Elements that do not belong in a small brand mark: text is unreadable at 16 px, the rest pulls in
// outside content or code.
const FORBIDDEN_ELEMENTS = ['text', 'tspan', 'textPath', 'image', 'foreignObject', 'script', 'style', 'use'];

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true });

/**
 * Flattens preserveOrder output into { name, attrs, hidden } for every element, depth first.
 * `hidden`: inside <defs>, <mask> or <clipPath>, where shapes only cut or paint other shapes.
 */
function elements(nodes, out = [], hidden = false) {
	for (const node of nodes) {
		const name = Object.keys(node).find((key) => key !== ':@');
		if (!name || name.startsWith('#') || name.startsWith('?')) continue;
		out.push({ name, attrs: node[':@'] ?? {}, hidden });
		elements(node[name], out, hidden || ['defs', 'mask', 'clipPath'].includes(name));
	}
	return out;
}

function readSvg(file) {
	const text = fs.readFileSync(file, 'utf8');
	const validation = XMLValidator.validate(text);
	if (validation !== true) throw new Error(`${file} is not well-formed XML: ${JSON.stringify(validation.err)}`);
	return { text, all: elements(parser.parse(text)) };
}

/** Every icon path ("file:...") a node or credential of the built package points at, resolved. */
function referencedIcons() {
	const refs = [];
	const add = (owner, dir, icon) => {
		const values = typeof icon === 'string' ? [icon] : Object.values(icon ?? {});
		for (const value of values) {
			expect(value).toMatch(/^file:/);
			refs.push({ owner, file: path.resolve(dir, value.slice('file:'.length)) });
		}
	};
	// n8n loads the class named like the file: dist/nodes/Vishwa/Vishwa.node.js exports Vishwa.
	const load = (file) => new (require(path.join(root, file))[path.basename(file).split('.')[0]])();
	for (const file of pkg.n8n.nodes) {
		add(file, path.dirname(path.join(root, file)), load(file).description.icon);
	}
	for (const file of pkg.n8n.credentials) {
		add(file, path.dirname(path.join(root, file)), load(file).icon);
	}
	return refs;
}

describe.each([...ICONS.map((icon) => path.join(ICON_DIR, icon)), ...ICONS.map((icon) => path.join(CREDENTIAL_ICON_DIR, icon))].map((file) => path.relative(root, file)))('%s', (relative) => {
	const file = path.join(root, relative);
	const { text, all } = readSvg(file);
	const svg = all[0];
	const viewBox = String(svg.attrs.viewBox ?? '').trim().split(/[\s,]+/).map(Number);
	const size = viewBox[2];
	const px = size / 16; // one screen pixel when the icon is drawn at 16 px

	test('is an SVG document with the SVG namespace', () => {
		expect(svg.name).toBe('svg');
		expect(svg.attrs.xmlns).toBe(SVG_NS);
	});

	test('has a square viewBox (and, if set, a square width and height)', () => {
		expect(viewBox).toHaveLength(4);
		expect(viewBox.every(Number.isFinite)).toBe(true);
		expect(viewBox[2]).toBeGreaterThan(0);
		expect(viewBox[2]).toBe(viewBox[3]);
		if (svg.attrs.width !== undefined || svg.attrs.height !== undefined) {
			expect(parseFloat(svg.attrs.width)).toBe(parseFloat(svg.attrs.height));
		}
	});

	test('has no text, raster images, scripts, styles or external references', () => {
		const names = all.map((element) => element.name);
		for (const forbidden of FORBIDDEN_ELEMENTS) expect(names).not.toContain(forbidden);
		expect(text).not.toMatch(/(?:href|src)\s*=\s*["'](?!#)/i);
		expect(text).not.toMatch(/url\(\s*['"]?(?!#)/i);
	});

	test('uses strokes and shapes that stay visible at 16 px', () => {
		const drawn = all.filter(
			(element) => !element.hidden && ['path', 'circle', 'ellipse', 'rect', 'polygon', 'polyline', 'line'].includes(element.name),
		);
		expect(drawn.length).toBeGreaterThan(0);
		// A handful of strong shapes: more than this is detail nobody sees at 16 px.
		expect(drawn.length).toBeLessThanOrEqual(12);
		for (const element of all) {
			if (element.attrs['stroke-width'] !== undefined) {
				expect(parseFloat(element.attrs['stroke-width'])).toBeGreaterThanOrEqual(px);
			}
			if (element.name === 'circle' && !element.hidden) {
				expect(parseFloat(element.attrs.r) * 2).toBeGreaterThanOrEqual(2 * px);
			}
		}
	});

	test('is small', () => {
		expect(Buffer.byteLength(text)).toBeLessThan(4096);
	});
});

test('the light and dark icons are different files with different content and no shared ids', () => {
	const [light, dark] = ICONS.map((icon) => readSvg(path.join(ICON_DIR, icon)));
	expect(light.text).not.toBe(dark.text);
	// Both may be inlined in one page; a shared id would let one icon's gradient paint the other.
	const ids = (svg) => svg.all.map((element) => element.attrs.id).filter(Boolean);
	const lightIds = ids(light);
	const darkIds = ids(dark);
	expect(new Set(lightIds).size).toBe(lightIds.length);
	expect(lightIds.filter((id) => darkIds.includes(id))).toEqual([]);
});

describe('references (built package)', () => {
	beforeAll(() => {
		if (!fs.existsSync(path.join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	});

	test('every node and the credential use the light and the dark icon, and both ship in dist', () => {
		const refs = referencedIcons();
		const owners = new Set(refs.map((ref) => ref.owner));
		expect(owners).toEqual(new Set([...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		for (const { owner, file } of refs) {
			expect({ owner, exists: fs.existsSync(file) }).toEqual({ owner, exists: true });
		}
		const shipped = new Set(refs.map((ref) => path.relative(root, ref.file)));
		expect(shipped).toEqual(new Set(ICONS.flatMap((icon) => [`dist/nodes/Vishwa/${icon}`, `dist/credentials/${icon}`])));
		for (const icon of ICONS) {
			expect(fs.readFileSync(path.join(root, 'dist/nodes/Vishwa', icon), 'utf8')).toBe(
				fs.readFileSync(path.join(ICON_DIR, icon), 'utf8'),
			);
			expect(fs.readFileSync(path.join(root, 'dist/credentials', icon), 'utf8')).toBe(
				fs.readFileSync(path.join(CREDENTIAL_ICON_DIR, icon), 'utf8'),
			);
		}
	});

	test("the credential's icons sit beside it and are the nodes' icons, byte for byte", () => {
		for (const { owner, file } of referencedIcons().filter((ref) => pkg.n8n.credentials.includes(ref.owner))) {
			expect({ owner, dir: path.relative(root, path.dirname(file)) }).toEqual({ owner, dir: path.dirname(owner) });
		}
		for (const icon of ICONS) {
			expect({ icon, same: fs.readFileSync(path.join(CREDENTIAL_ICON_DIR, icon), 'utf8') === fs.readFileSync(path.join(ICON_DIR, icon), 'utf8') }).toEqual({ icon, same: true });
		}
	});
});
