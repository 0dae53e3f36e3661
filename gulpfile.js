// Copies what tsc does not emit next to the compiled nodes: icons (node and credential) and the
// codex files (<Node>.node.json) that n8n reads for categories, aliases and documentation links.
const path = require('path');
const { task, src, dest, parallel, watch } = require('gulp');

const ICONS = ['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'];
const CODEX = ['nodes/**/*.node.json'];

function copyFrom(globs) {
	return () => src(globs, { base: '.', encoding: false }).pipe(dest(path.resolve('dist')));
}

task('build:icons', copyFrom(ICONS));
task('build:codex', copyFrom(CODEX));
task('default', parallel('build:icons', 'build:codex'));
// `npm run dev`: copy them again whenever one changes (tsc --watch covers the TypeScript).
task('watch', () => watch([...ICONS, ...CODEX], { ignoreInitial: true }, parallel('build:icons', 'build:codex')));
