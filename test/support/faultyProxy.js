'use strict';
/**
 * Network misbehaviour the stand-in cannot produce itself, for the fault, hostile-input and timeout
 * tests: an HTTP proxy in front of it, a raw TCP server that never answers, a closed port.
 */
const http = require('http');
const net = require('net');

/** Which public route a request path is, in the stand-in's fault-route names. */
const ROUTE_PATH = {
	upload: /\/v1\/assets\/upload$/,
	'start-run': /\/start-run$/,
	status: /\/status$/,
	runs: /\/runs$/,
};

function routeOf(url) {
	const pathname = url.split('?')[0];
	return Object.keys(ROUTE_PATH).find((name) => ROUTE_PATH[name].test(pathname)) || null;
}

/** Where a 'redirect' fault sends a request to the same origin: the proxy forwards it, prefix removed. */
const MOVED_PREFIX = '/moved';

/**
 * An HTTP proxy that forwards to `upstream` (the stand-in) except for the faults queued on it:
 * 'stall' takes the request and never answers; 'trickle' forwards it (so it is processed) and sends
 * the answer a byte every 100 ms; 'redirect' answers `status` (default 307) with a Location: the
 * same path on `to` (another server's base URL), or with `to: 'self'` the same path under /moved
 * on this proxy, which forwards such requests with the prefix removed (a hop, logged `hop: true`
 * and not counted as the route). `stripPrefix` removes a path prefix before forwarding, as a
 * reverse proxy that serves Vishwa under a sub-path does. Every request is logged:
 * `{ time, method, path, route, fault, hop, location }` (path as received).
 */
async function startFaultyProxy(upstream, { stripPrefix = '' } = {}) {
	const target = new URL(upstream);
	const queue = [];
	const log = [];
	const timers = new Set();
	let proxyUrl;
	const server = http.createServer((req, res) => {
		const hop = req.url.startsWith(`${MOVED_PREFIX}/`);
		const route = routeOf(req.url);
		const fault = hop ? undefined : queue.find((candidate) => (candidate.route === route || candidate.route === '*') && candidate.times > 0);
		if (fault) fault.times -= 1;
		const entry = { time: Date.now(), method: req.method, path: req.url, route, fault: fault ? fault.kind : null, hop };
		log.push(entry);
		if (fault && fault.kind === 'stall') {
			req.resume();
			return; // never answered; close() ends it
		}
		if (fault && fault.kind === 'redirect') {
			req.resume();
			entry.location = fault.to === 'self' ? `${proxyUrl}${MOVED_PREFIX}${req.url}` : `${fault.to}${req.url}`;
			res.writeHead(fault.status || 307, { location: fault.relative ? entry.location.slice(proxyUrl.length) : entry.location, 'content-type': 'text/plain' });
			res.end(`Moved to ${entry.location}`);
			return;
		}
		let forwardPath = hop ? req.url.slice(MOVED_PREFIX.length) : req.url;
		if (stripPrefix) {
			if (!forwardPath.startsWith(`${stripPrefix}/`)) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ detail: `Not under ${stripPrefix}` }));
				return;
			}
			forwardPath = forwardPath.slice(stripPrefix.length);
		}
		const forward = http.request(
			{ host: target.hostname, port: target.port, method: req.method, path: forwardPath, headers: req.headers },
			(answer) => {
				if (!fault) {
					res.writeHead(answer.statusCode, answer.headers);
					answer.pipe(res);
					return;
				}
				const chunks = [];
				answer.on('data', (chunk) => chunks.push(chunk));
				answer.on('end', () => {
					const body = Buffer.concat(chunks);
					res.writeHead(answer.statusCode, answer.headers);
					let sent = 0;
					const timer = setInterval(() => {
						if (res.destroyed || sent >= body.length) {
							clearInterval(timer);
							timers.delete(timer);
							if (!res.destroyed) res.end();
							return;
						}
						res.write(body.subarray(sent, sent + 1));
						sent += 1;
					}, 100);
					timers.add(timer);
				});
			},
		);
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${server.address().port}`;
	return {
		url: proxyUrl,
		log,
		/**
		 * { route: 'status' | 'start-run' | 'upload' | 'runs' | '*', kind: 'stall' | 'trickle' | 'redirect', times }
		 * plus, for 'redirect': { to: '<base URL>' | 'self', status?: 301 | 302 | 303 | 307 | 308, relative?: boolean }
		 */
		addFault: (fault) => queue.push({ times: 1, ...fault }),
		close: async () => {
			for (const timer of timers) clearInterval(timer);
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/**
 * A TCP server that accepts connections and then does nothing at all: it neither reads nor answers,
 * so a large request body stalls in the socket buffers too. Counts the connections it accepted.
 */
async function startSilentServer() {
	const sockets = new Set();
	let connections = 0;
	const server = net.createServer((socket) => {
		connections += 1;
		sockets.add(socket);
		socket.pause();
		socket.on('error', () => undefined);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		get connections() {
			return connections;
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/**
 * A port on 127.0.0.1 where nothing listens (a connection is refused). Not an ephemeral port freed a
 * moment ago: a parallel Jest worker's server could take that one in between (faults.matrix's
 * "refused" case then met a live server once). The kernel hands out ephemeral ports only from
 * ip_local_port_range (32768 and up), and no test asks for a fixed port, so a low port found refused
 * stays refused.
 */
async function closedPort() {
	for (const port of [9, 19, 47, 61, 97, 127, 223, 607, 991]) {
		const refused = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(false);
			});
			socket.once('error', (error) => resolve(error.code === 'ECONNREFUSED'));
		});
		if (refused) return port;
	}
	throw new Error('closedPort: every candidate port below 1024 on 127.0.0.1 is in use');
}

/**
 * A server at another origin that records every request reaching it (method, path, headers) and
 * answers like Vishwa would (a finished run, a run list, an upload), so a redirect that was followed
 * would look like a success. `carriedKey(key)` counts the requests that carried `key` anywhere.
 */
async function startRecordingServer() {
	const requests = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			requests.push({ method: req.method, path: req.url, headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
			const pathname = req.url.split('?')[0];
			let body = { run_id: 'run_elsewhere', run_status: 'completed', outputs: { from: 'the recording server' } };
			if (pathname.endsWith('/runs')) body = [body];
			if (pathname.endsWith('/upload')) body = { files: [{ file_id: 'file_elsewhere', file_name: 'elsewhere.txt' }] };
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		carriedKey: (key) => requests.filter((r) => JSON.stringify(r).includes(key) || JSON.stringify(r).includes(encodeURIComponent(key))).length,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

module.exports = { startFaultyProxy, startSilentServer, startRecordingServer, closedPort, routeOf, MOVED_PREFIX };
