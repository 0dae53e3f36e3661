'use strict';
// Local Vishwa stand-in: a real HTTP server on 127.0.0.1 that behaves like the Vishwa REST API
// (see CONTRACT.md next to this file) and can misbehave on purpose.

const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');
const { Store, HttpError, isPlainObject, LIST_SHAPES } = require('./store');
const { receiveUpload } = require('./upload');
const { MARK, needlesFor, redactDeep } = require('./redact');

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const MAX_JSON_BODY = 10 * 1024 * 1024;
const EXCERPT_BYTES = 2048;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const KEY_HEADER = 'xp-api-key';

const PAGE_502 = '<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n'
  + '<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n';
const PAGE_200 = '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>vishwa.ai</title></head>\n'
  + '<body><div id="root">We are performing scheduled maintenance. Please sign in again later.</div></body>\n</html>\n';

// ------------------------------------------------------------------ helpers

function sha256(s) {
  return crypto.createHash('sha256').update(String(s)).digest();
}

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Split a request target into raw path, query params and once-decoded path segments. */
function parseTarget(rawUrl) {
  let target = String(rawUrl || '/');
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target); // absolute-form (proxy style)
  if (abs) target = target.slice(abs[0].length) || '/';
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const rawQuery = q >= 0 ? target.slice(q + 1) : '';
  let params;
  try {
    params = new URLSearchParams(rawQuery);
  } catch {
    params = new URLSearchParams();
  }
  const out = { rawPath, rawQuery, params, segs: null, error: null };
  if (!rawPath.startsWith('/')) {
    out.error = 'Request path must start with /';
    return out;
  }
  try {
    out.segs = rawPath.slice(1).split('/').map((s) => decodeURIComponent(s));
  } catch {
    out.error = 'Malformed percent-encoding in the request path';
  }
  return out;
}

function queryObject(params) {
  const o = Object.create(null);
  for (const [k, v] of params) {
    if (Object.prototype.hasOwnProperty.call(o, k)) o[k] = [].concat(o[k], v);
    else o[k] = v;
  }
  return { ...o };
}

function singleParam(params, name) {
  const all = params.getAll(name);
  if (all.length > 1) throw new HttpError(400, `Query parameter '${name}' is given more than once`);
  return all.length ? all[0] : undefined;
}

function parseTemp(params) {
  const v = singleParam(params, 'temp');
  if (v === undefined) return false;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw new HttpError(400, `Query parameter 'temp' must be true or false (any case), got ${JSON.stringify(v)}`);
}

function parseCount(params, name, def, min) {
  const v = singleParam(params, name);
  if (v === undefined) return def;
  if (!/^[0-9]+$/.test(v)) throw new HttpError(400, `Query parameter '${name}' must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min) throw new HttpError(400, `Query parameter '${name}' must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

function parseListParams(params) {
  const limit = Math.min(parseCount(params, 'limit', DEFAULT_LIMIT, 1), MAX_LIMIT);
  const offset = parseCount(params, 'offset', 0, 0);
  return { limit, offset };
}

function parseJsonBuffer(buf, what) {
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `Invalid JSON ${what}: ${e.message}`);
  }
}

const hugePads = new Map();
function pad(n) {
  let s = hugePads.get(n);
  if (!s) {
    s = 'x'.repeat(n);
    hugePads.clear();
    hugePads.set(n, s);
  }
  return s;
}

// ------------------------------------------------------------------ routing tables

/** Public routes, matched on decoded segments. */
function matchPublic(segs) {
  if (segs[0] !== 'v1') return null;
  const s = segs.slice(1);
  const ok = (x) => typeof x === 'string' && x !== '';
  if (s.length === 2 && s[0] === 'assets' && s[1] === 'upload') return { name: 'upload', methods: ['POST'], params: {} };
  if (s.length === 2 && s[0] === 'assets' && ok(s[1])) return { name: 'asset', methods: ['GET'], params: { fileId: s[1] } };
  if (s.length === 3 && s[0] === 'workflow' && ok(s[1]) && s[2] === 'start-run') {
    return { name: 'start-run', methods: ['POST'], params: { flowId: s[1] } };
  }
  if (s.length === 5 && s[0] === 'workflow' && ok(s[1]) && s[2] === 'run' && ok(s[3]) && s[4] === 'status') {
    return { name: 'status', methods: ['GET'], params: { flowId: s[1], runId: s[3] } };
  }
  if (s.length === 3 && s[0] === 'workflow' && ok(s[1]) && s[2] === 'runs') {
    return { name: 'runs', methods: ['GET'], params: { flowId: s[1] } };
  }
  // ASSUMED flow listing (docs/api.md, "Listings the editor uses"); off (404) with the flow listing shape 'none'.
  if (s.length === 1 && s[0] === 'workflows') return { name: 'flows', methods: ['GET'], params: {} };
  return null;
}

/** Control routes (segments after `__control`). */
function matchControl(s) {
  const ok = (x) => typeof x === 'string' && x !== '';
  const one = (name) => s.length === 1 && s[0] === name;
  if (one('reset')) return { name: 'reset', methods: ['POST'] };
  if (one('flows')) return { name: 'flows', methods: ['GET', 'POST'] };
  if (one('flow-listing')) return { name: 'flow-listing', methods: ['GET', 'POST'] };
  if (one('runs')) return { name: 'runs', methods: ['GET', 'POST'] };
  if (s.length === 2 && s[0] === 'runs' && ok(s[1])) return { name: 'run', methods: ['GET'], runId: s[1] };
  if (s.length === 3 && s[0] === 'runs' && ok(s[1]) && s[2] === 'finish') return { name: 'finish', methods: ['POST'], runId: s[1] };
  if (one('history')) return { name: 'history', methods: ['POST'] };
  if (one('faults')) return { name: 'faults', methods: ['GET', 'POST', 'DELETE'] };
  if (one('requests')) return { name: 'requests', methods: ['GET', 'DELETE'] };
  if (one('files')) return { name: 'files', methods: ['GET'] };
  if (one('stats')) return { name: 'stats', methods: ['GET'] };
  return null;
}

// ------------------------------------------------------------------ the server

/**
 * Start the stand-in.
 * @param {object} [options]
 * @param {string} [options.apiKey='standin-key']
 * @param {number} [options.port=0]
 * @param {string} [options.host='127.0.0.1'] loopback addresses only
 * @param {string} [options.storageDir] where uploads go (default: a fresh temp folder removed on close)
 * @param {object|object[]} [options.flows] extra flows `{id: {name?, durationMs, outcome, listShape, statusCase, responseDelayMs?}}`
 * @param {{shape?: string, idKey?: string}} [options.flowListing] the ASSUMED flow listing's wrapper
 *   (`workflows` default, `array`, `flows`, `data`, `items`, or `none` = no listing, 404) and id key
 *   or `[{id, ...}]`, added to (or overriding) the default ones; reset() restores them too
 * @param {() => number} [options.now] clock for run timing (epoch ms), default Date.now
 * @param {(err: Error) => void} [options.onError] called with unexpected handler errors (default: silent)
 * @param {number} [options.requestLogLimit=100000] the request log keeps at most this many (newest) entries
 */
async function startStandin(options = {}) {
  const apiKey = options.apiKey === undefined ? 'standin-key' : options.apiKey;
  if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('apiKey must be a non-empty string');
  const host = options.host === undefined ? '127.0.0.1' : options.host;
  if (!isLoopback(host)) throw new TypeError(`The stand-in binds loopback addresses only, not ${host}`);
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`Invalid port ${options.port}`);
  const now = typeof options.now === 'function' ? options.now : Date.now;
  let extraFlows = [];
  if (Array.isArray(options.flows)) extraFlows = options.flows;
  else if (isPlainObject(options.flows)) extraFlows = Object.entries(options.flows).map(([id, f]) => ({ ...f, id }));

  let storageDir;
  let ownDir;
  if (options.storageDir) {
    storageDir = path.resolve(options.storageDir);
    await fsp.mkdir(storageDir, { recursive: true });
    ownDir = false;
  } else {
    storageDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'vishwa-standin-'));
    ownDir = true;
  }

  let requestLogLimit = 100000;
  if (options.requestLogLimit !== undefined) {
    requestLogLimit = Number(options.requestLogLimit);
    if (!Number.isInteger(requestLogLimit) || requestLogLimit < 1) throw new TypeError('requestLogLimit must be a positive integer');
  }
  // Validates extraFlows and flowListing (throws on bad ones).
  const store = new Store({ now, extraFlows, requestLogLimit, flowListing: options.flowListing });
  const app = {
    store,
    apiKey,
    keyHash: sha256(apiKey),
    needles: needlesFor(apiKey),
    storageDir,
    url: '',
    sleeps: new Map(),
    closed: false,
    onError: typeof options.onError === 'function' ? options.onError : null,
  };

  const server = http.createServer((req, res) => {
    handle(app, req, res).catch((err) => {
      // Last resort: never let an error escape into the process.
      if (app.onError) app.onError(err);
      try { res.destroy(); } catch { /* ignore */ }
    });
  });
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ detail: `Bad HTTP request: ${err.code || err.message}` });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  await new Promise((resolve, reject) => {
    const onErr = (e) => reject(e);
    server.once('error', onErr);
    server.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => {
      server.off('error', onErr);
      resolve();
    });
  });
  server.on('error', (e) => { if (app.onError) app.onError(e); });
  const actualPort = server.address().port;
  const urlHost = host === 'localhost' ? '127.0.0.1' : (host.includes(':') ? `[${host}]` : host);
  app.url = `http://${urlHost}:${actualPort}`;

  const removeStoredFiles = () => {
    for (const f of store.files) {
      try { fs.rmSync(f.path, { force: true }); } catch { /* ignore */ }
    }
  };

  const reset = () => {
    removeStoredFiles();
    store.reset();
  };
  app.resetAll = reset;

  let closing = null;
  const close = () => {
    if (closing) return closing;
    app.closed = true;
    closing = (async () => {
      for (const [timer, resolve] of app.sleeps) {
        clearTimeout(timer);
        resolve();
      }
      app.sleeps.clear();
      const done = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      if (ownDir) await fsp.rm(storageDir, { recursive: true, force: true });
      else removeStoredFiles();
    })();
    return closing;
  };

  const state = makeState(app, reset);
  // The test suite's secret scan (test/support) checks every stand-in's records when a file ends.
  if (global.__vishwaSecretScan) global.__vishwaSecretScan.registerStandin({ apiKey, state });

  return {
    url: app.url,
    port: actualPort,
    apiKey,
    storageDir,
    server,
    close,
    reset,
    state,
  };
}

/** Synchronous in-process access to the same records as the control API. */
function makeState(app, reset) {
  const { store } = app;
  return {
    get flows() { return store.listFlows(); },
    get runs() { return store.listControlRuns(); },
    get files() { return filesView(store); },
    get requests() { return requestsView(app); },
    requestsFor(route) { return requestsView(app, route); },
    get faults() { return store.listFaults(); },
    get stats() { return { ...store.stats }; },
    get lifetimeStats() { return { ...store.lifetime }; },
    runsOf(flowId) { return store.listControlRuns(flowId); },
    getRun(runId) { const r = store.getRun(runId); return r ? store.controlView(r) : null; },
    runStatus(runId) { const r = store.getRun(runId); return r ? store.statusView(r) : null; },
    listPage(flowId, limit = DEFAULT_LIMIT, offset = 0) { return store.listPage(flowId, limit, offset); },
    setFlow(spec) { return store.setFlow(spec); },
    get flowListing() { return { ...store.flowListing }; },
    setFlowListing(spec) { return store.setFlowListing(spec); },
    createRun(spec) { return store.controlView(store.createControlRun(spec)); },
    finishRun(runId, outcome) { return store.controlView(store.finishRun(runId, outcome === undefined ? {} : { outcome })); },
    addHistory(spec) { return store.addHistory(spec); },
    addFault(spec) { return store.addFault(spec); },
    clearFaults() { return store.clearFaults(); },
    clearRequests() { store.requests = []; },
    reset,
  };
}

function filesView(store) {
  return store.files.map((f) => ({
    file_id: f.file_id,
    file_name: f.file_name,
    content_type: f.content_type,
    size: f.size,
    sha256: f.sha256,
    temp: f.temp,
    path: f.path,
    uploaded_at: f.uploaded_at,
  }));
}

function requestsView(app, route) {
  const src = route === undefined ? app.store.requests : app.store.requests.filter((e) => e.route === route);
  return src.map((e) => {
    const headers = { ...e.headers };
    if (headers[KEY_HEADER] !== undefined) headers[KEY_HEADER] = MARK;
    return redactDeep({ ...e, headers }, app.needles);
  });
}

// ------------------------------------------------------------------ request plumbing

function meter(ctx) {
  if (ctx.metered) return;
  ctx.metered = true;
  ctx.req.on('data', (c) => {
    if (ctx.entry) ctx.entry.bodySize += c.length;
  });
}

/** Read and discard whatever is left of the request body. */
function drain(ctx) {
  const { req } = ctx;
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', resolve);
    meter(ctx);
    req.resume();
  });
}

function readBody(ctx, limit) {
  const { req } = ctx;
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let over = false;
    meter(ctx);
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.once('end', () => {
      if (over) reject(new HttpError(413, `Request body larger than ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new HttpError(400, 'Client aborted the request'));
    });
  });
}

function sendRaw(ctx, status, headers, body) {
  const { res } = ctx;
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': buf.length });
  res.end(buf);
}

function sendJson(ctx, status, value, headers = {}) {
  sendRaw(ctx, status, { 'content-type': JSON_TYPE, ...headers }, JSON.stringify(value));
}

async function sendError(ctx, status, detail, headers = {}) {
  await drain(ctx);
  sendJson(ctx, status, { detail }, headers);
}

function sleep(app, ms) {
  if (app.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      app.sleeps.delete(timer);
      resolve();
    }, ms);
    app.sleeps.set(timer, resolve);
  });
}

function destroySocket(ctx) {
  const s = ctx.req.socket;
  if (s && !s.destroyed) s.destroy();
}

async function handle(app, req, res) {
  req.on('error', () => {});
  res.on('error', () => {});
  const t = parseTarget(req.url);
  const ctx = {
    app, req, res, t, entry: null, metered: false,
  };
  try {
    if (t.segs && t.segs[0] === '__control') await dispatchControl(ctx);
    else await dispatchPublic(ctx);
  } catch (err) {
    await failRequest(ctx, err);
  }
}

async function failRequest(ctx, err) {
  if (err instanceof HttpError) {
    await sendError(ctx, err.status, err.detail, err.headers);
    return;
  }
  if (ctx.app.onError) ctx.app.onError(err);
  if (ctx.res.headersSent) {
    destroySocket(ctx);
    return;
  }
  await sendError(ctx, 500, 'Internal Server Error', {});
}

// ------------------------------------------------------------------ public API

function keyInfo(app, headers) {
  const v = headers[KEY_HEADER];
  const keyOk = typeof v === 'string' && crypto.timingSafeEqual(sha256(v), app.keyHash);
  let keyHeader = null;
  // Any header other than XP-API-Key that carries the key (secret hygiene check).
  let keyInOtherHeader = false;
  for (const [name, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((x) => typeof x === 'string' && app.needles.some((n) => x.includes(n)))) {
      if (name !== KEY_HEADER) keyInOtherHeader = true;
      if (keyHeader === null || name === KEY_HEADER) keyHeader = name;
    }
  }
  if (keyHeader === null && v !== undefined) keyHeader = KEY_HEADER;
  return { keyOk, keyHeader, keyInOtherHeader };
}

async function dispatchPublic(ctx) {
  const { app, req, res, t } = ctx;
  const { store } = app;
  const { keyOk, keyHeader, keyInOtherHeader } = keyInfo(app, req.headers);
  // The key anywhere but the XP-API-Key header (URL, query, another header) is a leak.
  const keyElsewhere = keyInOtherHeader || app.needles.some((n) => String(req.url).includes(n));
  if (keyElsewhere) { store.stats.keyElsewhere += 1; store.lifetime.keyElsewhere += 1; }
  const entry = store.logRequest({
    time: new Date().toISOString(),
    method: req.method,
    path: t.rawPath,
    query: queryObject(t.params),
    headers: { ...req.headers },
    bodySize: 0,
    bodyExcerpt: null,
    keyOk,
    keyHeader,
    keyElsewhere,
    route: null,
    status: null,
    fault: null,
  });
  ctx.entry = entry;
  res.once('finish', () => { entry.status = res.statusCode; });
  const closeRequest = store.openRequest();
  res.once('close', closeRequest);
  res.once('finish', () => { entry.doneTime = new Date().toISOString(); closeRequest(); });

  if (t.error) throw new HttpError(400, t.error);
  const m = matchPublic(t.segs);
  if (!m) throw new HttpError(404, 'Not Found');
  entry.route = m.name;
  // A Vishwa without the flow listing: the route does not exist, whatever the key.
  if (m.name === 'flows' && store.flowListing.shape === 'none') throw new HttpError(404, 'Not Found');
  if (!m.methods.includes(req.method)) {
    throw new HttpError(405, 'Method Not Allowed', { allow: m.methods.join(', ') });
  }
  if (!keyOk) throw new HttpError(401, 'Invalid or missing API key');

  let offset = 0;
  if (m.name === 'runs' || m.name === 'flows') {
    try { offset = parseListParams(t.params).offset; } catch { offset = 0; }
  }
  const fault = store.takeFault(m.name, { offset });
  if (fault) entry.fault = fault.kind;

  // Faults answered instead of processing the request.
  if (fault) {
    switch (fault.kind) {
      case 'drop-before':
        destroySocket(ctx);
        return;
      case '429':
      case '503': {
        const headers = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        const detail = fault.kind === '429' ? 'Too Many Requests (stand-in fault)' : 'Service Unavailable (stand-in fault)';
        await sendError(ctx, Number(fault.kind), detail, headers);
        return;
      }
      case '500':
        await sendError(ctx, 500, 'Internal Server Error (stand-in fault)');
        return;
      case '502-html':
        await drain(ctx);
        sendRaw(ctx, 502, { 'content-type': HTML_TYPE }, PAGE_502);
        return;
      case 'html-200':
        await drain(ctx);
        sendRaw(ctx, 200, { 'content-type': HTML_TYPE }, PAGE_200);
        return;
      case 'throw':
        await Promise.resolve();
        throw new Error('Injected handler failure (stand-in fault "throw")');
      case 'shift':
        store.addShiftRuns(m.params.flowId, fault.count);
        break;
      default:
        break;
    }
  }

  let result;
  try {
    result = await PUBLIC_HANDLERS[m.name](ctx, m.params);
  } catch (err) {
    if (!(err instanceof HttpError) || !fault) throw err;
    result = { status: err.status, body: { detail: err.detail }, headers: err.headers };
  }
  await drain(ctx);

  // A flow's responseDelayMs: the request is processed first, then answered late (like `slow`).
  const flowDelayMs = m.params.flowId === undefined ? 0 : (store.getFlow(m.params.flowId) || {}).responseDelayMs;
  if (flowDelayMs > 0) await sleep(app, flowDelayMs);

  // Faults applied to the processed answer.
  if (fault) {
    switch (fault.kind) {
      case 'drop-after':
        destroySocket(ctx);
        return;
      case 'slow':
        await sleep(app, fault.delayMs);
        break;
      case 'malformed-json': {
        const text = JSON.stringify(result.body !== undefined ? result.body : fileMeta(result.file));
        sendRaw(ctx, 200, { 'content-type': JSON_TYPE }, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
      case 'empty-body':
        sendRaw(ctx, 200, { 'content-type': JSON_TYPE }, '');
        return;
      case 'huge': {
        const body = result.body !== undefined ? result.body : fileMeta(result.file);
        let text;
        if (Array.isArray(body)) text = `[${' '.repeat(fault.sizeBytes)}${JSON.stringify(body).slice(1)}`;
        else text = JSON.stringify({ ...body, _padding: pad(fault.sizeBytes) });
        sendRaw(ctx, result.status, { 'content-type': JSON_TYPE, ...(result.headers || {}) }, text);
        return;
      }
      default:
        break;
    }
  }
  deliver(ctx, result);
}

function fileMeta(f) {
  return {
    file_id: f.file_id, file_name: f.file_name, content_type: f.content_type, size: f.size, temp: f.temp,
  };
}

function deliver(ctx, result) {
  if (result.file) {
    const f = result.file;
    const { res } = ctx;
    if (res.headersSent || res.destroyed) return;
    const stream = fs.createReadStream(f.path);
    stream.once('error', () => {
      if (!res.headersSent) sendJson(ctx, 404, { detail: `File '${f.file_id}' is no longer stored` });
      else res.destroy();
    });
    stream.once('open', () => {
      res.writeHead(200, {
        'content-type': f.content_type,
        'content-length': f.size,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(f.file_name)}`,
      });
      stream.pipe(res);
    });
    return;
  }
  sendJson(ctx, result.status, result.body, result.headers || {});
}

const PUBLIC_HANDLERS = {
  async upload(ctx) {
    const { app, req, t } = ctx;
    const temp = parseTemp(t.params);
    const ct = String(req.headers['content-type'] || '');
    if (!/^\s*multipart\/form-data\s*(;|$)/i.test(ct)) {
      throw new HttpError(400, `Content-Type must be multipart/form-data, got ${JSON.stringify(ct || null)}`);
    }
    const { parts } = await receiveUpload(req, { dir: app.storageDir, meter: () => meter(ctx) });
    if (parts.length === 0) throw new HttpError(400, "No file part in field 'files'");
    const uploadedAt = new Date().toISOString();
    const files = parts.map((p) => {
      const rec = app.store.addFile({
        file_name: p.filename,
        content_type: p.mimeType,
        size: p.size,
        sha256: p.sha256,
        temp,
        path: p.tmpPath,
        uploaded_at: uploadedAt,
      });
      return {
        file_id: rec.file_id,
        file_name: rec.file_name,
        content_type: rec.content_type,
        size: rec.size,
        url: `${app.url}/v1/assets/${encodeURIComponent(rec.file_id)}`,
        temp,
      };
    });
    app.store.stats.uploads += 1;
    return { status: 200, body: { files } };
  },

  async asset(ctx, { fileId }) {
    const f = ctx.app.store.filesById.get(fileId);
    if (!f) throw new HttpError(404, `File '${fileId}' not found`);
    return { status: 200, file: f };
  },

  async 'start-run'(ctx, { flowId }) {
    const { app, entry } = ctx;
    const buf = await readBody(ctx, MAX_JSON_BODY);
    entry.bodyExcerpt = buf.subarray(0, EXCERPT_BYTES).toString('utf8');
    app.store.requireFlow(flowId);
    const body = parseJsonBuffer(buf, 'body');
    if (!isPlainObject(body)) throw new HttpError(422, 'Body must be a JSON object of flow inputs');
    const { override_config: overrideConfig, ...inputs } = body;
    if (overrideConfig !== undefined && !isPlainObject(overrideConfig)) {
      throw new HttpError(422, "'override_config' must be a JSON object mapping node ids to values");
    }
    const run = app.store.startApiRun(flowId, inputs, overrideConfig);
    const view = app.store.statusView(run);
    return {
      status: 200,
      body: {
        run_id: run.run_id,
        run_status: app.store.caseStatus(flowId, 'queued'),
        run_start_time: view.run_start_time,
        run_type: run.run_type,
      },
    };
  },

  async status(ctx, { flowId, runId }) {
    const { store } = ctx.app;
    store.requireFlow(flowId);
    const run = store.getRun(runId);
    if (!run || run.flowId !== flowId) throw new HttpError(404, `Run '${runId}' not found for flow '${flowId}'`);
    return { status: 200, body: store.statusView(run) };
  },

  async runs(ctx, { flowId }) {
    const { store } = ctx.app;
    const flow = store.requireFlow(flowId);
    const { limit, offset } = parseListParams(ctx.t.params);
    // The flow's `listing` behaviours that change the runs between two page requests.
    if (flow.listing && offset > 0) {
      if (flow.listing.insertsBetweenPages > 0) store.addShiftRuns(flowId, flow.listing.insertsBetweenPages);
      if (flow.listing.deletesAtTopBetweenPages > 0) store.deleteNewest(flowId, flow.listing.deletesAtTopBetweenPages);
    }
    const { runs, total } = store.listPage(flowId, limit, offset);
    let body;
    if (flow.listShape === 'array') body = runs;
    else body = { [LIST_SHAPES.includes(flow.listShape) ? flow.listShape : 'runs']: runs, ...(total === undefined ? {} : { total }) };
    return { status: 200, body };
  },

  async flows(ctx) {
    const { store } = ctx.app;
    const { limit, offset } = parseListParams(ctx.t.params);
    const { flows, total } = store.listFlowsPage(limit, offset);
    const { shape } = store.flowListing;
    return { status: 200, body: shape === 'array' ? flows : { [shape]: flows, total } };
  },
};

// ------------------------------------------------------------------ control API

async function readControlJson(ctx) {
  const buf = await readBody(ctx, MAX_JSON_BODY);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  return parseJsonBuffer(buf, 'control body');
}

async function dispatchControl(ctx) {
  const { app, req, t } = ctx;
  const { store } = app;
  if (t.error) throw new HttpError(400, t.error);
  const m = matchControl(t.segs.slice(1));
  if (!m) throw new HttpError(404, 'Not Found (control API)');
  if (!m.methods.includes(req.method)) {
    throw new HttpError(405, 'Method Not Allowed', { allow: m.methods.join(', ') });
  }
  const body = req.method === 'POST' ? await readControlJson(ctx) : (await drain(ctx), undefined);
  const orEmpty = body === undefined ? {} : body;
  let out;
  switch (`${req.method} ${m.name}`) {
    case 'POST reset':
      ctx.app.resetAll();
      out = { ok: true };
      break;
    case 'GET flows':
      out = store.listFlows();
      break;
    case 'POST flows':
      out = store.setFlow(body);
      break;
    case 'GET flow-listing':
      out = { ...store.flowListing };
      break;
    case 'POST flow-listing':
      out = store.setFlowListing(orEmpty);
      break;
    case 'GET runs': {
      const flowId = singleParam(t.params, 'flowId');
      out = store.listControlRuns(flowId);
      break;
    }
    case 'POST runs':
      out = store.controlView(store.createControlRun(body));
      break;
    case 'GET run': {
      const run = store.getRun(m.runId);
      if (!run) throw new HttpError(404, `Run '${m.runId}' not found`);
      out = store.controlView(run);
      break;
    }
    case 'POST finish':
      out = store.controlView(store.finishRun(m.runId, orEmpty));
      break;
    case 'POST history':
      out = store.addHistory(body);
      break;
    case 'GET faults':
      out = store.listFaults();
      break;
    case 'POST faults':
      out = store.addFault(body);
      break;
    case 'DELETE faults':
      out = { cleared: store.clearFaults() };
      break;
    case 'GET requests':
      out = requestsView(app, singleParam(t.params, 'route'));
      break;
    case 'DELETE requests':
      out = { cleared: store.requests.length };
      store.requests = [];
      break;
    case 'GET files':
      out = filesView(store);
      break;
    case 'GET stats':
      out = { ...store.stats };
      break;
    default:
      throw new HttpError(405, 'Method Not Allowed', { allow: m.methods.join(', ') });
  }
  sendJson(ctx, 200, out);
}

module.exports = { startStandin };
