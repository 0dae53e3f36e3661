'use strict';
// Review v17r: HTTP front of ./world.js (own code). opts.listing404: the listing route does not exist.
const http = require('http');
function serve(world, apiKey, opts = {}) {
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (status, body) => {
      const go = () => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (opts.latencyMs) setTimeout(go, opts.latencyMs); else go();
    };
    if (req.headers['xp-api-key'] !== apiKey) return send(401, { detail: 'Invalid API key' });
    let m = /^\/v1\/workflow\/([^/]+)\/runs$/.exec(url.pathname);
    if (m && !opts.listing404) {
      if (opts.flowId && decodeURIComponent(m[1]) !== opts.flowId) return send(404, { detail: 'Flow not found' });
      const offset = Number(url.searchParams.get('offset') ?? 0), limit = Number(url.searchParams.get('limit') ?? 20);
      log.push({ kind: 'list', offset, limit });
      const a = world.list(offset, limit);
      return send(a.status, a.body);
    }
    m = /^\/v1\/workflow\/([^/]+)\/run\/([^/]+)\/status$/.exec(url.pathname);
    if (m) {
      log.push({ kind: 'status', id: decodeURIComponent(m[2]) });
      if (opts.statusFail && opts.statusFail()) return send(500, { detail: 'boom' });
      const a = world.status(decodeURIComponent(m[2]));
      return send(a.status, a.body);
    }
    send(404, { detail: 'Not Found' });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    url: `http://127.0.0.1:${server.address().port}`, log,
    close: () => new Promise((d) => { server.closeAllConnections?.(); server.close(d); }),
  })));
}
module.exports = { serve };
