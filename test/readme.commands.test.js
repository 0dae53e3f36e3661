'use strict';
// The README's copy-paste commands that make the stand-in start and finish a run "from outside" (for
// trying the trigger in the playground) are run as written, with bash and curl, against a stand-in on a
// free port (the README's 127.0.0.1:5680 swapped for it): they must do what the README says.
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');

const { startStandin } = require('./standin/server');

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
let standin;

beforeAll(async () => {
	standin = await startStandin({ apiKey: 'readme-commands-key' });
});
afterAll(async () => standin.close());

/** The first ```sh block after `heading` in the README. */
function shellBlockAfter(heading) {
	const from = README.indexOf(heading);
	expect(from).toBeGreaterThan(-1);
	const match = /```sh\n([\s\S]*?)```/.exec(README.slice(from));
	expect(match).not.toBeNull();
	return match[1];
}

/** bash, asynchronously: the stand-in runs in this process and must keep answering meanwhile. */
function bash(script) {
	return new Promise((resolve) => {
		execFile('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8' }, (error, stdout, stderr) =>
			resolve({ status: error ? error.code : 0, stdout, stderr }),
		);
	});
}

test('the trigger section\'s commands start one run that succeeds and one that is finished as failed', async () => {
	const script = shellBlockAfter('**Trying it in the playground.**');
	expect(script).toContain('http://127.0.0.1:5680/__control/runs');
	const run = await bash(script.replaceAll('http://127.0.0.1:5680', standin.url));
	expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
	const runs = standin.state.runsOf('flow-ok');
	expect(runs).toHaveLength(2);
	const [first, second] = [...runs].sort((a, b) => a.seq - b.seq);
	expect(first).toMatchObject({ createdBy: 'control', durationMs: 2000, outcome: 'succeeded' });
	expect(second).toMatchObject({ createdBy: 'control', finished: true, status: 'failed', finishedByControl: true });
	// What the trigger reads: both appear in the flow's run listing, the second already failed.
	const listed = standin.state.listPage('flow-ok', 10, 0).runs.map((r) => [r.run_id, r.run_status]);
	expect(listed).toContainEqual([second.run_id, 'failed']);
	expect(listed.map(([id]) => id)).toContain(first.run_id);
});
