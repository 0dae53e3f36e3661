// Renders the node icons to PNG for a human look (not part of the build): each icon at 16 px and
// 64 px, plus a contact sheet showing the 16 px renders enlarged pixel-for-pixel on n8n's light and
// dark canvas colours. Needs `rsvg-convert` (Debian: apt-get install librsvg2-bin).
// Usage: node scripts/render-icons.mjs [outDir] [icon.svg ...]
//   outDir defaults to test-artifacts/icons (gitignored); icons default to the two node icons.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(repoRoot, process.argv[2] ?? 'test-artifacts/icons');
const icons = process.argv.length > 3
	? process.argv.slice(3).map((file) => path.resolve(file))
	: ['vishwa.svg', 'vishwa.dark.svg'].map((file) => path.join(repoRoot, 'nodes/Vishwa', file));
const sizes = [16, 64];
// n8n's canvas in its light and dark theme: every icon is shown on both.
const backgrounds = ['#FFFFFF', '#2D2E2E'];
const ZOOM = 8;

fs.mkdirSync(outDir, { recursive: true });
const rendered = {};
for (const icon of icons) {
	for (const size of sizes) {
		const file = path.join(outDir, `${path.basename(icon, '.svg')}.${size}.png`);
		execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), '-o', file, icon]);
		rendered[`${icon}@${size}`] = file;
	}
}

/** Pixels of an 8-bit RGBA, non-interlaced PNG (what rsvg-convert writes), row by row. */
function decodePng(file) {
	const data = fs.readFileSync(file);
	let offset = 8;
	let width = 0;
	let height = 0;
	const idat = [];
	while (offset < data.length) {
		const length = data.readUInt32BE(offset);
		const type = data.toString('ascii', offset + 4, offset + 8);
		const chunk = data.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = chunk.readUInt32BE(0);
			height = chunk.readUInt32BE(4);
			if (chunk[8] !== 8 || chunk[9] !== 6 || chunk[12] !== 0) throw new Error(`${file}: not 8-bit RGBA`);
		} else if (type === 'IDAT') idat.push(chunk);
		offset += 12 + length;
	}
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = width * 4;
	const pixels = Buffer.alloc(height * stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		for (let i = 0; i < stride; i++) {
			const value = raw[y * (stride + 1) + 1 + i];
			const left = i >= 4 ? pixels[y * stride + i - 4] : 0;
			const up = y > 0 ? pixels[(y - 1) * stride + i] : 0;
			const upLeft = y > 0 && i >= 4 ? pixels[(y - 1) * stride + i - 4] : 0;
			const paeth = () => {
				const p = left + up - upLeft;
				const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
				return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
			};
			const predictor = [0, left, up, (left + up) >> 1, filter === 4 ? paeth() : 0][filter];
			pixels[y * stride + i] = (value + predictor) & 0xff;
		}
	}
	return { width, height, pixels };
}

/** SVG rects drawing a PNG enlarged `zoom` times with hard pixel edges. */
function pixelRects(file, x0, y0, zoom) {
	const { width, height, pixels } = decodePng(file);
	let rects = '';
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const [r, g, b, a] = pixels.subarray((y * width + x) * 4, (y * width + x) * 4 + 4);
			if (a === 0) continue;
			rects += `<rect x="${x0 + x * zoom}" y="${y0 + y * zoom}" width="${zoom}" height="${zoom}" fill="rgb(${r},${g},${b})" fill-opacity="${(a / 255).toFixed(3)}"/>`;
		}
	}
	return rects;
}

// Contact sheet: one row per icon; on each canvas colour its 16 px render enlarged 8x
// pixel-for-pixel, then its 64 px render.
const cell = 16 * ZOOM;
const pad = 16;
const block = cell + pad + 64 + pad;
const width = pad + backgrounds.length * block;
const height = pad + icons.length * (cell + pad);
const dataUri = (file) => `data:image/png;base64,${fs.readFileSync(file).toString('base64')}`;
let body = backgrounds
	.map((bg, column) => `<rect x="${column * block + pad / 2}" y="0" width="${block}" height="${height}" fill="${bg}"/>`)
	.join('');
icons.forEach((icon, row) => {
	const y = pad + row * (cell + pad);
	backgrounds.forEach((_bg, column) => {
		const x = pad + column * block;
		body += pixelRects(rendered[`${icon}@16`], x, y, ZOOM);
		body += `<image x="${x + cell + pad}" y="${y}" width="64" height="64" href="${dataUri(rendered[`${icon}@64`])}"/>`;
	});
});
const sheetSvg = path.join(outDir, 'sheet.svg');
fs.writeFileSync(
	sheetSvg,
	`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`,
);
execFileSync('rsvg-convert', ['-o', path.join(outDir, 'sheet.png'), sheetSvg]);
console.log(`Rendered to ${path.relative(repoRoot, outDir)}: ${fs.readdirSync(outDir).join(', ')}`);
