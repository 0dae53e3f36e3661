'use strict';
// Every relative link in the README, CONTRIBUTING.md, CHANGELOG.md, docs/ and the other guides
// (e2e/README.md, the stand-in's contract) leads somewhere: the file (or folder)
// exists, and a #anchor matches a heading of the target as GitHub slugs it. The README is short and
// points into docs/ for everything else, so a moved or renamed section must not leave a dead link.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** The Markdown files checked: the guides at the root, e2e/ and the stand-in's, and every .md under docs/. */
function markdownFiles() {
	const files = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'e2e/README.md', 'test/standin/CONTRACT.md'];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
			const rel = `${dir}/${entry.name}`;
			if (entry.isDirectory()) walk(rel);
			else if (entry.name.endsWith('.md')) files.push(rel);
		}
	};
	walk('docs');
	return files;
}

/** The text outside fenced code blocks (a `# comment` in a shell block is not a heading). */
function outsideCode(text) {
	return text.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ''));
}

/** GitHub's heading slug: markup dropped, lower case, punctuation removed, spaces to hyphens. */
function slug(heading) {
	const text = heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
		.replace(/[*`]/g, '')
		.trim()
		.toLowerCase();
	return text.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

/** The anchors a Markdown file offers, duplicates numbered as GitHub does (-1, -2 …). */
function anchorsOf(file) {
	const seen = new Map();
	const anchors = new Set();
	for (const match of outsideCode(fs.readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
		const base = slug(match[1]);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count ? `${base}-${count}` : base);
	}
	return anchors;
}

/** Every [text](target) of a file outside code, with its line number. */
function linksOf(file) {
	const text = outsideCode(fs.readFileSync(path.join(root, file), 'utf8')).replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
	const links = [];
	text.split('\n').forEach((line, index) => {
		for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: index + 1, target: match[1] });
	});
	return links;
}

/** Why a link does not resolve, or undefined when it does. */
function problem(file, target) {
	if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: … (not checked offline)
	const [pathPart, anchor] = target.split('#');
	const resolved = pathPart ? path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(pathPart)) : path.join(root, file);
	if (!resolved.startsWith(root)) return 'points outside the repository';
	if (!fs.existsSync(resolved)) return 'no such file';
	if (anchor === undefined || anchor === '') return undefined;
	if (!resolved.endsWith('.md')) return `an anchor into a file that is not Markdown`;
	return anchorsOf(resolved).has(decodeURIComponent(anchor)) ? undefined : `no heading "#${anchor}" in ${path.relative(root, resolved)}`;
}

test('the slugs are GitHub\'s', () => {
	expect(slug('Run → Start: Attach Files')).toBe('run--start-attach-files');
	expect(slug('What n8n\'s error settings do with this node')).toBe('what-n8ns-error-settings-do-with-this-node');
	expect(slug('Try it offline (playground)')).toBe('try-it-offline-playground');
	expect(slug('Waiting: Run → Start with *Wait for Completion*')).toBe('waiting-run--start-with-wait-for-completion');
	expect(slug('Upload assets — `POST /v1/assets/upload?temp=<bool>`')).toBe('upload-assets--post-v1assetsuploadtempbool');
});

test('the checker finds a dead file, a dead anchor, and accepts a good pair (control)', () => {
	expect(problem('README.md', 'docs/nope.md')).toBe('no such file');
	expect(problem('README.md', '#no-such-heading')).toMatch(/no heading/);
	expect(problem('README.md', 'docs/operations/wait.md#no-such-heading')).toMatch(/no heading/);
	expect(problem('README.md', 'CONTRIBUTING.md')).toBeUndefined();
	expect(problem('README.md', 'https://example.com/#x')).toBeUndefined();
});

test('every relative link and #anchor in README.md, CONTRIBUTING.md, docs/ and the other guides resolves', () => {
	const files = markdownFiles();
	expect(files.length).toBeGreaterThan(5);
	let checked = 0;
	const broken = [];
	for (const file of files) {
		for (const { line, target } of linksOf(file)) {
			checked += 1;
			const why = problem(file, target);
			if (why) broken.push(`${file}:${line} (${target}): ${why}`);
		}
	}
	expect(broken).toEqual([]);
	expect(checked).toBeGreaterThan(50);
});

test('the README links into docs/ for what it no longer holds', () => {
	const targets = linksOf('README.md').map((link) => link.target.split('#')[0]);
	for (const doc of ['docs/operations/start-run.md', 'docs/operations/wait.md', 'docs/operations/upload.md', 'docs/trigger.md', 'docs/reliability.md', 'docs/performance.md', 'docs/scaling.md', 'CONTRIBUTING.md', 'CHANGELOG.md']) {
		expect({ doc, linked: targets.includes(doc) }).toEqual({ doc, linked: true });
	}
});
