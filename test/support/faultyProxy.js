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

/**
 * An HTTP proxy that forwards to `upstream` (the stand-in) except for the faults queued on it:
 * 'stall' takes the request and never answers; 'trickle' forwards it (so it is processed) and sends
 * the answer a byte every 100 ms. `stripPrefix` removes a path prefix before forwarding, as a
 * reverse proxy that serves Vishwa under a sub-path does. Every request is logged:
 * `{ time, method, path, route, fault }` (path as received).
 */
async function startFaultyProxy(upstream, { stripPrefix = '' } = {}) {
	const target = new URL(upstream);
	const queue = [];
	const log = [];
	const timers = new Set();
	const server = http.createServer((req, res) => {
		const route = routeOf(req.url);
		const fault = queue.find((candidate) => (candidate.route === route || candidate.route === '*') && candidate.times > 0);
		if (fault) fault.times -= 1;
		log.push({ time: Date.now(), method: req.method, path: req.url, route, fault: fault ? fault.kind : null });
		if (fault && fault.kind === 'stall') {
			req.resume();
			return; // never answered; close() ends it
		}
		let forwardPath = req.url;
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
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		log,
		/** { route: 'status' | 'start-run' | 'upload' | 'runs' | '*', kind: 'stall' | 'trickle', times } */
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

/** A local port nothing listens on. */
async function closedPort() {
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

module.exports = { startFaultyProxy, startSilentServer, closedPort, routeOf };
