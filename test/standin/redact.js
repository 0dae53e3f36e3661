'use strict';
// Replace every occurrence of a secret (raw and URL-encoded) in strings, object keys and
// nested values with `[redacted]`.

const MARK = '[redacted]';

function needlesFor(secret) {
  const set = new Set([secret]);
  const enc = encodeURIComponent(secret);
  set.add(enc);
  set.add(enc.replace(/%20/g, '+'));
  return [...set].filter((s) => s.length > 0);
}

function redactString(s, needles) {
  let out = s;
  for (const n of needles) if (out.includes(n)) out = out.split(n).join(MARK);
  return out;
}

function redactDeep(value, needles) {
  if (typeof value === 'string') return redactString(value, needles);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, needles));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, redactString(k, needles), {
        value: redactDeep(v, needles), enumerable: true, writable: true, configurable: true,
      });
    }
    return out;
  }
  return value;
}

module.exports = { MARK, needlesFor, redactString, redactDeep };
