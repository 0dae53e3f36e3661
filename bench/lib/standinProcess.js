'use strict';
/**
 * The Vishwa stand-in in its own process, so its CPU and memory are not counted as the node's.
 *
 *   const standin = await startStandinProcess({ flows: [{ id: 'f', responseDelayMs: 20 }] });
 *   await standin.control('POST', '/reset'); ... await standin.stop();
 *
 * Run as a script (by startStandinProcess), it starts test/standin/server.js with the JSON options
 * in argv[2] and prints its URL. Flows given here survive /__control/reset.
 */
const { spawn } = require('child_process');
const path = require('path');

const API_KEY = 'standin-key';

async function startStandinProcess(options = {}) {
	const child = spawn(process.execPath, [__filename, JSON.stringify({ apiKey: API_KEY, ...options })], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const url = await new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const match = /^listening (http:\/\/\S+)$/m.exec(out);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
	});
	const control = async (method, route, body) => {
		const response = await fetch(`${url}/__control${route}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`stand-in control ${method} ${route}: HTTP ${response.status} ${text}`);
		return JSON.parse(text);
	};
	return {
		url,
		apiKey: API_KEY,
		pid: child.pid,
		control,
		/** Request log entries of one route (start-run, status, runs, upload). */
		requests: (route) => control('GET', `/requests?route=${encodeURIComponent(route)}`),
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}

async function main() {
	const { startStandin } = require(path.join(__dirname, '..', '..', 'test', 'standin', 'server'));
	const standin = await startStandin({ ...JSON.parse(process.argv[2] || '{}'), onError: (error) => process.stderr.write(`stand-in error: ${error && error.stack}\n`) });
	process.stdout.write(`listening ${standin.url}\n`);
	const stop = () => standin.close().then(() => process.exit(0), () => process.exit(1));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error.stack}\n`);
		process.exit(1);
	});
}

module.exports = { startStandinProcess, API_KEY };
