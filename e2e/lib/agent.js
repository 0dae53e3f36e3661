'use strict';
// examples/ai-agent-tools.json in a real n8n, with a scripted model: n8n's AI Agent and OpenAI Chat
// Model nodes run for real, the model is e2e/lib/fake-openai.js (an OpenAI credential whose Base URL
// points at it). The model asks for one call of the Vishwa flow tool; n8n runs the tool variant of
// the node, hands the result back to the model, and the agent answers with it.
// Run with `n8n execute`, so the example's Chat Trigger is swapped for a Manual Trigger and a Set
// node that provides the chat message (`chatInput`, what the Chat Trigger outputs).
const { startFakeOpenAi } = require('./fake-openai');

const EXAMPLE_FILE = 'ai-agent-tools.json';
const WORKFLOW_ID = 'e2e-agent-tools';
const FLOW = 'flow-e2e-agent';
const CREDENTIAL = { id: 'e2e-fake-openai', name: 'OpenAI (e2e fake model)' };
const TOOL_TYPE = 'n8n-nodes-vishwa.vishwaTool';
const TOOL_ARGS = { topic: 'solar sails', max_words: 50 };

const clone = (x) => JSON.parse(JSON.stringify(x));
/** Flow ID is a text field in node version 1 and a resource locator ({ __rl, mode, value }) from 1.1. */
const setFlowId = (node, flowId) => {
  const current = node.parameters.flowId;
  node.parameters.flowId = current && typeof current === 'object' && current.__rl ? { ...current, value: flowId } : flowId;
};

async function startModel() {
  return await startFakeOpenAi({
    toolCall: { name: 'Run_Research_Flow', args: TOOL_ARGS },
    finalText: (toolMessage) => `Research finished. Tool result: ${toolMessage}`,
  });
}

function openAiCredential(model) {
  return { ...CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-e2e-fake-model', url: model.url, header: false } };
}

function agentWorkflow(example) {
  const wf = clone(example);
  wf.id = WORKFLOW_ID;
  wf.name = `${wf.name} (e2e, scripted model)`;
  const chat = wf.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger');
  const agent = wf.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.agent');
  wf.nodes = wf.nodes.filter((node) => node !== chat);
  wf.nodes.push(
    { id: 'e2e00000-0000-4000-8000-000000000301', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 0], parameters: {} },
    {
      id: 'e2e00000-0000-4000-8000-000000000302',
      name: 'Chat Input',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [0, 0],
      parameters: {
        mode: 'manual',
        assignments: { assignments: [{ id: 'e2e00000-0000-4000-8000-000000000303', name: 'chatInput', value: 'Research solar sails for me, 50 words at most.', type: 'string' }] },
        options: {},
      },
    },
  );
  delete wf.connections[chat.name];
  wf.connections.Start = { main: [[{ node: 'Chat Input', type: 'main', index: 0 }]] };
  wf.connections['Chat Input'] = { main: [[{ node: agent.name, type: 'main', index: 0 }]] };
  for (const node of wf.nodes) {
    if (node.type === TOOL_TYPE) setFlowId(node, FLOW);
    if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi') node.credentials = { openAiApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };
  }
  return wf;
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** `exec(id)` runs `n8n execute --id` (e2e/run.js). */
async function agentCase({ runCase, check, exec, standin, model, example }) {
  const { state } = standin;
  state.setFlow({ id: FLOW, durationMs: 300 });
  const flowTool = example.nodes.find((node) => node.type === TOOL_TYPE && node.parameters.operation === 'start');
  await runCase('AI Agent example (scripted model): the agent calls the Vishwa tool, gets the finished run, answers with it', async () => {
    const seen = model.requests.length;
    const r = await exec(WORKFLOW_ID);
    check(r.ok, `execution failed: ${r.error && r.error.message}`, r.output);
    const runs = state.runsOf(FLOW);
    check(runs.length === 1 && sameJson(runs[0].inputs, TOOL_ARGS), `runs of ${FLOW}: ${JSON.stringify(runs.map((x) => x.inputs))}`, r.output);
    const asked = model.requests.slice(seen).filter((q) => /\/chat\/completions$/.test(q.path));
    check(asked.length === 2, `the model was asked ${asked.length} times (expected: once for the tool call, once with its result)`, r.output);
    const tools = asked[0].body.tools || [];
    const tool = tools.find((t) => t.function && t.function.name === 'Run_Research_Flow');
    check(tool && tool.function.description === flowTool.parameters.toolDescription
      && sameJson(Object.keys(tool.function.parameters.properties).sort(), ['max_words', 'topic'])
      && tool.function.parameters.properties.max_words.type === 'number',
    `tools sent to the model: ${JSON.stringify(tools).slice(0, 1500)}`, r.output);
    check(tools.some((t) => t.function && t.function.name === 'Get_Research_Run_Status'), 'Get_Research_Run_Status was not offered to the model', r.output);
    const toolMessage = asked[1].body.messages.find((m) => m.role === 'tool');
    const toolText = toolMessage && (typeof toolMessage.content === 'string' ? toolMessage.content : JSON.stringify(toolMessage.content));
    check(toolText && toolText.includes(runs[0].run_id) && toolText.includes('"run_status":"completed"') && toolText.includes('solar sails'),
      `tool result sent back to the model: ${toolText}`, r.output);
    const answer = r.runData['AI Agent'] && r.runData['AI Agent'][0].data.main[0][0].json.output;
    check(typeof answer === 'string' && answer.startsWith('Research finished.') && answer.includes(runs[0].run_id), `agent answer ${JSON.stringify(answer)}`, r.output);
    return `${runs[0].run_id} completed; agent answered ${JSON.stringify(answer.slice(0, 80))}...`;
  });
}

module.exports = { EXAMPLE_FILE, WORKFLOW_ID, startModel, openAiCredential, agentWorkflow, agentCase };
