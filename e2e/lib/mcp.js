'use strict';
// The Vishwa node as AI-agent tools in a real n8n, proven without a language model: n8n's MCP Server
// Trigger exposes the tools connected to it over HTTP, and the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk, a dev dependency) plays the agent's side: it lists the tools (name,
// description, input schema as n8n derives them from the tool variant of the node and its
// $fromAI() calls) and calls them, while the stand-in records what reached "Vishwa".
//
// One workflow (imported by e2e/run.js, activated before `n8n start`; one activation costs an n8n
// process start, 10-20 s) with two MCP Server Triggers:
//   - examples/mcp-server-tools.json on a flow of its own (flow-e2e-mcp) and its own MCP path;
//     everything else as shipped;
//   - on a second path, what must come back to the agent as a readable tool error, before or
//     instead of any run: a credential with a wrong key, Asset > Upload, Run > Start with Attach Files.
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const EXAMPLE_FILE = 'mcp-server-tools.json';
const WORKFLOW_ID = 'e2e-mcp-tools';
const LIVE_PATH = 'e2e-vishwa-research';
const FENCES_PATH = 'e2e-vishwa-fences';
const FLOW = 'flow-e2e-mcp';
const WRONG_KEY_FLOW = 'flow-e2e-mcp-wrong-key';
const FENCE_FLOW = 'flow-e2e-mcp-fence';
const WRONG_KEY_CREDENTIAL = { id: 'vishwa-wrong-key', name: 'Vishwa API (wrong key)' };
const TOOL_TYPE = 'n8n-nodes-vishwa.vishwaTool';
const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
/** A tool call waits for the run (300 ms on the stand-in) plus n8n's own work; generous for loaded machines. */
const CALL_TIMEOUT_MS = 180000;

const clone = (x) => JSON.parse(JSON.stringify(x));
/** Flow ID is a text field in node version 1 and a resource locator ({ __rl, mode, value }) from 1.1. */
const withValue = (current, id) => (current && typeof current === 'object' && current.__rl ? { ...current, value: id } : id);
const setFlowId = (node, flowId) => {
  node.parameters.flowId = withValue(node.parameters.flowId, flowId);
};

/** The credential with a wrong key (same stand-in): what a user with a stale key has. */
function wrongKeyCredential(standin, wrongKey) {
  return { ...WRONG_KEY_CREDENTIAL, type: 'vishwaApi', data: { apiKey: wrongKey, baseUrl: standin.url } };
}

/** The MCP example on its own flow and path, plus the fence tools on a second MCP Server Trigger. */
function mcpWorkflow(example) {
  const wf = clone(example);
  wf.id = WORKFLOW_ID;
  wf.name = `${wf.name} (e2e, with fences)`;
  wf.nodes.find((node) => node.type === MCP_TRIGGER_TYPE).parameters.path = LIVE_PATH;
  for (const node of wf.nodes) if (node.type === TOOL_TYPE) setFlowId(node, FLOW);
  // n8n's webhook table is keyed by the webhook id too: the e2e copy must not share the example's.
  wf.nodes.find((node) => node.type === MCP_TRIGGER_TYPE).webhookId = 'e2e00000-0000-4000-8000-0000000000aa';
  const fences = fencesPart(example);
  wf.nodes.push(...fences.nodes);
  Object.assign(wf.connections, fences.connections);
  return wf;
}

/** Tools that must fail as tools (readable error, nothing started), built like the example's. */
function fencesPart(example) {
  const base = clone(example);
  const trigger = base.nodes.find((node) => node.type === MCP_TRIGGER_TYPE);
  const flowTool = base.nodes.find((node) => node.type === TOOL_TYPE && node.parameters.operation === 'start');
  const standinCred = flowTool.credentials;
  const node = (n, name, parameters, credentials = standinCred) => ({
    id: `e2e00000-0000-4000-8000-0000000001${n}`,
    name,
    type: TOOL_TYPE,
    typeVersion: flowTool.typeVersion,
    position: [n * 200, 220],
    parameters,
    credentials,
  });
  const topic = "={{ $fromAI('topic', 'The subject to research, in a few words', 'string') }}";
  const nodes = [
    { ...trigger, id: 'e2e00000-0000-4000-8000-000000000100', name: 'Fences MCP Server Trigger', position: [1000, 0], webhookId: 'e2e00000-0000-4000-8000-0000000000bb', parameters: { ...trigger.parameters, path: FENCES_PATH } },
    node(11, 'Research With Wrong Key', {
      ...clone(flowTool.parameters),
      flowId: withValue(flowTool.parameters.flowId, WRONG_KEY_FLOW),
      inputFields: { input: [{ name: 'topic', value: topic, type: 'text' }] },
    }, { vishwaApi: { id: WRONG_KEY_CREDENTIAL.id, name: WRONG_KEY_CREDENTIAL.name } }),
    node(12, 'Upload File', { descriptionType: 'auto', resource: 'asset', operation: 'upload', binaryProperties: 'data', temp: false, options: {} }),
    node(13, 'Research With Attached File', {
      ...clone(flowTool.parameters),
      flowId: withValue(flowTool.parameters.flowId, FENCE_FLOW),
      inputFields: { input: [{ name: 'topic', value: topic, type: 'text' }] },
      attachFiles: true,
      attachments: { file: [{ binaryProperty: 'data', input: 'document' }] },
    }),
  ];
  const toTrigger = { ai_tool: [[{ node: nodes[0].name, type: 'ai_tool', index: 0 }]] };
  return { nodes, connections: Object.fromEntries(nodes.slice(1).map((n) => [n.name, toTrigger])) };
}

/** A request that carried the wrong key on purpose (the e2e's key check leaves these out). */
function isWrongKeyRequest(q) {
  return q.path.startsWith(`/v1/workflow/${WRONG_KEY_FLOW}/`) && q.status === 401;
}

async function connect(baseUrl, path) {
  const client = new Client({ name: 'n8n-nodes-vishwa-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/${path}`)));
  return client;
}

/** A tool result's text (n8n returns one text part: JSON for data, "<ErrorName>: <message>" for errors). */
function resultText(result) {
  const parts = (result && result.content) || [];
  return parts.filter((p) => p.type === 'text').map((p) => p.text).join('\n');
}

/** The tool's output items: n8n returns the node's output JSON items as one JSON array. */
function resultItems(result) {
  const parsed = JSON.parse(resultText(result));
  return Array.isArray(parsed) ? parsed : [parsed];
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The MCP cases, under a running `n8n start` with both workflows active. `runCase(name, fn)` and
 * `check(cond, message, n8nOutput)` come from e2e/run.js.
 */
async function mcpCases({ runCase, check, standin, baseUrl, srvOutput, example, wrongKey }) {
  const { state } = standin;
  state.setFlow({ id: FLOW, durationMs: 300 });
  state.setFlow({ id: WRONG_KEY_FLOW, durationMs: 300 });
  state.setFlow({ id: FENCE_FLOW, durationMs: 300 });
  const flowTool = example.nodes.find((node) => node.type === TOOL_TYPE && node.parameters.operation === 'start');
  let client = null;
  let fences = null;
  let started = null; // the run the agent started, for Get Status
  const call = (c, name, args) => c.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });

  try {
    const listed = await runCase('MCP: an MCP client lists the Vishwa tools (name, description, input schema)', async () => {
      client = await connect(baseUrl, LIVE_PATH);
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name).sort();
      check(sameJson(names, ['Get_Research_Run_Status', 'Run_Research_Flow']), `tools ${JSON.stringify(names)}`, srvOutput());
      const run = tools.find((t) => t.name === 'Run_Research_Flow');
      check(run.description === flowTool.parameters.toolDescription, `Run_Research_Flow description ${JSON.stringify(run.description)}`);
      const props = run.inputSchema.properties || {};
      check(run.inputSchema.type === 'object' && sameJson(Object.keys(props).sort(), ['max_words', 'topic'])
        && props.topic.type === 'string' && props.topic.description === 'The subject to research, in a few words'
        && props.max_words.type === 'number' && props.max_words.description === 'Upper limit for the length of the summary, in words'
        && sameJson([...(run.inputSchema.required || [])].sort(), ['max_words', 'topic']),
      `Run_Research_Flow input schema ${JSON.stringify(run.inputSchema)}`);
      const status = tools.find((t) => t.name === 'Get_Research_Run_Status');
      // "Set Automatically": n8n builds it from the operation's `action` and the node's default name.
      check(status.description === 'Get the status and result of a flow run in Vishwa', `Get_Research_Run_Status description ${JSON.stringify(status.description)}`);
      const sp = status.inputSchema.properties || {};
      check(sameJson(Object.keys(sp), ['run_id']) && sp.run_id.type === 'string' && /run_id of a run of the research flow/.test(sp.run_id.description)
        && sameJson(status.inputSchema.required, ['run_id']), `Get_Research_Run_Status input schema ${JSON.stringify(status.inputSchema)}`);
      return `${names.join(', ')}; Run_Research_Flow takes ${Object.keys(props).map((k) => `${k}: ${props[k].type}`).join(', ')}`;
    });
    if (!listed) return;

    await runCase('MCP: calling the flow tool starts exactly one run with the agent\'s inputs and returns its finished status and outputs', async () => {
      const before = state.runsOf(FLOW).length;
      const result = await call(client, 'Run_Research_Flow', { topic: 'solar sails', max_words: 120 });
      check(!result.isError, `tool error: ${resultText(result)}`, srvOutput());
      const items = resultItems(result);
      const runs = state.runsOf(FLOW).slice(before);
      check(runs.length === 1, `${runs.length} runs of ${FLOW} started by one tool call`, srvOutput());
      // max_words arrives as a number: the $fromAI type survives the input's "Text" type (an expression keeps its type).
      check(sameJson(runs[0].inputs, { topic: 'solar sails', max_words: 120 }), `the run's inputs ${JSON.stringify(runs[0].inputs)}`);
      check(items.length === 1 && items[0].run_id === runs[0].run_id && items[0].run_status === 'completed'
        && sameJson(items[0].outputs, { topic: 'solar sails', max_words: 120 }), `tool result ${resultText(result)}`);
      started = items[0];
      return `${started.run_id} ${started.run_status}, outputs ${JSON.stringify(started.outputs)}`;
    });

    if (started) await runCase('MCP: the Get Status tool answers for a run id the agent holds', async () => {
      const seqBefore = state.requests.length ? state.requests[state.requests.length - 1].seq : 0;
      const result = await call(client, 'Get_Research_Run_Status', { run_id: started.run_id });
      check(!result.isError, `tool error: ${resultText(result)}`, srvOutput());
      const items = resultItems(result);
      check(items.length === 1 && items[0].run_id === started.run_id && items[0].run_status === 'completed'
        && sameJson(items[0].outputs, started.outputs), `tool result ${resultText(result)}`);
      // Only this flow's requests: the scheduled pipeline's runs keep the stand-in busy meanwhile.
      const asked = state.requests.filter((q) => q.seq > seqBefore && q.path.startsWith(`/v1/workflow/${FLOW}/`));
      check(asked.length === 1 && asked[0].route === 'status' && asked[0].path === `/v1/workflow/${FLOW}/run/${started.run_id}/status`,
        `stand-in saw ${JSON.stringify(asked.map((q) => `${q.method} ${q.path}`))}`);
      return `${items[0].run_id} ${items[0].run_status}`;
    });

    await runCase('MCP: a failing run comes back to the agent as a readable tool error', async () => {
      const before = state.runsOf(FLOW).length;
      state.setFlow({ id: FLOW, durationMs: 300, outcome: 'failed' });
      let result;
      try {
        result = await call(client, 'Run_Research_Flow', { topic: 'a doomed topic', max_words: 10 });
      } finally {
        state.setFlow({ id: FLOW, durationMs: 300, outcome: 'succeeded' });
      }
      const runs = state.runsOf(FLOW).slice(before);
      check(runs.length === 1, `${runs.length} runs started`, srvOutput());
      const text = resultText(result);
      check(result.isError === true, `expected isError, got ${JSON.stringify(result)}`, srvOutput());
      check(text.includes(`Run "${runs[0].run_id}" of flow "${FLOW}" failed (status "failed")`) && text.includes('Vishwa said: Flow failed (stand-in)'),
        `tool error text ${JSON.stringify(text)}`);
      // The MCP server is still serving: the next call works.
      const again = await call(client, 'Get_Research_Run_Status', { run_id: runs[0].run_id });
      check(!again.isError && resultItems(again)[0].run_status === 'failed', `Get Status after the failure: ${resultText(again)}`);
      return JSON.stringify(text.split('\n')[0]);
    });

    await runCase('MCP: a wrong API key is a clear tool error that never shows the key', async () => {
      fences = await connect(baseUrl, FENCES_PATH);
      const names = (await fences.listTools()).tools.map((t) => t.name).sort();
      check(sameJson(names, ['Research_With_Attached_File', 'Research_With_Wrong_Key', 'Upload_File']), `fence tools ${JSON.stringify(names)}`, srvOutput());
      const result = await call(fences, 'Research_With_Wrong_Key', { topic: 'anything' });
      const text = resultText(result);
      check(result.isError === true && /The Vishwa API key was refused \(HTTP 401\)/.test(text), `tool result ${JSON.stringify(result)}`, srvOutput());
      check(!text.includes(wrongKey) && !text.includes(standin.apiKey), 'the tool error shows an API key');
      check(!srvOutput().includes(wrongKey) && !srvOutput().includes(standin.apiKey), "n8n's log shows an API key");
      check(state.runsOf(WRONG_KEY_FLOW).length === 0, 'a run was started with a wrong key');
      return JSON.stringify(text.split('\n')[0]);
    });

    await runCase('MCP: Upload and Attach Files, which need files, are refused as tools before any request', async () => {
      if (!fences) fences = await connect(baseUrl, FENCES_PATH);
      const seqBefore = state.requests.length ? state.requests[state.requests.length - 1].seq : 0;
      const upload = await call(fences, 'Upload_File', {});
      const attach = await call(fences, 'Research_With_Attached_File', { topic: 'with a file' });
      check(upload.isError === true && resultText(upload).includes('Asset > Upload cannot be used by an AI agent'), `Upload_File: ${JSON.stringify(upload)}`, srvOutput());
      check(attach.isError === true && resultText(attach).includes('Run > Start with Attach Files cannot be used by an AI agent'), `Research_With_Attached_File: ${JSON.stringify(attach)}`, srvOutput());
      // Uploads of any kind, and anything about the attach tool's flow (other active workflows keep
      // calling the stand-in meanwhile).
      const reached = state.requests.filter((q) => q.seq > seqBefore && (q.route === 'upload' || q.path.includes(FENCE_FLOW)));
      check(reached.length === 0 && state.runsOf(FENCE_FLOW).length === 0, `stand-in saw ${JSON.stringify(reached.map((q) => `${q.method} ${q.path}`))}`);
      return `${JSON.stringify(resultText(upload).split('\n')[0])}; no request reached Vishwa`;
    });
  } finally {
    for (const c of [client, fences]) if (c) await c.close().catch(() => {});
  }
}

module.exports = {
  EXAMPLE_FILE,
  WORKFLOW_ID,
  WRONG_KEY_CREDENTIAL,
  wrongKeyCredential,
  mcpWorkflow,
  isWrongKeyRequest,
  mcpCases,
};
