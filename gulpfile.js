// Copies what tsc does not emit next to the compiled nodes: icons (node and credential) and the
// codex files (<Node>.node.json) that n8n reads for categories, aliases and documentation links.
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

function copyFrom(globs) {
	return () => src(globs, { base: '.', encoding: false }).pipe(dest(path.resolve('dist')));
}

task('build:icons', copyFrom(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}']));
task('build:codex', copyFrom(['nodes/**/*.node.json']));
task('default', parallel('build:icons', 'build:codex'));
