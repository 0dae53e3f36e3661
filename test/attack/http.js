'use strict';
// ./world.js over real HTTP, for driving the built trigger through n8n-core's PollContext.
const http = require('http');

// `delayMs`: each answer is sent that much later (a slow server: polls cut by n8n's time budget); a
// function of the request ({ kind, offset, limit, index }) delays only the answers it names.
function startWorldServer(world, { apiKey, fault, delayMs = 0 } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (status, body) => {
      const text = JSON.stringify(body);
      const write = () => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(text);
      };
      const delay = typeof delayMs === 'function' ? delayMs(requests[requests.length - 1]) : delayMs;
      if (delay > 0) setTimeout(write, delay);
      else write();
    };
    if (req.headers['xp-api-key'] !== apiKey) return send(401, { detail: 'bad key' });
    let m = /^\/v1\/workflow\/([^/]+)\/runs$/.exec(url.pathname);
    if (m) {
      const offset = Number(url.searchParams.get('offset') || 0);
      const limit = Number(url.searchParams.get('limit') || 100);
      requests.push({ kind: 'list', offset, limit });
      const injected = fault && fault({ kind: 'list', offset, limit, index: requests.length - 1 });
      if (injected) return send(injected.status, injected.body || { detail: 'injected' });
      const answer = world.list(offset, limit);
      return send(answer.status, answer.body);
    }
    m = /^\/v1\/workflow\/([^/]+)\/run\/([^/]+)\/status$/.exec(url.pathname);
    if (m) {
      const runId = decodeURIComponent(m[2]);
      requests.push({ kind: 'status', runId });
      const injected = fault && fault({ kind: 'status', runId, index: requests.length - 1 });
      if (injected) return send(injected.status, injected.body || { detail: 'injected' });
      const answer = world.status(runId);
      return send(answer.status, answer.body);
    }
    return send(404, { detail: 'no route' });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

module.exports = { startWorldServer };
