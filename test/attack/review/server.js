'use strict';
// Written by the reviews of issue 14 (v14c-v14e), independently of the trigger and of ../world.js.
const http = require('http');
function serve(world, apiKey) {
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (status, body) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.headers['xp-api-key'] !== apiKey) return send(401, { detail: 'bad key' });
    let m = /^\/v1\/workflow\/([^/]+)\/runs$/.exec(url.pathname);
    if (m) {
      const offset = Number(url.searchParams.get('offset') || 0), limit = Number(url.searchParams.get('limit') || 100);
      log.push({ kind: 'list', offset, limit });
      const a = world.list(offset, limit); return send(a.status, a.body);
    }
    m = /^\/v1\/workflow\/([^/]+)\/run\/([^/]+)\/status$/.exec(url.pathname);
    if (m) { log.push({ kind: 'status' }); const a = world.status(decodeURIComponent(m[2])); return send(a.status, a.body); }
    send(404, { detail: 'no route' });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}`, log, close: () => new Promise((d) => server.close(d)) })));
}
module.exports = { serve };
