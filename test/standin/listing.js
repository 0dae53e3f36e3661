'use strict';
// Run-listing behaviours a Vishwa might show beyond what the Vishwa Trigger assumes (the listing is
// ASSUMED: the published API has none). One list, used by the stand-in (per-flow option `listing`)
// and drawn at random per scenario by the trigger's model test (test/core.triggerState.test.js), so
// neither shares the trigger's assumptions. The first value of each is the stand-in's default.
const LISTING_QUIRKS = {
  /** How run_start_time is written: ISO ms, ISO whole seconds, epoch seconds or ms (numbers), null
   * while a run has not finished, or absent / null for every run (the trigger must refuse these). */
  startTimes: ['iso', 'iso-seconds', 'epoch-seconds', 'epoch-ms', 'null-while-running', 'missing', 'null'],
  /** The most entries a page holds, whatever `limit` asked (null: as asked). */
  pageCap: [null, 7, 10, 50],
  /** Whether the body carries `total`: the listing's, none, or one that counts only the page. */
  total: [true, false, 'page'],
  /** Whether `offset` is ignored (every request answers the first page). */
  ignoreOffset: [false, true],
  /** Whether some runs come twice in a row (a join on the server): offsets count the rows. */
  repeatIds: [false, true],
  /** Whether runs that show the same start time come in a new order at every listing from the top
   * (true), or on every request ('per-request': a sort without a tiebreaker; the trigger is exact
   * with it while a start time holds fewer runs than a page, and reports a possible loss beyond). */
  reorderTies: [false, true, 'per-request'],
  /** Sort order: newest first, or oldest first (the trigger must refuse that listing clearly). */
  order: ['newest-first', 'oldest-first'],
  /** New finished runs pushed in at the top before answering a page with offset > 0. */
  insertsBetweenPages: [0, 1, 3, 5],
  /** Newest runs deleted before answering a page with offset > 0. */
  deletesAtTopBetweenPages: [0, 1, 3],
};

/** How often the model test draws each value (default: all alike): a refused listing ends its
 * scenario early, so it is drawn less often. */
const DRAW_WEIGHTS = { order: [7, 1] };

const DEFAULT_LISTING = Object.fromEntries(Object.entries(LISTING_QUIRKS).map(([name, values]) => [name, values[0]]));

/** Start-time modes with which the trigger cannot work (it must fail activation clearly). */
const UNUSABLE_START_TIMES = ['missing', 'null'];

/** Whether the trigger must refuse this listing (no start times, or not newest first). */
function unusableListing(listing) {
  return UNUSABLE_START_TIMES.includes(listing.startTimes) || listing.order === 'oldest-first';
}

/** Checks a (partial) listing spec; returns the full one. Throws a message naming the bad field. */
function normalizeListing(spec = {}) {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Error("'listing' must be an object");
  const out = { ...DEFAULT_LISTING };
  for (const [name, value] of Object.entries(spec)) {
    if (!(name in LISTING_QUIRKS)) throw new Error(`unknown listing behaviour '${name}' (known: ${Object.keys(LISTING_QUIRKS).join(', ')})`);
    const numeric = typeof LISTING_QUIRKS[name][1] === 'number';
    const ok = LISTING_QUIRKS[name].includes(value) ||
      (numeric && Number.isInteger(value) && value >= (name === 'pageCap' ? 1 : 0) && value <= 1000);
    if (!ok) throw new Error(`listing.${name} must be one of ${JSON.stringify(LISTING_QUIRKS[name])} (got ${JSON.stringify(value)})`);
    out[name] = value;
  }
  return out;
}

/** Draws every behaviour at random (`rng.pick`); `weights` may force some. */
function drawListing(rng, forced = {}) {
  const out = {};
  for (const [name, values] of Object.entries(LISTING_QUIRKS)) {
    if (name in forced) out[name] = forced[name];
    else if (DRAW_WEIGHTS[name]) {
      const weights = DRAW_WEIGHTS[name];
      let roll = rng.next() * weights.reduce((sum, w) => sum + w, 0);
      out[name] = values[weights.findIndex((w) => (roll -= w) < 0)];
    } else out[name] = rng.pick(values);
  }
  return out;
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function secondsResolution(listing) {
  return listing.startTimes === 'iso-seconds' || listing.startTimes === 'epoch-seconds';
}

/**
 * One page of a listing with `listing`'s behaviours.
 * @param {object[]} newestFirst every run of the flow, newest first (start time, then creation)
 * @param {{offset: number, limit: number, order: number}} request `order`: which tie order to use
 * @param {object} listing a normalized listing spec
 * @param {{view: (run) => object, startMs: (run) => number, id: (run) => string, finished: (run) => boolean}} how
 * @returns {{runs: object[], total?: number}}
 */
function renderPage(newestFirst, { offset, limit, order = 0, ordered = false }, listing, how) {
  const sorted = ordered ? newestFirst : orderRuns(newestFirst, order, listing, how);
  const runs = listing.order === 'oldest-first' ? [...sorted].reverse() : sorted;
  const first = listing.ignoreOffset ? 0 : offset;
  const count = Math.min(limit, listing.pageCap || limit);
  const rows = [];
  let total = 0;
  for (const run of runs) {
    const times = listing.repeatIds && hash(how.id(run)) % 5 === 0 ? 2 : 1;
    for (let t = 0; t < times; t += 1) {
      if (total >= first && rows.length < count) rows.push(run);
      total += 1;
    }
    if (rows.length >= count && !listing.total) break;
  }
  const page = rows.map((run) => withStartTime(how.view(run), run, listing, how));
  if (listing.total === 'page') return { runs: page, total: page.length };
  return listing.total ? { runs: page, total } : { runs: page };
}

/** The runs in the order the listing shows them (`order` picks the tie order with reorderTies). */
function orderRuns(newestFirst, order, listing, how) {
  if (!listing.reorderTies) return newestFirst;
  return newestFirst
    .map((run) => ({ run, key: shownStart(run, listing, how), rank: hash(`${how.id(run)}:${order}`) }))
    .sort((a, b) => b.key - a.key || a.rank - b.rank)
    .map((entry) => entry.run);
}

function shownStart(run, listing, how) {
  return secondsResolution(listing) ? Math.floor(how.startMs(run) / 1000) : how.startMs(run);
}

/**
 * `orderRuns` for the runs a page at `offset` can show (its tie groups reordered, the rest left as
 * they are): the same page, without sorting the whole listing on every request (a 'per-request'
 * listing reorders on every one; sorting thousands of runs each time made the model test 20 times
 * slower). Rows beyond the page are only counted (for `total`), so their order does not matter.
 */
function orderRunsNear(newestFirst, { offset, limit, order }, listing, how) {
  if (!listing.reorderTies) return newestFirst;
  const first = listing.ignoreOffset ? 0 : offset;
  // Rows count repeated ids twice: the page's runs lie between row/2 and row + limit.
  let lo = Math.min(newestFirst.length, Math.floor(first / 2));
  let hi = Math.min(newestFirst.length, first + limit + 1);
  const key = (index) => shownStart(newestFirst[index], listing, how);
  while (lo > 0 && lo < newestFirst.length && key(lo - 1) === key(lo)) lo -= 1;
  while (hi > 0 && hi < newestFirst.length && key(hi) === key(hi - 1)) hi += 1;
  const out = newestFirst.slice();
  const near = orderRuns(newestFirst.slice(lo, hi), order, listing, how);
  for (let i = 0; i < near.length; i += 1) out[lo + i] = near[i];
  return out;
}

function withStartTime(entry, run, listing, how) {
  const ms = how.startMs(run);
  const out = { ...entry };
  switch (listing.startTimes) {
    case 'iso-seconds': out.run_start_time = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'); break;
    case 'epoch-seconds': out.run_start_time = Math.floor(ms / 1000); break;
    case 'epoch-ms': out.run_start_time = ms; break;
    case 'null-while-running': out.run_start_time = how.finished(run) ? new Date(ms).toISOString() : null; break;
    case 'missing': delete out.run_start_time; break;
    case 'null': out.run_start_time = null; break;
    default: out.run_start_time = new Date(ms).toISOString();
  }
  return out;
}

module.exports = { LISTING_QUIRKS, DEFAULT_LISTING, UNUSABLE_START_TIMES, unusableListing, normalizeListing, drawListing, renderPage, orderRuns, orderRunsNear };
