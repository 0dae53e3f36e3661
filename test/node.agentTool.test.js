'use strict';
// The Vishwa node as an AI agent's tool, through n8n-core's own tool path. In getInputConnectionData,
// a connected node without supplyData whose outputs include ai_tool becomes a LangChain tool
// (createNodeAsTool): its name from the node's name, its description from the Tool Description or,
// when set automatically, from the operation's `action`, its input schema from the $fromAI() calls
// in its parameters; calling it (makeHandleToolInvocation) runs the node with one item holding the
// agent's arguments and returns the output items as JSON, or throws what the agent then reads.
//
// The tool variant of the node type is made by n8n's CLI package (convertNodeToAiTool, not part of
// n8n-core): `toolVariant` below does what it does to the type (name + "Tool", no inputs, one
// ai_tool output). e2e/lib/mcp.js proves the real variant in a real n8n, through its MCP Server Trigger.
const fs = require('fs');
const path = require('path');
const { createHarness, TYPES, PACKAGE_ROOT } = require('./harness');
const { startStandin } = require('./standin/server');

const API_KEY = 'agent-tool-key-51c2e9';
const TOOL_TYPE = `${TYPES.vishwa}Tool`;
const CALLER_TYPE = 'test.toolCaller';
const EXAMPLE = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', 'mcp-server-tools.json'), 'utf8'));
const harness = createHarness();
let standin;
let vishwaType;

/**
 * The node type as n8n's convertNodeToAiTool (n8n 2.41.1, dist/tool-generation/ai-tools.js) reshapes
 * it, with the two properties it adds: without them n8n drops descriptionType/toolDescription from
 * the node's parameters when it loads the workflow, like any parameter its type does not declare.
 */
function toolVariant(nodeType) {
	const description = {
		...nodeType.description,
		name: `${nodeType.description.name}Tool`,
		displayName: `${nodeType.description.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
		properties: [
			{
				displayName: 'Tool Description',
				name: 'descriptionType',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Set Automatically', value: 'auto' },
					{ name: 'Set Manually', value: 'manual' },
				],
				default: 'auto',
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: nodeType.description.description,
				required: true,
				displayOptions: { show: { descriptionType: ['manual'] } },
			},
			...nodeType.description.properties,
		],
	};
	delete description.usableAsTool;
	return Object.assign(Object.create(Object.getPrototypeOf(nodeType)), nodeType, { description });
}

/** What an agent (or n8n's MCP Server Trigger) does: get the connected tools, list them, call them. */
const toolCaller = {
	description: {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Tool Caller' },
		inputs: ['main', 'ai_tool'],
		outputs: ['main'],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	},
	async execute() {
		const connected = await this.getInputConnectionData('ai_tool', 0);
		const tools = Array.isArray(connected) ? connected : [connected];
		const out = tools.map((tool) => ({
			json: {
				listed: tool.name,
				description: tool.description,
				schema: Object.fromEntries(
					Object.entries(tool.schema.shape).map(([key, field]) => [
						key,
						{ type: field._def.typeName, description: field.description },
					]),
				),
			},
		}));
		for (const { tool: name, args } of JSON.parse(this.getNodeParameter('calls', 0))) {
			const tool = tools.find((candidate) => candidate.name === name);
			try {
				out.push({ json: { called: name, result: JSON.parse(await tool.invoke(args)) } });
			} catch (error) {
				out.push({ json: { called: name, error: error.message } });
			}
		}
		return [out];
	},
};

beforeAll(async () => {
	standin = await startStandin({ apiKey: API_KEY });
	const { nodeTypes } = await harness.load();
	vishwaType = nodeTypes[TYPES.vishwa];
	nodeTypes[TOOL_TYPE] = toolVariant(vishwaType);
	nodeTypes[CALLER_TYPE] = toolCaller;
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

/** Manual Trigger -> Tool Caller, with `tools` (Vishwa tool nodes) connected to it as ai_tool. */
function callTools(tools, calls) {
	const caller = { id: 'caller', name: 'Tool Caller', type: CALLER_TYPE, typeVersion: 1, position: [220, 0], parameters: { calls: JSON.stringify(calls) } };
	const trigger = { id: 'trigger', name: 'Manual Trigger', type: TYPES.manualTrigger, typeVersion: 1, position: [0, 0], parameters: {} };
	const connections = { 'Manual Trigger': { main: [[{ node: caller.name, type: 'main', index: 0 }]] } };
	for (const tool of tools) connections[tool.name] = { ai_tool: [[{ node: caller.name, type: 'ai_tool', index: 0 }]] };
	return harness.runWorkflow(
		{ name: 'agent tools', nodes: [trigger, caller, ...tools], connections },
		{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } } },
	);
}

const exampleTool = (name) => {
	const node = EXAMPLE.nodes.find((candidate) => candidate.name === name);
	return { ...node, parameters: { ...node.parameters, waitOptions: { pollInterval: 0.2, maxWait: 60 } } };
};
const flowTool = () => exampleTool('Run Research Flow');
const statusTool = () => exampleTool('Get Research Run Status');

test('the example tools: names, descriptions and input schemas the agent sees', async () => {
	const result = await callTools([flowTool(), statusTool()], []);
	expect(result.status).toBe('success');
	const listed = result.json('Tool Caller').sort((a, b) => b.listed.localeCompare(a.listed));
	expect(listed).toEqual([
		{
			listed: 'Run_Research_Flow',
			description: flowTool().parameters.toolDescription,
			schema: {
				topic: { type: 'ZodString', description: 'The subject to research, in a few words' },
				max_words: { type: 'ZodNumber', description: 'Upper limit for the length of the summary, in words' },
			},
		},
		{
			listed: 'Get_Research_Run_Status',
			// "Set Automatically": n8n writes "<action> in <node's default name>".
			description: 'Get the status and result of a flow run in Vishwa',
			schema: {
				run_id: { type: 'ZodString', description: 'The run_id of a run of the research flow, as Run_Research_Flow returned it' },
			},
		},
	]);
	expect(standin.state.requests).toHaveLength(0); // listing tools calls nothing
});

test('a call starts exactly one run with the agent\'s typed inputs and returns the finished run', async () => {
	const result = await callTools(
		[flowTool(), statusTool()],
		[{ tool: 'Run_Research_Flow', args: { topic: 'tidal power', max_words: 80 } }],
	);
	expect(result.status).toBe('success');
	const runs = standin.state.runsOf('flow-ok');
	expect(runs).toHaveLength(1);
	expect(runs[0].inputs).toEqual({ topic: 'tidal power', max_words: 80 });
	const [call] = result.json('Tool Caller').filter((item) => item.called);
	expect(call.result).toHaveLength(1);
	expect(call.result[0]).toMatchObject({
		run_id: runs[0].run_id,
		run_status: 'completed',
		outputs: { topic: 'tidal power', max_words: 80 },
	});
});

test('Get Status answers for a run id the agent holds; a failing run is an error the agent reads', async () => {
	const done = standin.state.createRun({ flowId: 'flow-ok', durationMs: 0, outcome: 'succeeded', inputs: { topic: 'x' } });
	standin.state.setFlow({ id: 'flow-ok', durationMs: 100, outcome: 'failed' });
	const result = await callTools(
		[flowTool(), statusTool()],
		[
			{ tool: 'Get_Research_Run_Status', args: { run_id: done.run_id } },
			{ tool: 'Run_Research_Flow', args: { topic: 'doomed', max_words: 5 } },
		],
	);
	expect(result.status).toBe('success');
	const [status, failed] = result.json('Tool Caller').filter((item) => item.called);
	expect(status.result[0]).toMatchObject({ run_id: done.run_id, run_status: 'completed' });
	const started = standin.state.runsOf('flow-ok').filter((run) => run.createdBy === 'api');
	expect(started).toHaveLength(1);
	expect(failed.error).toContain(`Run "${started[0].run_id}" of flow "flow-ok" failed (status "failed")`);
	expect(failed.error).toContain('Vishwa said: Flow failed (stand-in)');
});

test('a wrong key is a clear error without the key', async () => {
	const result = await harness.runWorkflow(
		{
			name: 'wrong key',
			nodes: [
				{ id: 't', name: 'Manual Trigger', type: TYPES.manualTrigger, typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'c', name: 'Tool Caller', type: CALLER_TYPE, typeVersion: 1, position: [220, 0], parameters: { calls: JSON.stringify([{ tool: 'Run_Research_Flow', args: { topic: 'a', max_words: 1 } }]) } },
				flowTool(),
			],
			connections: {
				'Manual Trigger': { main: [[{ node: 'Tool Caller', type: 'main', index: 0 }]] },
				'Run Research Flow': { ai_tool: [[{ node: 'Tool Caller', type: 'ai_tool', index: 0 }]] },
			},
		},
		{ credentials: { vishwaApi: { apiKey: 'wrong-agent-key-0c9d', baseUrl: standin.url } } },
	);
	const [call] = result.json('Tool Caller').filter((item) => item.called);
	expect(call.error).toMatch(/^The Vishwa API key was refused \(HTTP 401\)/);
	expect(call.error).not.toContain('wrong-agent-key-0c9d');
	expect(standin.state.runs).toHaveLength(0);
});

test('Upload and Attach Files need files an agent cannot pass: refused before any request', async () => {
	const upload = { id: 'u', name: 'Upload File', type: TOOL_TYPE, typeVersion: 1, position: [0, 200], parameters: { resource: 'asset', operation: 'upload', binaryProperties: 'data', options: {} }, credentials: flowTool().credentials };
	const attach = {
		...flowTool(),
		id: 'a',
		name: 'Research With File',
		parameters: { ...flowTool().parameters, attachFiles: true, attachments: { file: [{ binaryProperty: 'data', input: 'document' }] } },
	};
	const result = await callTools([upload, attach], [
		{ tool: 'Upload_File', args: {} },
		{ tool: 'Research_With_File', args: { topic: 'a', max_words: 1 } },
	]);
	const [up, att] = result.json('Tool Caller').filter((item) => item.called);
	expect(up.error).toMatch(/^Asset > Upload cannot be used by an AI agent: an agent passes text arguments, never files/);
	expect(att.error).toMatch(/^Run > Start with Attach Files cannot be used by an AI agent/);
	expect(standin.state.requests).toHaveLength(0);
});

test('control: the same Upload as a regular node is not refused (it reads the item\'s binary data)', async () => {
	const result = await harness.runWorkflow(
		{
			name: 'upload',
			nodes: [
				{ id: 't', name: 'Manual Trigger', type: TYPES.manualTrigger, typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'i', name: 'Items', type: TYPES.items, typeVersion: 1, position: [220, 0], parameters: { items: '[{}]', files: JSON.stringify([{ data: { fileName: 'a.txt', mimeType: 'text/plain', text: 'hello' } }]) } },
				{ id: 'u', name: 'Upload', type: TYPES.vishwa, typeVersion: 1, position: [440, 0], parameters: { resource: 'asset', operation: 'upload', binaryProperties: 'data', options: {} }, credentials: flowTool().credentials },
			],
			connections: {
				'Manual Trigger': { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
				Items: { main: [[{ node: 'Upload', type: 'main', index: 0 }]] },
			},
		},
		{ credentials: { vishwaApi: { apiKey: API_KEY, baseUrl: standin.url } } },
	);
	expect(result.status).toBe('success');
	expect(result.json('Upload')[0].files[0].file_name).toBe('a.txt');
});

test('the tool variant hides Asset in the editor (n8n evaluates "@tool" from the type name); the regular node shows it', () => {
	const { NodeHelpers } = require('n8n-workflow');
	const resource = vishwaType.description.properties.find((property) => property.name === 'resource');
	const asset = resource.options.find((option) => option.value === 'asset');
	const node = { typeVersion: 1, parameters: {} };
	expect(NodeHelpers.displayParameter({}, asset, node, vishwaType.description)).toBe(true);
	expect(NodeHelpers.displayParameter({}, asset, node, toolVariant(vishwaType).description)).toBe(false);
	// Attach Files stays visible (refused when run instead): n8n drops hidden parameters on load,
	// so hiding it would start runs without their files.
	const attachFiles = vishwaType.description.properties.find((property) => property.name === 'attachFiles');
	const params = { resource: 'run', operation: 'start' };
	expect(NodeHelpers.displayParameter(params, attachFiles, node, toolVariant(vishwaType).description)).toBe(true);
});

test('with On Error: Continue, a failed run is an ordinary tool result carrying the error', async () => {
	standin.state.setFlow({ id: 'flow-ok', durationMs: 50, outcome: 'failed' });
	const result = await callTools(
		[{ ...flowTool(), onError: 'continueRegularOutput' }],
		[{ tool: 'Run_Research_Flow', args: { topic: 'doomed', max_words: 5 } }],
	);
	const [call] = result.json('Tool Caller').filter((item) => item.called);
	expect(call.error).toBeUndefined();
	expect(call.result).toHaveLength(1);
	expect(call.result[0].error).toMatch(/^Run "run_\d+" of flow "flow-ok" failed \(status "failed"\)/);
});

test('Retry On Fail on a Start tool: n8n calls it again, and the retry starts no second run (issue 13 memory)', async () => {
	standin.state.setFlow({ id: 'flow-ok', durationMs: 50, outcome: 'failed' });
	const result = await callTools(
		[{ ...flowTool(), retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }],
		[{ tool: 'Run_Research_Flow', args: { topic: 'doomed', max_words: 5 } }],
	);
	const [call] = result.json('Tool Caller').filter((item) => item.called);
	expect(call.error).toContain('failed (status "failed")');
	expect(standin.state.runsOf('flow-ok')).toHaveLength(1);
});
