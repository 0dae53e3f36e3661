'use strict';
// The pictures in README.md and docs/ are screenshots the editor check takes (issue 19). Run with
// `--update-docs-images`, the check copies them to docs/images/ with what it asserted about them (the
// texts on screen) stored inside the PNG, in a tEXt chunk. test/docsImages.test.js compares those
// texts with the README and the built nodes, so a picture that shows an old text fails a fast test
// until the check is run again with the flag.

const fs = require('fs');
const path = require('path');

const DOCS_IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
/** The tEXt keyword holding the asserted texts (JSON, ASCII only). */
const KEYWORD = 'vishwa-editor-check';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let crcTable;
function crc32(buffer) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of buffer) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The PNG's chunks: { type, data, raw } in file order. */
function chunks(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  const out = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    out.push({ type, data: png.subarray(at + 8, at + 8 + length), raw: png.subarray(at, at + 12 + length) });
    at += 12 + length;
  }
  return out;
}

function textChunk(keyword, text) {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write('tEXt', 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** JSON with every non-ASCII character escaped: a tEXt chunk is Latin-1. */
const asciiJson = (value) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The screenshot `png` with `facts` stored in it (replacing facts stored before). */
function withFacts(png, facts) {
  const parts = chunks(png).filter((c) => !(c.type === 'tEXt' && c.data.toString('latin1').startsWith(`${KEYWORD}\0`)));
  const [ihdr, ...rest] = parts;
  return Buffer.concat([SIGNATURE, ihdr.raw, textChunk(KEYWORD, asciiJson(facts)), ...rest.map((c) => c.raw)]);
}

/** The facts stored in a PNG by `withFacts`, or undefined. */
function readFacts(file) {
  const chunk = chunks(fs.readFileSync(file)).find((c) => c.type === 'tEXt' && c.data.toString('latin1').startsWith(`${KEYWORD}\0`));
  return chunk ? JSON.parse(chunk.data.toString('latin1').slice(KEYWORD.length + 1)) : undefined;
}

/** Copies a screenshot of the check to docs/images/<name>.png with the texts it asserted. */
function writeDocsImage(screenshotFile, name, facts) {
  const target = path.join(DOCS_IMAGES, `${name}.png`);
  fs.writeFileSync(target, withFacts(fs.readFileSync(screenshotFile), facts));
  return target;
}

module.exports = { DOCS_IMAGES, KEYWORD, readFacts, withFacts, writeDocsImage };
