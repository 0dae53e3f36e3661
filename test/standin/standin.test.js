'use strict';
// Exercises every behaviour of test/standin/CONTRACT.md over real sockets.

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const FormData = require('form-data');
const { startStandin } = require('./server');

// A key with characters that change under URL encoding, to check every redaction form.
const KEY = 'sk-test+key/42=';

let s;
const errors = [];

beforeAll(async () => {
  s = await startStandin({ apiKey: KEY, onError: (e) => errors.push(e) });
});

afterAll(async () => {
  if (s) await s.close();
});

beforeEach(async () => {
  const r = await control('POST', '/reset');
  expect(r.status).toBe(200);
  errors.length = 0;
});

// ------------------------------------------------------------------ helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, p, {
  body, headers = {}, key = KEY, json, base,
} = {}) {
  const h = { ...headers };
  if (key !== null) h['XP-API-Key'] = key;
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    if (!h['content-type']) h['content-type'] = 'application/json';
  }
  const res = await fetch((base || s.url) + p, { method, headers: h, body: payload });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch { data = undefined; }
  return {
    status: res.status, headers: res.headers, text, json: data,
  };
}

const control = (method, p, json, base) => call(method, `/__control${p}`, { json, key: null, base });

/** Plain http.request on a fresh socket; resolves {status, headers, body} or rejects on socket errors. */
function raw({
  method = 'GET', p, headers = {}, body, base,
}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base || s.url}${p}`, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function postForm(p, form, key = KEY) {
  return new Promise((resolve, reject) => {
    const headers = form.getHeaders();
    if (key !== null) headers['XP-API-Key'] = key;
    const req = http.request(`${s.url}${p}`, { method: 'POST', headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    form.pipe(req);
  });
}

const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const startRun = (flowId, json = {}) => call('POST', `/v1/workflow/${flowId}/start-run`, { json });
const status = (flowId, runId) => call('GET', `/v1/workflow/${flowId}/run/${runId}/status`);
const list = (flowId, q = '') => call('GET', `/v1/workflow/${flowId}/runs${q}`);
const fault = async (spec) => {
  const r = await control('POST', '/faults', spec);
  expect(r.status).toBe(200);
  return r.json;
};
const runCount = async () => (await control('GET', '/runs')).json.length;

async function waitFor(check, ms = 1000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(10);
  }
}

// ------------------------------------------------------------------ library & auth

describe('startStandin', () => {
  test('answers url, port, apiKey and binds 127.0.0.1', async () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.apiKey).toBe(KEY);
    expect(s.server.address().address).toBe('127.0.0.1');
  });

  test('defaults: key standin-key; temp storage folder removed on close; non-loopback host refused', async () => {
    const d = await startStandin();
    expect(d.apiKey).toBe('standin-key');
    expect(path.basename(d.storageDir)).toMatch(/^vishwa-standin-/);
    expect(fs.existsSync(d.storageDir)).toBe(true);
    const ok = await call('GET', '/v1/workflow/flow-ok/runs', { key: 'standin-key', base: d.url });
    expect(ok.status).toBe(200);
    await d.close();
    expect(fs.existsSync(d.storageDir)).toBe(false);
    await expect(startStandin({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  test('storageDir option is used; flows option adds flows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-test-'));
    const d = await startStandin({ storageDir: dir, flows: { 'flow-extra': { durationMs: 0, outcome: 'failed' } } });
    try {
      const form = new FormData();
      form.append('files', Buffer.from('abc'), { filename: 'x.txt', contentType: 'text/plain' });
      const headers = { ...form.getHeaders(), 'XP-API-Key': 'standin-key' };
      const up = await raw({
        method: 'POST', p: '/v1/assets/upload', headers, body: form.getBuffer(), base: d.url,
      });
      expect(up.status).toBe(200);
      expect(path.dirname(d.state.files[0].path)).toBe(dir);
      const r = await call('POST', '/v1/workflow/flow-extra/start-run', { json: {}, key: 'standin-key', base: d.url });
      expect(r.status).toBe(200);
      const st = await call('GET', `/v1/workflow/flow-extra/run/${r.json.run_id}/status`, { key: 'standin-key', base: d.url });
      expect(st.json.run_status).toBe('failed');
    } finally {
      await d.close();
    }
    expect(fs.readdirSync(dir)).toEqual([]); // our files removed, the folder itself kept
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('API key', () => {
  test.each([
    ['GET', '/v1/workflow/flow-ok/runs'],
    ['GET', '/v1/workflow/flow-ok/run/run_1/status'],
    ['POST', '/v1/workflow/flow-ok/start-run'],
    ['POST', '/v1/assets/upload'],
  ])('%s %s: 401 without key and with a wrong key', async (method, p) => {
    for (const key of [null, '', 'wrong-key', KEY.toUpperCase(), `${KEY}x`]) {
      const body = method === 'POST' ? '{}' : undefined;
      const r = await call(method, p, { key, body, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ detail: 'Invalid or missing API key' });
    }
    expect(await runCount()).toBe(0);
  });

  test('the right key passes', async () => {
    const r = await list('flow-ok');
    expect(r.status).toBe(200);
  });
});

// ------------------------------------------------------------------ upload

describe('POST /v1/assets/upload', () => {
  test('several files: answer, sizes and sha256 of the stored files, download', async () => {
    const big = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const small = Buffer.from('hello vishwa\n');
    const empty = Buffer.alloc(0);
    const form = new FormData();
    form.append('files', big, { filename: 'big.bin', contentType: 'application/octet-stream' });
    form.append('note', 'a text field, ignored');
    form.append('files', small, { filename: 'notes.txt', contentType: 'text/plain' });
    form.append('files', empty, { filename: 'résumé ü.pdf', contentType: 'application/pdf' });
    const r = await postForm('/v1/assets/upload', form);
    expect(r.status).toBe(200);
    expect(r.json.files).toHaveLength(3);
    expect(r.json.files.map((f) => f.file_id)).toEqual(['file_1', 'file_2', 'file_3']);
    expect(r.json.files[0]).toEqual({
      file_id: 'file_1',
      file_name: 'big.bin',
      content_type: 'application/octet-stream',
      size: big.length,
      url: `${s.url}/v1/assets/file_1`,
      temp: false,
    });
    expect(r.json.files[1]).toMatchObject({ file_name: 'notes.txt', content_type: 'text/plain', size: small.length });
    expect(r.json.files[2]).toMatchObject({ file_name: 'résumé ü.pdf', content_type: 'application/pdf', size: 0 });

    const stored = (await control('GET', '/files')).json;
    expect(stored.map((f) => [f.file_id, f.size, f.sha256, f.temp])).toEqual([
      ['file_1', big.length, sha(big), false],
      ['file_2', small.length, sha(small), false],
      ['file_3', 0, sha(empty), false],
    ]);
    for (const [i, buf] of [big, small, empty].entries()) {
      expect(path.dirname(stored[i].path)).toBe(s.storageDir);
      expect(sha(fs.readFileSync(stored[i].path))).toBe(sha(buf));
    }
    expect(s.state.files).toEqual(stored);

    const dl = await raw({ p: '/v1/assets/file_2', headers: { 'XP-API-Key': KEY } });
    expect(dl.status).toBe(200);
    expect(dl.headers['content-type']).toBe('text/plain');
    expect(dl.body.equals(small)).toBe(true);
    expect((await raw({ p: '/v1/assets/file_9', headers: { 'XP-API-Key': KEY } })).status).toBe(404);
    expect((await raw({ p: '/v1/assets/file_2' })).status).toBe(401);

    const stats = (await control('GET', '/stats')).json;
    expect(stats.uploads).toBe(1);
    expect(stats.filesStored).toBe(3);
    const log = (await control('GET', '/requests')).json;
    expect(log[0].route).toBe('upload');
    expect(log[0].bodySize).toBeGreaterThan(big.length);
  });

  test.each([
    ['', false], ['?temp=true', true], ['?temp=True', true], ['?temp=TRUE', true],
    ['?temp=false', false], ['?temp=False', false], ['?temp=fAlSe', false],
  ])('temp flag %s -> %s', async (q, expected) => {
    const form = new FormData();
    form.append('files', Buffer.from('x'), { filename: 'a.txt', contentType: 'text/plain' });
    const r = await postForm(`/v1/assets/upload${q}`, form);
    expect(r.status).toBe(200);
    expect(r.json.files[0].temp).toBe(expected);
    expect(s.state.files[0].temp).toBe(expected);
  });

  test.each(['?temp=yes', '?temp=1', '?temp=', '?temp=true&temp=false'])('400 for bad temp %s', async (q) => {
    const form = new FormData();
    form.append('files', Buffer.from('x'), { filename: 'a.txt' });
    const r = await postForm(`/v1/assets/upload${q}`, form);
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/temp/);
    expect(s.state.files).toEqual([]);
  });

  test('400 when not multipart', async () => {
    const r = await call('POST', '/v1/assets/upload', { json: { files: ['a'] } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/multipart/);
    const r2 = await call('POST', '/v1/assets/upload', { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r2.status).toBe(400);
    const r3 = await call('POST', '/v1/assets/upload', { body: 'x' });
    expect(r3.status).toBe(400);
  });

  test('400 when there is no `files` part', async () => {
    const form = new FormData();
    form.append('file', Buffer.from('x'), { filename: 'a.txt' });
    form.append('files', 'just text, not a file');
    const r = await postForm('/v1/assets/upload', form);
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/files/);
    expect(s.state.files).toEqual([]);
    expect(fs.readdirSync(s.storageDir)).toEqual([]);
  });

  test('400 for a truncated multipart body; partial file removed', async () => {
    const body = '--XYZ\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
      + 'Content-Type: text/plain\r\n\r\nhello, this part never ends';
    const r = await raw({
      method: 'POST', p: '/v1/assets/upload', body, headers: { 'XP-API-Key': KEY, 'content-type': 'multipart/form-data; boundary=XYZ' },
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).detail).toMatch(/multipart/i);
    expect(s.state.files).toEqual([]);
    expect(await waitFor(() => fs.readdirSync(s.storageDir).length === 0)).toBe(true);
  });

  test('client aborting mid-upload: nothing stored, server keeps serving', async () => {
    const req = http.request(`${s.url}/v1/assets/upload`, {
      method: 'POST', agent: false, headers: { 'XP-API-Key': KEY, 'content-type': 'multipart/form-data; boundary=XYZ' },
    });
    req.on('error', () => {});
    req.write('--XYZ\r\nContent-Disposition: form-data; name="files"; filename="a.bin"\r\n\r\n');
    req.write(crypto.randomBytes(64 * 1024));
    await sleep(50);
    req.destroy();
    expect(await waitFor(() => fs.readdirSync(s.storageDir).length === 0)).toBe(true);
    expect(s.state.files).toEqual([]);
    expect((await list('flow-ok')).status).toBe(200);
  });
});

// ------------------------------------------------------------------ start-run

describe('POST /v1/workflow/:flowId/start-run', () => {
  test('200: answer, stored inputs and override_config', async () => {
    const before = Date.now();
    const r = await startRun('flow-ok', { question: 'hi', n: 2, override_config: { node_1: { temperature: 0 } } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['run_id', 'run_start_time', 'run_status', 'run_type']);
    expect(r.json).toMatchObject({ run_id: 'run_1', run_status: 'queued', run_type: 'api' });
    const t = Date.parse(r.json.run_start_time);
    expect(t).toBeGreaterThanOrEqual(before - 5);
    expect(t).toBeLessThanOrEqual(Date.now() + 5);
    const runs = (await control('GET', '/runs')).json;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      run_id: 'run_1', flowId: 'flow-ok', run_type: 'api', createdBy: 'api', inputs: { question: 'hi', n: 2 }, override_config: { node_1: { temperature: 0 } },
    });
    const r2 = await startRun('flow-ok', {});
    expect(r2.json.run_id).toBe('run_2');
    expect((await control('GET', '/runs')).json[1].override_config).toBeNull();
    const stats = (await control('GET', '/stats')).json;
    expect(stats.runsCreated).toBe(2);
    expect(stats.runsCreatedByApi).toBe(2);
  });

  test('400 for invalid JSON (including an empty body)', async () => {
    for (const body of ['{"a":', 'not json', '']) {
      const r = await call('POST', '/v1/workflow/flow-ok/start-run', { body, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.json.detail).toMatch(/JSON/);
    }
    expect(await runCount()).toBe(0);
  });

  test('422 for a body that is not an object, or a bad override_config', async () => {
    for (const json of [[1, 2], 'text', 42, null, { a: 1, override_config: [1] }, { override_config: 'x' }, { override_config: null }]) {
      const r = await startRun('flow-ok', json);
      expect(r.status).toBe(422);
      expect(typeof r.json.detail).toBe('string');
    }
    expect(await runCount()).toBe(0);
  });

  test('404 for an unknown flow', async () => {
    const r = await startRun('nope', {});
    expect(r.status).toBe(404);
    expect(r.json.detail).toMatch(/Flow 'nope'/);
    expect(await runCount()).toBe(0);
  });

  test('path segments are percent-decoded once', async () => {
    expect((await control('POST', '/flows', { id: 'a/b', durationMs: 0 })).status).toBe(200);
    const r = await startRun('a%2Fb', { x: 1 });
    expect(r.status).toBe(200);
    expect(s.state.getRun(r.json.run_id).flowId).toBe('a/b');
    const st = await status('a%2Fb', r.json.run_id);
    expect(st.json).toMatchObject({ run_status: 'completed', outputs: { x: 1 } });
    expect((await startRun('a%2Fc', {})).status).toBe(404);
    expect((await startRun('a%252Fb', {})).status).toBe(404); // decoded once: 'a%2Fb' is another id
    const bad = await raw({ method: 'GET', p: '/v1/workflow/%E0%A4%A/runs', headers: { 'XP-API-Key': KEY } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).detail).toMatch(/percent/);
  });
});

// ------------------------------------------------------------------ status

describe('GET /v1/workflow/:flowId/run/:runId/status', () => {
  let f;
  let clock;
  const fcall = (method, p, json) => call(method, p, { json, key: 'fk', base: f.url });
  beforeAll(async () => {
    clock = Date.parse('2030-01-01T00:00:00.000Z');
    f = await startStandin({
      apiKey: 'fk',
      now: () => clock,
      flows: [
        { id: 'flow-t', durationMs: 1000 },
        { id: 'flow-short', durationMs: 100, outcome: 'failed' },
        { id: 'flow-up', durationMs: 1000, statusCase: 'upper' },
        { id: 'flow-forever', durationMs: null },
      ],
    });
  });
  afterAll(() => f.close());

  test('queued -> running -> completed over time (injected clock), with end time and outputs', async () => {
    const start = clock;
    const r = await fcall('POST', '/v1/workflow/flow-t/start-run', { q: 'x', override_config: { n: 1 } });
    expect(r.json.run_start_time).toBe('2030-01-01T00:00:00.000Z');
    const st = async () => (await fcall('GET', `/v1/workflow/flow-t/run/${r.json.run_id}/status`)).json;
    const steps = [[0, 'queued'], [49, 'queued'], [50, 'running'], [999, 'running'], [1000, 'completed']];
    for (const [dt, want] of steps) {
      clock = start + dt;
      expect((await st()).run_status).toBe(want);
    }
    const done = await st();
    expect(done).toEqual({
      run_id: r.json.run_id,
      run_start_time: '2030-01-01T00:00:00.000Z',
      run_status: 'completed',
      run_type: 'api',
      run_end_time: '2030-01-01T00:00:01.000Z',
      outputs: { q: 'x' },
    });
  });

  test('failed runs: queued for d/4 when d/4 < 50 ms, then failed with an error', async () => {
    const start = clock;
    const r = await fcall('POST', '/v1/workflow/flow-short/start-run', {});
    const st = async () => (await fcall('GET', `/v1/workflow/flow-short/run/${r.json.run_id}/status`)).json;
    clock = start + 24;
    expect((await st()).run_status).toBe('queued');
    clock = start + 25;
    expect((await st()).run_status).toBe('running');
    clock = start + 100;
    const done = await st();
    expect(done.run_status).toBe('failed');
    expect(done.error).toBe('Flow failed (stand-in)');
    expect(done.outputs).toBeUndefined();
    expect(Date.parse(done.run_end_time) - Date.parse(done.run_start_time)).toBe(100);
  });

  test('statusCase upper', async () => {
    const start = clock;
    const r = await fcall('POST', '/v1/workflow/flow-up/start-run', {});
    expect(r.json.run_status).toBe('QUEUED');
    clock = start + 500;
    expect((await fcall('GET', `/v1/workflow/flow-up/run/${r.json.run_id}/status`)).json.run_status).toBe('RUNNING');
    clock = start + 1000;
    expect((await fcall('GET', `/v1/workflow/flow-up/run/${r.json.run_id}/status`)).json.run_status).toBe('COMPLETED');
  });

  test('a run without duration stays running until finished through the control API', async () => {
    const start = clock;
    const r = await fcall('POST', '/v1/workflow/flow-forever/start-run', {});
    clock = start + 10 * 24 * 3600 * 1000;
    const st = async () => (await fcall('GET', `/v1/workflow/flow-forever/run/${r.json.run_id}/status`)).json;
    expect((await st()).run_status).toBe('running');
    const fin = await control('POST', `/runs/${r.json.run_id}/finish`, { outcome: 'failed' }, f.url);
    expect(fin.status).toBe(200);
    const done = await st();
    expect(done.run_status).toBe('failed');
    expect(done.run_end_time).toBe(new Date(clock).toISOString());
  });

  test('real time: flow-ok runs complete after ~300 ms, flow-fail fail, flow-instant complete at once', async () => {
    await control('POST', '/flows', { id: 'flow-rt', durationMs: 3000 });
    const rt = await startRun('flow-rt');
    const ok = await startRun('flow-ok');
    const fail = await startRun('flow-fail');
    const inst = await startRun('flow-instant', { a: 1 });
    const first = (await status('flow-instant', inst.json.run_id)).json;
    expect(first.run_status).toBe('completed');
    expect(first.outputs).toEqual({ a: 1 });
    expect(['queued', 'running']).toContain((await status('flow-rt', rt.json.run_id)).json.run_status);
    await sleep(100);
    expect((await status('flow-rt', rt.json.run_id)).json.run_status).toBe('running');
    await sleep(250);
    expect((await status('flow-ok', ok.json.run_id)).json.run_status).toBe('completed');
    expect((await status('flow-fail', fail.json.run_id)).json.run_status).toBe('failed');
  });

  test('404 for an unknown flow, an unknown run, a run of another flow', async () => {
    const r = await startRun('flow-ok');
    const a = await status('nope', r.json.run_id);
    expect(a.status).toBe(404);
    expect(a.json.detail).toMatch(/Flow 'nope'/);
    const b = await status('flow-ok', 'run_999');
    expect(b.status).toBe(404);
    expect(b.json.detail).toMatch(/Run 'run_999'/);
    const c = await status('flow-fail', r.json.run_id);
    expect(c.status).toBe(404);
    expect(c.json.detail).toMatch(/Run 'run_1'/);
  });
});

// ------------------------------------------------------------------ listing

describe('GET /v1/workflow/:flowId/runs', () => {
  test('newest first by start time, then creation order', async () => {
    const clock = { t: Date.parse('2030-01-01T00:00:00Z') };
    const d = await startStandin({ apiKey: 'k', now: () => clock.t });
    try {
      const go = (p, json) => call(json ? 'POST' : 'GET', p, { json, key: 'k', base: d.url });
      const a = (await go('/v1/workflow/flow-ok/start-run', { i: 'a' })).json.run_id;
      const b = (await go('/v1/workflow/flow-ok/start-run', { i: 'b' })).json.run_id; // same start time as a
      clock.t += 10;
      const c = (await go('/v1/workflow/flow-ok/start-run', { i: 'c' })).json.run_id;
      const old = (await control('POST', '/runs', { flowId: 'flow-ok', startTime: '2029-12-31T23:59:59Z', durationMs: 5 }, d.url)).json;
      expect(old).toMatchObject({ run_type: 'manual', createdBy: 'control', run_status: 'completed' });
      const mid = (await control('POST', '/runs', { flowId: 'flow-ok', startTime: clock.t - 5, runType: 'scheduled' }, d.url)).json;
      const l = await go('/v1/workflow/flow-ok/runs');
      expect(l.json.runs.map((x) => x.run_id)).toEqual([c, mid.run_id, b, a, old.run_id]);
      expect(l.json.total).toBe(5);
      expect(l.json.runs[1].run_type).toBe('scheduled');
      expect(Object.keys(l.json.runs[0]).slice(0, 4)).toEqual(['run_id', 'run_start_time', 'run_status', 'run_type']);
    } finally {
      await d.close();
    }
  });

  test('limit/offset paging: default 20, max 100, past the end', async () => {
    expect((await control('POST', '/history', { flowId: 'flow-ok', count: 150 })).json.created).toBe(150);
    const all = s.state.runsOf('flow-ok').map((r) => r.run_id).reverse(); // history is oldest-first by creation
    const def = await list('flow-ok');
    expect(def.json.runs).toHaveLength(20);
    expect(def.json.total).toBe(150);
    expect(def.json.runs.map((r) => r.run_id)).toEqual(all.slice(0, 20));
    const page = await list('flow-ok', '?limit=7&offset=30');
    expect(page.json.runs.map((r) => r.run_id)).toEqual(all.slice(30, 37));
    expect((await list('flow-ok', '?limit=500')).json.runs).toHaveLength(100);
    const tail = await list('flow-ok', '?limit=10&offset=145');
    expect(tail.json.runs.map((r) => r.run_id)).toEqual(all.slice(145));
    expect((await list('flow-ok', '?offset=150')).json).toEqual({ runs: [], total: 150 });
    expect((await list('flow-ok', '?offset=99999999999999999999')).json.runs).toEqual([]);
  });

  test.each([
    ['runs', (b) => b.runs], ['data', (b) => b.data], ['items', (b) => b.items], ['array', (b) => b],
  ])('listShape %s', async (shape, pick) => {
    await control('POST', '/flows', { id: 'flow-shape', durationMs: 0, listShape: shape });
    await startRun('flow-shape', { z: 1 });
    const l = await list('flow-shape');
    expect(l.status).toBe(200);
    const runs = pick(l.json);
    expect(Array.isArray(runs)).toBe(true);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ run_id: 'run_1', run_status: 'completed', outputs: { z: 1 } });
    if (shape === 'array') expect(Array.isArray(l.json)).toBe(true);
    else expect(Object.keys(l.json).sort()).toEqual([shape, 'total'].sort());
  });

  test.each(['?limit=0', '?limit=-1', '?limit=abc', '?limit=1.5', '?limit=', '?offset=-1', '?offset=x', '?limit=2&limit=3'])(
    '400 for %s',
    async (q) => {
      const r = await list('flow-ok', q);
      expect(r.status).toBe(400);
      expect(r.json.detail).toMatch(/limit|offset/);
    },
  );

  test('404 for an unknown flow', async () => {
    const r = await list('nope');
    expect(r.status).toBe(404);
    expect(r.json.detail).toMatch(/Flow 'nope'/);
  });

  test('10,000 runs: history is fast and so are pages', async () => {
    let t = Date.now();
    const h = await control('POST', '/history', { flowId: 'flow-ok', count: 10000, outcome: 'failed' });
    const historyMs = Date.now() - t;
    expect(h.json).toMatchObject({ created: 10000, total: 10000, firstRunId: 'run_1', lastRunId: 'run_10000' });
    expect(historyMs).toBeLessThan(1000);
    await startRun('flow-ok', {}); // the newest run, on top
    t = Date.now();
    for (let i = 0; i < 20; i += 1) {
      const p = await list('flow-ok', `?limit=100&offset=${i * 500}`);
      expect(p.json.runs).toHaveLength(100);
    }
    expect(Date.now() - t).toBeLessThan(1500);
    const top = await list('flow-ok', '?limit=2');
    expect(top.json.total).toBe(10001);
    expect(top.json.runs.map((r) => r.run_id)).toEqual(['run_10001', 'run_10000']);
    expect(top.json.runs[1].run_status).toBe('failed');
    const last = await list('flow-ok', '?limit=5&offset=9999');
    expect(last.json.runs.map((r) => r.run_id)).toEqual(['run_2', 'run_1']);
  });
});

// ------------------------------------------------------------------ faults

describe('faults', () => {
  test('429 with Retry-After, consumed once', async () => {
    await fault({ route: 'runs', kind: '429', retryAfter: 7 });
    const r = await list('flow-ok');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.json.detail).toMatch(/Too Many/);
    expect((await list('flow-ok')).status).toBe(200);
    await fault({ route: 'runs', kind: 429 });
    const r2 = await list('flow-ok');
    expect(r2.status).toBe(429);
    expect(r2.headers.get('retry-after')).toBeNull();
  });

  test('times, FIFO order and route matching', async () => {
    const { run_id: runId } = (await startRun('flow-ok')).json;
    await fault({ route: 'status', kind: '500', times: 2 });
    await fault({ route: 'status', kind: '503', retryAfter: 1 });
    await fault({ route: 'upload', kind: '500' });
    expect((await list('flow-ok')).status).toBe(200); // runs route: no fault queued for it
    const seen = [];
    for (let i = 0; i < 4; i += 1) seen.push((await status('flow-ok', runId)).status);
    expect(seen).toEqual([500, 500, 503, 200]);
    expect((await control('GET', '/faults')).json.map((x) => [x.route, x.kind])).toEqual([['upload', '500']]);
    expect((await control('DELETE', '/faults')).json).toEqual({ cleared: 1 });
    expect((await control('GET', '/faults')).json).toEqual([]);
    expect((await control('GET', '/stats')).json.faultsServed).toBe(3);
    const log = (await control('GET', '/requests')).json.filter((e) => e.route === 'status');
    expect(log.map((e) => [e.status, e.fault])).toEqual([[500, '500'], [500, '500'], [503, '503'], [200, null]]);
  });

  test("route '*' matches every API route", async () => {
    await fault({ route: '*', kind: '503', times: 3 });
    expect((await list('flow-ok')).status).toBe(503);
    expect((await startRun('flow-ok')).status).toBe(503);
    expect((await status('flow-ok', 'run_1')).status).toBe(503);
    expect((await list('flow-ok')).status).toBe(200);
    expect(await runCount()).toBe(0); // a 503 start-run was not processed
  });

  test('500 JSON and 502 HTML error pages; start-run not processed', async () => {
    await fault({ route: 'start-run', kind: '500' });
    await fault({ route: 'start-run', kind: '502-html' });
    const a = await startRun('flow-ok');
    expect(a.status).toBe(500);
    expect(a.json.detail).toMatch(/Internal Server Error/);
    const b = await startRun('flow-ok');
    expect(b.status).toBe(502);
    expect(b.headers.get('content-type')).toMatch(/text\/html/);
    expect(b.text).toMatch(/<html>[\s\S]*502 Bad Gateway/);
    expect(b.json).toBeUndefined();
    expect(await runCount()).toBe(0);
  });

  test('malformed-json, empty-body and html-200 answer 200', async () => {
    await fault({ route: 'runs', kind: 'malformed-json' });
    await fault({ route: 'runs', kind: 'empty-body' });
    await fault({ route: 'runs', kind: 'html-200' });
    const a = await list('flow-ok');
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/application\/json/);
    expect(a.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(a.text)).toThrow();
    const b = await list('flow-ok');
    expect(b.status).toBe(200);
    expect(b.text).toBe('');
    const c = await list('flow-ok');
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toMatch(/text\/html/);
    expect(c.text).toMatch(/<!DOCTYPE html>/);
  });

  test('malformed-json on start-run: the run is created, the answer is broken', async () => {
    await fault({ route: 'start-run', kind: 'malformed-json' });
    const r = await startRun('flow-ok', { a: 1 });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^\{"run_id":/);
    expect(r.json).toBeUndefined();
    expect(await runCount()).toBe(1);
  });

  test('drop-before: socket destroyed, nothing created', async () => {
    await fault({ route: 'start-run', kind: 'drop-before' });
    await expect(raw({
      method: 'POST', p: '/v1/workflow/flow-ok/start-run', body: '{}', headers: { 'XP-API-Key': KEY, 'content-type': 'application/json' },
    })).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);
    expect(await runCount()).toBe(0);
    await fault({ route: 'upload', kind: 'drop-before' });
    const form = new FormData();
    form.append('files', Buffer.from('x'), { filename: 'a.txt' });
    await expect(postForm('/v1/assets/upload', form)).rejects.toThrow();
    expect(s.state.files).toEqual([]);
    expect((await control('GET', '/stats')).json.faultsServed).toBe(2);
    expect((await startRun('flow-ok')).status).toBe(200);
  });

  test('drop-after: start-run processed (run created), answer lost', async () => {
    await fault({ route: 'start-run', kind: 'drop-after' });
    await expect(raw({
      method: 'POST', p: '/v1/workflow/flow-ok/start-run', body: '{"x":1}', headers: { 'XP-API-Key': KEY, 'content-type': 'application/json' },
    })).rejects.toThrow(/socket hang up|ECONNRESET/);
    const runs = (await control('GET', '/runs')).json;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ createdBy: 'api', inputs: { x: 1 } });
    // also through fetch (keep-alive pool): the request fails, the next one works
    await fault({ route: 'start-run', kind: 'drop-after' });
    await expect(startRun('flow-ok')).rejects.toThrow();
    expect(await runCount()).toBe(2);
    expect((await startRun('flow-ok')).status).toBe(200);
  });

  test('slow: processed first, answered after delayMs', async () => {
    await fault({ route: 'start-run', kind: 'slow', delayMs: 600 });
    const t = Date.now();
    let answered = false;
    const pending = startRun('flow-ok', { s: 1 }).then((x) => { answered = true; return x; });
    expect(await waitFor(async () => (await runCount()) === 1, 500)).toBe(true); // created before the answer
    expect(answered).toBe(false);
    const r = await pending;
    expect(Date.now() - t).toBeGreaterThanOrEqual(580);
    expect(r.status).toBe(200);
    expect(r.json.run_id).toBe('run_1');
  });

  test('huge: a valid but very large JSON answer', async () => {
    const { run_id: runId } = (await startRun('flow-instant', { k: 'v' })).json;
    await fault({ route: 'status', kind: 'huge' });
    const r = await status('flow-instant', runId);
    expect(r.status).toBe(200);
    expect(r.text.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(r.json).toMatchObject({ run_id: runId, run_status: 'completed', outputs: { k: 'v' } });
    await control('POST', '/flows', { id: 'flow-arr', listShape: 'array', durationMs: 0 });
    await startRun('flow-arr');
    await fault({ route: 'runs', kind: 'huge', sizeBytes: 100000 });
    const l = await list('flow-arr');
    expect(l.text.length).toBeGreaterThan(100000);
    expect(l.json).toHaveLength(1);
  });

  test('shift: new finished runs appear before a page with offset > 0', async () => {
    await control('POST', '/history', { flowId: 'flow-ok', count: 10 });
    const before = (await list('flow-ok', '?limit=10')).json.runs.map((r) => r.run_id);
    await fault({ route: 'runs', kind: 'shift' });
    const p1 = await list('flow-ok', '?limit=5'); // offset 0: not consumed
    expect(p1.json.runs.map((r) => r.run_id)).toEqual(before.slice(0, 5));
    expect((await control('GET', '/faults')).json).toHaveLength(1);
    const p2 = await list('flow-ok', '?limit=5&offset=5');
    expect(p2.json.total).toBe(13);
    expect(p2.json.runs.map((r) => r.run_id)).toEqual(before.slice(2, 7));
    const top = (await list('flow-ok', '?limit=3')).json.runs;
    expect(top.map((r) => r.run_id)).toEqual(['run_13', 'run_12', 'run_11']);
    expect(top.every((r) => r.run_status === 'completed')).toBe(true);
    await fault({ route: 'runs', kind: 'shift', count: 1 });
    expect((await list('flow-ok', '?offset=1')).json.total).toBe(14);
  });

  test('throw: an exception inside the handler answers 500 and the server survives', async () => {
    await fault({ route: 'status', kind: 'throw' });
    const r = await status('flow-ok', 'run_1');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ detail: 'Internal Server Error' });
    expect(errors.map((e) => e.message)).toEqual(['Injected handler failure (stand-in fault "throw")']);
    expect((await startRun('flow-ok')).status).toBe(200);
    expect((await status('flow-ok', 'run_1')).status).toBe(200);
  });

  test('400 for bad fault specs', async () => {
    for (const spec of [
      { route: 'status', kind: 'explode' },
      { route: 'everything', kind: '500' },
      { route: 'status', kind: 'shift' },
      { route: 'status', kind: '500', times: 0 },
      { route: 'status', kind: 'slow', delayMs: -1 },
      { route: 'status', kind: '429', retryAfter: 'a\r\nb' },
      'not an object',
    ]) {
      const r = await control('POST', '/faults', spec);
      expect(r.status).toBe(400);
    }
    expect((await control('GET', '/faults')).json).toEqual([]);
  });

  test('a request with a wrong key does not consume a fault', async () => {
    await fault({ route: 'runs', kind: '500' });
    expect((await call('GET', '/v1/workflow/flow-ok/runs', { key: 'bad' })).status).toBe(401);
    expect((await list('flow-ok')).status).toBe(500);
  });
});

// ------------------------------------------------------------------ control API

describe('control API', () => {
  test('POST /__control/runs: started outside n8n, stays running when durationMs is null, finish', async () => {
    const c = await control('POST', '/runs', { flowId: 'flow-ok', durationMs: null });
    expect(c.status).toBe(200);
    expect(c.json).toMatchObject({
      run_id: 'run_1', flowId: 'flow-ok', run_type: 'manual', createdBy: 'control', inputs: {}, override_config: null,
    });
    await sleep(70);
    expect((await status('flow-ok', 'run_1')).json.run_status).toBe('running');
    const fin = await control('POST', '/runs/run_1/finish', { outcome: 'succeeded' });
    expect(fin.status).toBe(200);
    expect(fin.json.run_status).toBe('completed');
    const st = (await status('flow-ok', 'run_1')).json;
    expect(st.run_status).toBe('completed');
    expect(typeof st.run_end_time).toBe('string');
    expect((await control('POST', '/runs/run_1/finish', { outcome: 'failed' })).status).toBe(409);
    expect((await control('POST', '/runs/run_77/finish', { outcome: 'failed' })).status).toBe(404);
    await control('POST', '/runs', { flowId: 'flow-slow' });
    expect((await control('POST', '/runs/run_2/finish', { outcome: 'nope' })).status).toBe(400);
    expect((await control('POST', '/runs/run_2/finish', { outcome: 'failed' })).json.run_status).toBe('failed');
    expect((await status('flow-slow', 'run_2')).json.error).toBe('Flow failed (stand-in)');
    const stats = (await control('GET', '/stats')).json;
    expect(stats.runsCreated).toBe(2);
    expect(stats.runsCreatedByApi).toBe(0);
  });

  test('POST /__control/runs validation', async () => {
    expect((await control('POST', '/runs', { flowId: 'nope' })).status).toBe(404);
    expect((await control('POST', '/runs', {})).status).toBe(400);
    expect((await control('POST', '/runs', { flowId: 'flow-ok', outcome: 'meh' })).status).toBe(400);
    expect((await control('POST', '/runs', { flowId: 'flow-ok', startTime: 'yesterday' })).status).toBe(400);
    expect((await control('POST', '/runs', { flowId: 'flow-ok', durationMs: -5 })).status).toBe(400);
    const r = await call('POST', '/__control/runs', { key: null, body: '{"flowId":', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(await runCount()).toBe(0);
  });

  test('POST /__control/history and GET /__control/runs?flowId=', async () => {
    const h = await control('POST', '/history', { flowId: 'flow-fail', count: 5 });
    expect(h.json).toMatchObject({ flowId: 'flow-fail', created: 5, total: 5 });
    await control('POST', '/history', { flowId: 'flow-ok', count: 3, outcome: 'failed' });
    const failRuns = (await control('GET', '/runs?flowId=flow-fail')).json;
    expect(failRuns).toHaveLength(5);
    expect(failRuns.every((r) => r.status === 'failed' && r.finished && r.createdBy === 'control')).toBe(true);
    const okRuns = (await control('GET', '/runs?flowId=flow-ok')).json;
    expect(okRuns.map((r) => r.run_status)).toEqual(['failed', 'failed', 'failed']);
    expect((await control('GET', '/runs')).json).toHaveLength(8);
    expect(okRuns.every((r) => Date.parse(r.run_end_time) < Date.now())).toBe(true);
    for (const bad of [{ flowId: 'flow-ok', count: -1 }, { flowId: 'flow-ok', count: 1.5 }, { flowId: 'flow-ok' }, { flowId: 'flow-ok', count: 1, outcome: 'x' }]) {
      expect((await control('POST', '/history', bad)).status).toBe(400);
    }
    expect((await control('POST', '/history', { flowId: 'nope', count: 1 })).status).toBe(404);
  });

  test('POST /__control/flows creates and updates flows', async () => {
    expect((await startRun('flow-new')).status).toBe(404);
    const c = await control('POST', '/flows', { id: 'flow-new', durationMs: 0, outcome: 'failed' });
    expect(c.json).toEqual({
      id: 'flow-new', durationMs: 0, outcome: 'failed', listShape: 'runs', statusCase: 'lower',
    });
    const r = await startRun('flow-new');
    expect((await status('flow-new', r.json.run_id)).json.run_status).toBe('failed');
    await control('POST', '/flows', { id: 'flow-new', outcome: 'succeeded' });
    const r2 = await startRun('flow-new');
    expect((await status('flow-new', r2.json.run_id)).json.run_status).toBe('completed');
    expect((await status('flow-new', r.json.run_id)).json.run_status).toBe('failed'); // old runs keep theirs
    expect((await control('GET', '/flows')).json.map((x) => x.id)).toContain('flow-new');
    for (const bad of [{}, { id: '' }, { id: 'x', durationMs: 'soon' }, { id: 'x', listShape: 'table' }, { id: 'x', statusCase: 'camel' }, { id: 'x', outcome: 'ok' }]) {
      expect((await control('POST', '/flows', bad)).status).toBe(400);
    }
  });

  test('reset forgets runs, files, requests, faults and custom flows', async () => {
    await control('POST', '/flows', { id: 'flow-x' });
    await startRun('flow-ok');
    const form = new FormData();
    form.append('files', Buffer.from('abc'), { filename: 'a.txt' });
    await postForm('/v1/assets/upload', form);
    const filePath = s.state.files[0].path;
    expect(fs.existsSync(filePath)).toBe(true);
    await fault({ route: 'runs', kind: '500' });
    expect((await control('POST', '/reset')).json).toEqual({ ok: true });
    expect((await control('GET', '/runs')).json).toEqual([]);
    expect((await control('GET', '/files')).json).toEqual([]);
    expect((await control('GET', '/requests')).json).toEqual([]);
    expect((await control('GET', '/faults')).json).toEqual([]);
    expect((await control('GET', '/stats')).json).toEqual({
      requests: 0, runsCreated: 0, runsCreatedByApi: 0, uploads: 0, filesStored: 0, faultsServed: 0, keyElsewhere: 0,
      requestsOpen: 0, requestsOpenMax: 0, requestsOpenMs: 0, requestsBusyMs: 0,
    });
    expect(fs.existsSync(filePath)).toBe(false);
    expect((await control('GET', '/flows')).json.map((x) => x.id).sort()).toEqual(['flow-fail', 'flow-instant', 'flow-ok', 'flow-slow']);
    expect((await list('flow-x')).status).toBe(404);
    expect((await list('flow-ok')).status).toBe(200); // fault gone
    expect((await startRun('flow-ok')).json.run_id).toBe('run_1');
    s.reset(); // library form
    expect(s.state.runs).toEqual([]);
  });

  test('a flow\'s responseDelayMs delays its start-run, status and listing answers (processed first)', async () => {
    const c = await control('POST', '/flows', { id: 'flow-lag', durationMs: 0, responseDelayMs: 400 });
    expect(c.json.responseDelayMs).toBe(400);
    const timed = async (fn) => {
      const t = Date.now();
      const r = await fn();
      return { r, ms: Date.now() - t };
    };
    let answered = false;
    const pending = startRun('flow-lag').then((x) => { answered = true; return x; });
    expect(await waitFor(async () => (await runCount()) === 1, 380)).toBe(true); // created before the answer
    expect(answered).toBe(false);
    const started = await pending;
    expect(started.status).toBe(200);
    const st = await timed(() => status('flow-lag', started.json.run_id));
    expect(st.r.json.run_status).toBe('completed');
    expect(st.ms).toBeGreaterThanOrEqual(390);
    const ls = await timed(() => list('flow-lag'));
    expect(ls.r.status).toBe(200);
    expect(ls.ms).toBeGreaterThanOrEqual(390);
    // Other flows and the default flows answer at once; 0 turns the delay off again.
    expect((await timed(() => startRun('flow-ok'))).ms).toBeLessThan(300);
    await control('POST', '/flows', { id: 'flow-lag', responseDelayMs: 0 });
    expect((await timed(() => list('flow-lag'))).ms).toBeLessThan(300);
    expect((await control('POST', '/flows', { id: 'flow-lag', responseDelayMs: -1 })).status).toBe(400);
    expect((await control('POST', '/flows', { id: 'flow-lag', responseDelayMs: 1.5 })).status).toBe(400);
  });

  test('404 for unknown control routes, 405 for wrong methods, 400 for bad JSON', async () => {
    expect((await control('GET', '/nothing')).status).toBe(404);
    const r = await control('GET', '/reset');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await control('PUT', '/faults')).status).toBe(405);
    const b = await call('POST', '/__control/faults', { key: null, body: '{bad', headers: { 'content-type': 'application/json' } });
    expect(b.status).toBe(400);
    expect(b.json.detail).toMatch(/JSON/);
  });

  test('state gives the same records as the control API', async () => {
    await startRun('flow-ok', { a: 1 });
    await control('POST', '/runs', { flowId: 'flow-fail' });
    expect(s.state.runs).toEqual((await control('GET', '/runs')).json);
    expect(s.state.stats).toEqual((await control('GET', '/stats')).json);
    expect(s.state.getRun('run_1')).toMatchObject({ inputs: { a: 1 }, createdBy: 'api' });
    expect(s.state.getRun('run_9')).toBeNull();
    s.state.addFault({ route: 'runs', kind: '503' });
    expect((await list('flow-ok')).status).toBe(503);
    const made = s.state.createRun({ flowId: 'flow-ok', durationMs: null });
    expect(s.state.finishRun(made.run_id, 'failed').status).toBe('failed');
    expect(() => s.state.setFlow({ id: '' })).toThrow(/id/);
    const req = s.state.requests;
    expect(req.map((e) => e.route)).toEqual(['start-run', 'runs']);
  });
});

// ------------------------------------------------------------------ request log & redaction

describe('GET /__control/requests', () => {
  test('logs every API request with the key redacted everywhere', async () => {
    const enc = encodeURIComponent(KEY);
    await call('GET', `/v1/workflow/flow-ok/runs?limit=3&token=${enc}`);
    await call('POST', '/v1/workflow/flow-ok/start-run', { json: { secret: KEY, nested: { k: [KEY] } } });
    await call('GET', '/v1/workflow/flow-ok/runs', { key: null, headers: { authorization: `Bearer ${KEY}` } });
    await call('GET', '/v1/workflow/flow-ok/runs', { key: 'wrong' });
    await call('GET', `/v1/nothing/${enc}`);
    const r = await control('GET', '/requests');
    expect(r.text).not.toContain(KEY);
    expect(r.text).not.toContain(enc);
    expect(r.text).not.toContain('wrong'); // the xp-api-key header is always redacted
    const log = r.json;
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log[0]).toMatchObject({
      method: 'GET', path: '/v1/workflow/flow-ok/runs', query: { limit: '3', token: '[redacted]' }, keyOk: true, keyHeader: 'xp-api-key', status: 200, bodySize: 0,
    });
    expect(log[0].headers['xp-api-key']).toBe('[redacted]');
    expect(log[1].bodySize).toBe(Buffer.byteLength(JSON.stringify({ secret: KEY, nested: { k: [KEY] } })));
    expect(log[1].bodyExcerpt).toBe('{"secret":"[redacted]","nested":{"k":["[redacted]"]}}');
    expect(log[2]).toMatchObject({ keyOk: false, keyHeader: 'authorization', status: 401 });
    expect(log[2].headers.authorization).toBe('Bearer [redacted]');
    expect(log[3]).toMatchObject({ keyOk: false, keyHeader: 'xp-api-key', status: 401 });
    expect(log[4]).toMatchObject({ path: '/v1/nothing/[redacted]', status: 404 });
    expect((await control('GET', '/requests?route=start-run')).json.map((e) => e.seq)).toEqual([2]);
    expect(s.state.requestsFor('runs').map((e) => e.seq)).toEqual([1, 3, 4]);
    // control requests are not logged; DELETE clears the log
    expect((await control('GET', '/stats')).json.requests).toBe(5);
    expect((await control('DELETE', '/requests')).json).toEqual({ cleared: 5 });
    expect((await control('GET', '/requests')).json).toEqual([]);
  });
});

// ------------------------------------------------------------------ robustness

describe('robustness', () => {
  test('unknown routes 404, wrong methods 405, all JSON', async () => {
    const a = await call('GET', '/v1/nothing');
    expect(a.status).toBe(404);
    expect(a.json).toEqual({ detail: 'Not Found' });
    expect((await call('GET', '/')).status).toBe(404);
    expect((await call('GET', '/v1/workflow/flow-ok/runs/')).status).toBe(404);
    const b = await call('GET', '/v1/workflow/flow-ok/start-run');
    expect(b.status).toBe(405);
    expect(b.headers.get('allow')).toBe('POST');
    expect(b.json.detail).toMatch(/Method/);
    expect((await call('DELETE', '/v1/workflow/flow-ok/runs')).status).toBe(405);
    expect((await call('PUT', '/v1/assets/upload', { body: 'x' })).status).toBe(405);
    expect((await call('GET', '/v1/assets/upload')).status).toBe(405);
  });

  test('a malformed HTTP request gets a 400 and the server carries on', async () => {
    const answer = await new Promise((resolve, reject) => {
      const sock = net.connect(s.port, '127.0.0.1', () => sock.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      sock.on('data', (d) => { data += d; });
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/"detail"/);
    expect((await list('flow-ok')).status).toBe(200);
  });

  test('absolute-form request targets are understood', async () => {
    const answer = await new Promise((resolve, reject) => {
      const sock = net.connect(s.port, '127.0.0.1', () => sock.write(
        `GET http://api.vishwa.ai/v1/workflow/flow-ok/runs?limit=1 HTTP/1.1\r\nHost: api.vishwa.ai\r\nXP-API-Key: ${KEY}\r\nConnection: close\r\n\r\n`,
      ));
      let data = '';
      sock.on('data', (d) => { data += d; });
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"total":0');
  });

  test('the request log is bounded by requestLogLimit', async () => {
    const d = await startStandin({ apiKey: 'k', requestLogLimit: 10 });
    try {
      for (let i = 0; i < 25; i += 1) await call('GET', '/v1/workflow/flow-ok/runs', { key: 'k', base: d.url });
      const log = d.state.requests;
      expect(log.length).toBeLessThanOrEqual(10);
      expect(log[log.length - 1].seq).toBe(25);
      expect(d.state.stats.requests).toBe(25);
    } finally {
      await d.close();
    }
  });

  test('many concurrent requests', async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => startRun('flow-ok', { i })));
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(new Set(rs.map((r) => r.json.run_id)).size).toBe(50);
  });
});

// ------------------------------------------------------------------ CLI

describe('cli', () => {
  test('prints its URL, answers, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--port', '0'], {
      env: { ...process.env, VISHWA_STANDIN_API_KEY: 'cli-key' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      const url = await new Promise((resolve, reject) => {
        let buf = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${buf}`)), 5000);
        child.stdout.on('data', (d) => {
          buf += d;
          const m = /^Vishwa stand-in listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(buf);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const ok = await raw({
        method: 'POST', p: '/v1/workflow/flow-instant/start-run', base: url, body: '{}', headers: { 'XP-API-Key': 'cli-key', 'content-type': 'application/json' },
      });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).run_id).toBe('run_1');
      const bad = await raw({ p: '/v1/workflow/flow-ok/runs', base: url, headers: { 'XP-API-Key': 'standin-key' } });
      expect(bad.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  test('bad arguments exit with code 2', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/Invalid port/);
  });
});

describe('secret hygiene records', () => {
  test('a key outside the XP-API-Key header is counted, in the URL or another header', async () => {
    const s = await startStandin({ apiKey: 'hygiene-key-123456' });
    try {
      await fetch(`${s.url}/v1/workflow/flow-ok/runs`, { headers: { 'XP-API-Key': 'hygiene-key-123456' } });
      expect(s.state.stats.keyElsewhere).toBe(0);
      await fetch(`${s.url}/v1/workflow/flow-ok/runs?key=hygiene-key-123456`, { headers: { 'XP-API-Key': 'hygiene-key-123456' } });
      await fetch(`${s.url}/v1/workflow/flow-ok/runs`, { headers: { Authorization: 'Bearer hygiene-key-123456' } });
      expect(s.state.stats.keyElsewhere).toBe(2);
      s.reset();
      expect(s.state.stats.keyElsewhere).toBe(0);
      expect(s.state.lifetimeStats.keyElsewhere).toBe(2);
    } finally {
      await s.close();
    }
  });
});

describe('flow listing (ASSUMED, issue 16)', () => {
  test('GET /v1/workflows pages the flows in every shape and id key; needs the key', async () => {
    expect((await call('GET', '/v1/workflows', { key: null })).status).toBe(401);
    const first = await call('GET', '/v1/workflows?limit=2&offset=1');
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ workflows: [{ id: 'flow-fail', name: 'Failing flow' }, { id: 'flow-slow', name: 'Slow flow' }], total: 4 });
    await control('POST', '/flows', { id: 'flow-unnamed' });
    expect((await control('POST', '/flow-listing', { shape: 'array', idKey: 'workflow_id' })).json).toEqual({ shape: 'array', idKey: 'workflow_id' });
    const array = await call('GET', '/v1/workflows?offset=4');
    expect(array.json).toEqual([{ workflow_id: 'flow-unnamed' }]);
    for (const shape of ['flows', 'data', 'items']) {
      await control('POST', '/flow-listing', { shape, idKey: 'flow_id' });
      const page = await call('GET', '/v1/workflows?limit=1');
      expect(page.json).toEqual({ [shape]: [{ flow_id: 'flow-ok', name: 'Succeeding flow' }], total: 5 });
    }
    expect((await call('GET', '/v1/workflows?limit=0')).status).toBe(400);
  });

  test("shape 'none': 404 Not Found whatever the key; bad settings are refused; reset restores the listing", async () => {
    expect((await control('POST', '/flow-listing', { shape: 'none' })).status).toBe(200);
    const withKey = await call('GET', '/v1/workflows');
    expect(withKey.status).toBe(404);
    expect(withKey.json).toEqual({ detail: 'Not Found' });
    expect((await call('GET', '/v1/workflows', { key: 'wrong' })).status).toBe(404);
    expect((await control('POST', '/flow-listing', { shape: 'list' })).status).toBe(400);
    expect((await control('POST', '/flow-listing', { idKey: 'name' })).status).toBe(400);
    await control('POST', '/reset');
    expect((await control('GET', '/flow-listing')).json).toEqual({ shape: 'workflows', idKey: 'id' });
    expect((await call('GET', '/v1/workflows')).status).toBe(200);
  });

  test('the startStandin option sets the listing, also after reset', async () => {
    const other = await startStandin({ apiKey: 'listing-option-key', flowListing: { shape: 'none' } });
    try {
      const get = () => fetch(`${other.url}/v1/workflows`, { headers: { 'XP-API-Key': 'listing-option-key' } });
      expect((await get()).status).toBe(404);
      other.state.setFlowListing({ shape: 'data' });
      expect((await get()).status).toBe(200);
      other.reset();
      expect((await get()).status).toBe(404);
    } finally {
      await other.close();
    }
    await expect(startStandin({ flowListing: { shape: 'nope' } })).rejects.toThrow("'shape' must be one of");
  });
});
