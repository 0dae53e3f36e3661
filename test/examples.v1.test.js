'use strict';
// Workflows saved with Vishwa node version 1 keep working after version 1.1 (issue 16): the
// examples as they were then (test/fixtures/examples-v1, every Vishwa node typeVersion 1, ids as
// plain text) run unchanged through n8n's WorkflowExecute with the new build, against the stand-in.
//
// Their n8n core nodes (Set, Convert to File, If, Stop and Error, Schedule Trigger, Sticky Note)
// come from the real n8n-nodes-base of the shared n8n install when it is there
// (e2e/install-n8n.sh v2); without it, from small test-only stand-ins below that do what these
// workflows need of them, so the Vishwa nodes are checked on every machine either way.
const fs = require('fs');
const path = require('path');

const { findN8nNodesBase } = require('../bench/lib/common');
const { createHarness } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'examples-v1-test-key-3b7a';
const FIXTURES = path.join(__dirname, 'fixtures', 'examples-v1');
const harness = createHarness();
let standin;
let credentials;
let coreNodes = 'test-only stand-ins';

const BASE_NODE_FILES = {
	set: 'dist/nodes/Set/Set.node.js',
	convertToFile: 'dist/nodes/Files/ConvertToFile/ConvertToFile.node.js',
	if: 'dist/nodes/If/If.node.js',
	stopAndError: 'dist/nodes/StopAndError/StopAndError.node.js',
	scheduleTrigger: 'dist/nodes/Schedule/ScheduleTrigger.node.js',
	stickyNote: 'dist/nodes/StickyNote/StickyNote.node.js',
	manualTrigger: 'dist/nodes/ManualTrigger/ManualTrigger.node.js',
};

function loadFixture(file) {
	return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
}

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY, flows: [{ id: 'flow-followup', durationMs: 0 }] });
	credentials = { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } };
	const { nodeTypes } = await harness.load();
	const nodesBase = findN8nNodesBase();
	const files = nodesBase && Object.values(BASE_NODE_FILES).filter((file) => fs.existsSync(path.join(nodesBase, file)));
	if (nodesBase && files.length === Object.keys(BASE_NODE_FILES).length) {
		await harness.registerPackageNodes(nodesBase, files);
		coreNodes = `n8n-nodes-base from ${nodesBase}`;
	} else {
		Object.assign(nodeTypes, testOnlyCoreNodes());
	}
	console.log(`examples.v1.test.js: core nodes are ${coreNodes}`);
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

test('the fixtures are version 1 workflows with text ids, one for every example of that time', () => {
	const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
	expect(files.sort()).toEqual([
		'attach-files-and-wait.json',
		'scheduled-pipeline.json',
		'trigger-to-downstream.json',
		'upload-then-start-and-wait.json',
	]);
	for (const file of files) {
		const vishwaNodes = loadFixture(file).nodes.filter((node) => node.type.startsWith('n8n-nodes-vishwa.'));
		expect(vishwaNodes.length).toBeGreaterThan(0);
		for (const node of vishwaNodes) {
			expect(node.typeVersion).toBe(1);
			for (const id of ['flowId', 'runId']) {
				if (id in node.parameters) expect(typeof node.parameters[id]).toBe('string');
			}
		}
	}
});

test('upload-then-start-and-wait.json: uploads the file, starts flow-ok with its reference, waits', async () => {
	const result = await harness.runWorkflow(loadFixture('upload-then-start-and-wait.json'), { credentials });
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	const [upload] = result.json('Upload Notes');
	const fileId = upload.files[0].file_id;
	const [final] = result.json('Start Run and Wait');
	expect(final.run_status).toBe('completed');
	const run = standin.state.getRun(final.run_id);
	expect(run.flowId).toBe('flow-ok');
	expect(run.inputs.question).toBe('Summarise the attached notes');
	expect(JSON.stringify(run.inputs)).toContain(fileId);
	expect(standin.state.files.map((f) => f.file_id)).toEqual([fileId]);
});

test('attach-files-and-wait.json: one start-run with the attached report, then its final status', async () => {
	const result = await harness.runWorkflow(loadFixture('attach-files-and-wait.json'), { credentials });
	expect(result.error).toBeUndefined();
	const [final] = result.json('Start Run with Report');
	expect(final.run_status).toBe('completed');
	const runs = standin.state.runsOf('flow-ok');
	expect(runs).toHaveLength(1);
	expect(runs[0].inputs.question).toBe('What changed this quarter?');
	expect(standin.state.files).toHaveLength(1);
	expect(JSON.stringify(runs[0].inputs)).toContain(standin.state.files[0].file_id);
});

test('scheduled-pipeline.json: starts and waits, the If sends the finished run to Use Outputs', async () => {
	const result = await harness.runWorkflow(loadFixture('scheduled-pipeline.json'), { credentials });
	expect(result.error).toBeUndefined();
	const [final] = result.json('Start Run and Wait');
	expect(final.run_status).toBe('completed');
	expect(result.json('Use Outputs')).toEqual([{ run_id: final.run_id, outputs: final.outputs }]);
	expect(result.nodeError('Report Failed Run')).toBeUndefined();
	expect(standin.state.runsOf('flow-ok')[0].inputs.source).toBe('n8n schedule');
});

test('trigger-to-downstream.json: the trigger (Fetch Test Event) emits the finished run, the follow-up starts', async () => {
	const finished = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0, outcome: 'succeeded' });
	const result = await harness.runWorkflow(loadFixture('trigger-to-downstream.json'), { credentials });
	expect(result.error).toBeUndefined();
	const [emitted] = result.json('When a Run Finishes');
	expect(emitted.run_id).toBe(finished.run_id);
	const [followUp] = result.json('Start Follow-up Run');
	const run = standin.state.getRun(followUp.run_id);
	expect(run.flowId).toBe('flow-followup');
	expect(run.inputs).toMatchObject({ previous_run_id: finished.run_id, previous_status: 'completed' });
});

/**
 * Stand-ins for the n8n core nodes these workflows use, doing what the workflows ask of them: Set's
 * manual assignments, Convert to File's "to text", If (through n8n's own filter evaluation: the
 * parameter is declared as a filter and read with extractValue), Stop and Error, a Schedule Trigger
 * that fires once, and a Sticky Note that does nothing.
 */
function testOnlyCoreNodes() {
	const { NodeConnectionTypes, NodeOperationError } = require('n8n-workflow');
	const main = [NodeConnectionTypes.Main];
	const node = (name, description, execute) => ({
		description: {
			displayName: name,
			name,
			group: ['transform'],
			version: description.version || [1],
			defaults: { name },
			inputs: main,
			outputs: main,
			...description,
		},
		execute,
	});
	const perItem = (fn) =>
		async function () {
			return [this.getInputData().map((item, i) => ({ ...fn.call(this, item, i), pairedItem: { item: i } }))];
		};
	return {
		'n8n-nodes-base.set': node(
			'set',
			{ version: [3.4], properties: [{ displayName: 'Assignments', name: 'assignments', type: 'json', default: {} }] },
			perItem(function (_item, i) {
				const json = {};
				for (const a of this.getNodeParameter('assignments.assignments', i, [])) json[a.name] = a.value;
				return { json };
			}),
		),
		'n8n-nodes-base.convertToFile': node(
			'convertToFile',
			{
				version: [1.1],
				properties: [
					{ displayName: 'Source', name: 'sourceProperty', type: 'string', default: '' },
					{ displayName: 'Binary', name: 'binaryPropertyName', type: 'string', default: 'data' },
					{ displayName: 'Options', name: 'options', type: 'json', default: {} },
				],
			},
			async function () {
				const items = this.getInputData();
				const out = [];
				for (let i = 0; i < items.length; i++) {
					const text = String(items[i].json[this.getNodeParameter('sourceProperty', i)]);
					const fileName = this.getNodeParameter('options', i, {}).fileName;
					const binary = await this.helpers.prepareBinaryData(Buffer.from(text, 'utf8'), fileName, 'text/plain');
					out.push({ json: {}, binary: { [this.getNodeParameter('binaryPropertyName', i)]: binary }, pairedItem: { item: i } });
				}
				return [out];
			},
		),
		'n8n-nodes-base.if': node(
			'if',
			{
				version: [2.2],
				outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
				properties: [{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {} }],
			},
			async function () {
				const yes = [];
				const no = [];
				this.getInputData().forEach((item, i) => {
					const pass = this.getNodeParameter('conditions', i, false, { extractValue: true });
					(pass ? yes : no).push({ ...item, pairedItem: { item: i } });
				});
				return [yes, no];
			},
		),
		'n8n-nodes-base.stopAndError': node(
			'stopAndError',
			{ properties: [{ displayName: 'Error Message', name: 'errorMessage', type: 'string', default: '' }] },
			async function () {
				throw new NodeOperationError(this.getNode(), this.getNodeParameter('errorMessage', 0));
			},
		),
		// A trigger (so n8n starts the workflow from it) that fires once when run by hand.
		'n8n-nodes-base.scheduleTrigger': {
			description: {
				displayName: 'Schedule Trigger',
				name: 'scheduleTrigger',
				group: ['trigger', 'schedule'],
				version: [1.2],
				defaults: { name: 'Schedule Trigger' },
				inputs: [],
				outputs: main,
				properties: [{ displayName: 'Rule', name: 'rule', type: 'json', default: {} }],
			},
			async trigger() {
				const fire = () => this.emit([[{ json: { timestamp: new Date().toISOString() } }]]);
				return this.getMode() === 'manual' ? { manualTriggerFunction: async () => fire() } : {};
			},
		},
		'n8n-nodes-base.stickyNote': {
			description: {
				displayName: 'Sticky Note',
				name: 'stickyNote',
				group: ['input'],
				version: [1],
				defaults: { name: 'Sticky Note' },
				inputs: [],
				outputs: [],
				properties: [
					{ displayName: 'Content', name: 'content', type: 'string', default: '' },
					{ displayName: 'Width', name: 'width', type: 'number', default: 0 },
					{ displayName: 'Height', name: 'height', type: 'number', default: 0 },
				],
			},
		},
	};
}

