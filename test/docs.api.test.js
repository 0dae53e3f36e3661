'use strict';
// The API contract lives in the repository (docs/api.md): code comments, the stand-in's contract and
// the docs cite it there, and nothing points at a file outside the repository.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const api = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8');

/** Every text file git tracks, or would track (untracked but not ignored). */
function repoFiles() {
	const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
	return out.split('\0').filter((f) => f && /\.(ts|js|mjs|cjs|md|json|sh|ya?ml)$/.test(f) && !/(^|\/)package-lock\.json$/.test(f) && fs.existsSync(path.join(root, f)));
}

test('docs/api.md keeps the published facts apart from the assumptions, endpoint by endpoint', () => {
	for (const heading of ['## Connection', '## Upload assets', '## Start a run', '## Run status', '## List runs of a flow', '## What the package relies on beyond the above']) {
		expect(api).toContain(heading);
	}
	expect((api.match(/^- FACT:/gm) ?? []).length).toBeGreaterThanOrEqual(7);
	expect((api.match(/ASSUMED/g) ?? []).length).toBeGreaterThanOrEqual(10);
	for (const fact of ['XP-API-Key', '/v1/assets/upload', '/v1/workflow/<id>/start-run', '/v1/workflow/<id>/run/<run_id>/status', 'override_config']) {
		expect(api).toContain(fact);
	}
});

test('the files docs/api.md names exist', () => {
	const named = [...api.matchAll(/`((?:nodes|credentials|test)\/[\w/.-]+)`|\]\((\.\.\/[^)]+)\)/g)].map((m) => m[1] ?? path.join('docs', m[2]));
	expect(named.length).toBeGreaterThan(5);
	expect(named.filter((file) => !fs.existsSync(path.join(root, file)))).toEqual([]);
});

test('no file cites the API contract outside the repository', () => {
	const offenders = [];
	for (const file of repoFiles()) {
		if (file === 'test/docs.api.test.js') continue;
		const text = fs.readFileSync(path.join(root, file), 'utf8');
		if (/VISHWA_API\.md|\.\.\/shared\/|\/work\/(shared|main|wt)\b/.test(text)) offenders.push(file);
	}
	expect(offenders).toEqual([]);
});

test('the code and the stand-in contract cite docs/api.md for the assumptions they handle', () => {
	for (const file of ['nodes/Vishwa/core/attachments.ts', 'test/standin/CONTRACT.md']) {
		expect({ file, cites: fs.readFileSync(path.join(root, file), 'utf8').includes('docs/api.md') }).toEqual({ file, cites: true });
	}
});
