'use strict';
/**
 * A plain HTTP client for baselines: POSTs `items` start-runs to `url` (one per item, body
 * `bodyOf(i)`), at most `concurrency` at once, with Node's http (a keep-alive agent unless
 * `keepAlive` is false: then a new connection per request, as n8n-core 2.x makes). Answers the
 * milliseconds from the first request to the last answer; throws unless every answer is 200 with a
 * run ID.
 */
const http = require('http');

async function rawClient(url, apiKey, items, concurrency, { keepAlive = true, bodyOf = (i) => ({ index: i }) } = {}) {
	const agent = new http.Agent({ keepAlive, maxSockets: concurrency });
	const target = new URL(url);
	const post = (i) =>
		new Promise((resolve, reject) => {
			const payload = JSON.stringify(bodyOf(i));
			const request = http.request(
				{
					host: target.hostname,
					port: target.port,
					path: target.pathname,
					method: 'POST',
					agent,
					headers: {
						'content-type': 'application/json',
						accept: 'application/json',
						'content-length': Buffer.byteLength(payload),
						'XP-API-Key': apiKey,
					},
				},
				(response) => {
					let text = '';
					response.setEncoding('utf8');
					response.on('data', (chunk) => (text += chunk));
					response.on('end', () => {
						if (response.statusCode !== 200) return reject(new Error(`raw client: HTTP ${response.statusCode} ${text}`));
						resolve(JSON.parse(text).run_id);
					});
				},
			);
			request.on('error', reject);
			request.end(payload);
		});
	const started = process.hrtime.bigint();
	let next = 0;
	const ids = [];
	await Promise.all(
		Array.from({ length: Math.min(concurrency, items) }, async () => {
			while (next < items) {
				const i = next++;
				ids[i] = await post(i);
			}
		}),
	);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	agent.destroy();
	if (ids.filter(Boolean).length !== items) throw new Error('raw client: missing run ids');
	return ms;
}

module.exports = { rawClient };
