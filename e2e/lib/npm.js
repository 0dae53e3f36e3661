'use strict';
// Nested npm calls that do not depend on the npm_config_* environment they inherit (issue 18).
// Under `npm test` every child process gets npm's whole resolved configuration as npm_config_*
// (the project's `ignore-scripts=true` among them); a nested npm would silently obey it. Every
// script in e2e/, bench/ and scripts/ runs npm through runNpm, and install-n8n.sh through
// cleanNpmEnv; test/npmEnv.test.js holds both to it. The kept keys mirror e2e/lib/npm-env.sh.

const { spawnSync } = require('child_process');

const KEEP = /^npm_config_(cache|registry|userconfig|globalconfig|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|fetch_retries|fetch_retry_factor|fetch_retry_mintimeout|fetch_retry_maxtimeout|fetch_timeout|maxsockets)$/;

/** A copy of env without the inherited npm behaviour settings and NODE_OPTIONS (where-to-fetch settings stay). */
function cleanNpmEnv(env = process.env) {
	const out = {};
	for (const [name, value] of Object.entries(env)) {
		const lower = name.toLowerCase();
		if (lower.startsWith('npm_config_') && !KEEP.test(lower)) continue;
		if (name === 'NODE_OPTIONS') continue; // npm runs on node: a preload meant for the parent is not for it
		out[name] = value;
	}
	return out;
}

/**
 * Runs `npm ...args` in cwd with a clean npm environment; throws with npm's output tail when it
 * fails. Returns stdout. `stdio` as spawnSync's (default: capture stdout, stderr through).
 */
function runNpm(args, { cwd, stdio = ['ignore', 'pipe', 'inherit'], env = {} } = {}) {
	const res = spawnSync('npm', args, { cwd, stdio, encoding: 'utf8', env: { ...cleanNpmEnv(), ...env }, maxBuffer: 64 * 1024 * 1024 });
	if (res.error) throw res.error;
	if (res.status !== 0) {
		const tail = `${res.stdout || ''}${res.stderr || ''}`.split('\n').slice(-30).join('\n');
		throw new Error(`npm ${args.join(' ')} failed (exit ${res.status})${tail.trim() ? `:\n${tail}` : ''}`);
	}
	return res.stdout || '';
}

module.exports = { cleanNpmEnv, runNpm, KEEP };
