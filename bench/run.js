#!/usr/bin/env node
'use strict';
/**
 * `npm run bench` — every figure of the performance issue in one run, each next to its baselines,
 * against the local Vishwa stand-in on 127.0.0.1 (its own process). Prints a table and writes the
 * figures to bench/results.json: one object, a key per figure (numbers only), plus `machine` and
 * `versions`; the raw samples go to bench/results.details.json.
 *
 *   npm run build && npm run bench                      full run, about 22 minutes (waitMany's lane
 *                                                       comparison alone takes about 9)
 *   npm run bench -- --quick                            small counts, 5-min wait scaled down, tiny files
 *                                                       (writes bench/results.quick.json)
 *   npm run bench -- --only startRun,upload             some figures only
 *   npm run bench -- --out /tmp/r.json                  write elsewhere
 *   npm run bench -- --only startRun --merge            keep the other figures of the results file
 *                                                       (the table then says which run measured what)
 *   npm run bench -- --update-docs                      also put the table into docs/performance.md
 *                                                       (--update-readme, its former name, does the same)
 *
 * Each figure runs in its own process, one after the other (a figure's load would disturb the
 * next one's timings). Benchmarks never fail on a number: the exit code is 1 only when a figure
 * could not be measured. Targets are shown as met or not, and explained in docs/performance.md.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { ROOT, parseArgs, machine, versions, log } = require('./lib/common');
const { renderTable, docBlock, TABLE_START, TABLE_END } = require('./lib/table');

/** Where `--update-docs` writes the table (it was in README.md until the README was shortened). */
const PERFORMANCE_DOC = path.join(ROOT, 'docs', 'performance.md');

const FIGURES = ['startRun', 'upload', 'wait', 'trigger', 'waitMany', 'startRunRealN8n'];

function runFigure(name, quick) {
	const resultFile = path.join(os.tmpdir(), `vishwa-bench-${process.pid}-${name}.json`);
	const started = Date.now();
	log(`${name}: starting${quick ? ' (quick)' : ''}`);
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(__dirname, 'figures', `${name}.js`), ...(quick ? ['--quick'] : []), '--result', resultFile], {
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		child.on('exit', (code) => {
			const seconds = Math.round((Date.now() - started) / 1000);
			let result;
			try {
				result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
				fs.rmSync(resultFile, { force: true });
			} catch {
				result = undefined;
			}
			if (code !== 0 || !result) {
				log(`${name}: FAILED (exit code ${code}) after ${seconds} s`);
				resolve({ name, error: `exit code ${code}`, seconds });
			} else {
				log(`${name}: done in ${seconds} s`);
				resolve({ name, ...result, seconds });
			}
		});
	});
}

/** Replaces the table between the markers of `file` (docs/performance.md); false when it has none. */
function updateDoc(results, details, file = PERFORMANCE_DOC) {
	const name = path.relative(ROOT, file);
	const text = fs.readFileSync(file, 'utf8');
	const from = text.indexOf(TABLE_START);
	const to = text.indexOf(TABLE_END);
	if (from < 0 || to < from) {
		log(`${name} has no ${TABLE_START} ... ${TABLE_END} markers: table not inserted`);
		return false;
	}
	fs.writeFileSync(file, text.slice(0, from) + docBlock(results, details) + text.slice(to + TABLE_END.length));
	log(`${name} table updated`);
	return true;
}

async function main() {
	const args = parseArgs();
	const quick = Boolean(args.quick);
	const only = args.only ? String(args.only).split(',').map((name) => name.trim()) : FIGURES;
	const unknown = only.filter((name) => !FIGURES.includes(name));
	if (unknown.length) throw new Error(`Unknown figure(s) ${unknown.join(', ')}; known: ${FIGURES.join(', ')}`);
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'Vishwa', 'Vishwa.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (the benchmarks load the built package)');
	}
	const out = path.resolve(args.out || path.join(__dirname, quick ? 'results.quick.json' : 'results.json'));
	const startedAt = new Date();
	const load = os.loadavg()[0];

	const figures = {};
	const details = {};
	const failed = [];
	for (const name of only) {
		const result = await runFigure(name, quick);
		if (result.error) {
			failed.push(name);
			details[name] = { error: result.error, seconds: result.seconds };
			continue;
		}
		for (const [key, value] of Object.entries(result.figures)) {
			if (typeof value === 'number' && Number.isFinite(value)) figures[key] = value;
		}
		details[name] = { ...result.details, seconds: result.seconds };
	}

	// --merge: the figures not measured now are kept from the results file, with the date of their run.
	let kept = {};
	let keptDetails = {};
	if (args.merge && fs.existsSync(out)) {
		const previous = JSON.parse(fs.readFileSync(out, 'utf8'));
		const detailsFile = out.replace(/\.json$/, '.details.json');
		keptDetails = fs.existsSync(detailsFile) ? JSON.parse(fs.readFileSync(detailsFile, 'utf8')) : {};
		const measuredKeys = new Set(Object.keys(figures));
		const { machine: previousMachine, versions: previousVersions, ...previousFigures } = previous;
		kept = Object.fromEntries(Object.entries(previousFigures).filter(([key]) => !measuredKeys.has(key)));
		for (const name of only) delete keptDetails[name];
		kept.machine = {
			figuresMeasured: only,
			otherFiguresFrom: previousMachine?.otherFiguresFrom ?? previousMachine?.date,
			otherFiguresCommit: previousMachine?.otherFiguresCommit ?? previousVersions?.commit,
		};
	}
	const results = {
		...kept,
		...figures,
		machine: {
			...kept.machine,
			...machine(),
			loadAverage1m: Number(load.toFixed(2)),
			date: startedAt.toISOString(),
			mode: quick ? 'quick' : 'full',
			seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
		},
		versions: versions(),
	};
	fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
	Object.assign(details, { ...keptDetails, ...details });
	fs.writeFileSync(out.replace(/\.json$/, '.details.json'), `${JSON.stringify(details, null, 2)}\n`);
	const table = renderTable(results, details);
	process.stdout.write(`\n${table}\n\nFigures written to ${path.relative(process.cwd(), out) || out}\n`);
	if (args['update-docs'] || args['update-readme']) {
		if (quick) log('--update-docs ignored for a quick run');
		else updateDoc(results, details);
	}
	if (failed.length) {
		log(`could not measure: ${failed.join(', ')}`);
		process.exitCode = 1;
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`bench: ${error.message}`);
		process.exit(1);
	});
}

module.exports = { updateDoc, PERFORMANCE_DOC };
