'use strict';
/**
 * Prints the reliability figures of the whole run after Jest's own summary: faults the stand-in
 * injected (and whether the files that injected them passed), runs double-started, trigger events
 * lost or duplicated, secrets leaked. The figures come from the per-file JSON that secretScan.js
 * writes.
 */
const fs = require('fs');
const path = require('path');
const os = require('os');
const summaryPaths = require('./summaryPaths');

class SummaryReporter {
	constructor() {
		// Before any test worker starts: workers inherit the variable, in-band files read it.
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-vishwa-test-summary-'));
		process.env[summaryPaths.ENV_NAME] = this.dir;
	}

	onRunComplete(_contexts, results) {
		const passedFiles = new Set(
			results.testResults.filter((r) => r.numFailingTests === 0 && !r.testExecError).map((r) => r.testFilePath),
		);
		let files = [];
		try {
			files = fs.readdirSync(this.dir).map((name) => JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')));
		} catch {
			files = [];
		}
		// A file Jest did not name is judged by the whole run.
		const allPassed = results.numFailedTests === 0 && results.numRuntimeErrorTestSuites === 0;
		const handled = (f) => passedFiles.has(f.file) || (f.file === 'unknown' && allPassed);
		const total = (key, filter = () => true) => files.filter(filter).reduce((sum, f) => sum + (f[key] || 0), 0);
		const line = [
			`faults tried ${total('faultsServed')}`,
			`handled ${total('faultsServed', handled)}`,
			`runs double-started ${total('runsDoubleStarted')}`,
			`trigger runs checked ${total('triggerRunsChecked')}`,
			`events lost ${total('eventsLost')}`,
			`events duplicated ${total('eventsDuplicated')}`,
			`secrets leaked ${total('secretsLeaked')} (${files.length} files, ${total('bytesScanned')} bytes scanned)`,
		].join(', ');
		process.stdout.write(`\nReliability summary: ${line}\n`);
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

module.exports = SummaryReporter;
