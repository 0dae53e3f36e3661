'use strict';
// A scripted stand-in for OpenAI's Chat Completions API (POST /v1/chat/completions), so that n8n's
// AI Agent with its OpenAI Chat Model node runs for real, offline, with a known "model": on the
// first request of a conversation it asks for one tool call (`toolCall`), once the tool's answer is
// in the messages it answers with text built from that answer. Every request body is kept, to check
// what n8n sent the model (the tools' names, descriptions and schemas; the tool results).
// Streaming requests (`stream: true`) get the same answers as server-sent chunks.
const http = require('http');

function startFakeOpenAi({ toolCall, finalText = (toolMessage) => `Done. The tool said: ${toolMessage}` }) {
  const requests = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      let body = {};
      try { body = JSON.parse(raw || '{}'); } catch { /* kept as {} */ }
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (req.method === 'GET' && /\/models$/.test(req.url)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'fake' }] }));
        return;
      }
      if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `fake OpenAI: no route ${req.method} ${req.url}` } }));
        return;
      }
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const toolMessage = [...messages].reverse().find((m) => m.role === 'tool');
      calls += 1;
      const message = toolMessage
        ? { role: 'assistant', content: finalText(typeof toolMessage.content === 'string' ? toolMessage.content : JSON.stringify(toolMessage.content)) }
        : {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: `call_${calls}`, type: 'function', function: { name: toolCall.name, arguments: JSON.stringify(toolCall.args) } }],
        };
      const finish = toolMessage ? 'stop' : 'tool_calls';
      const base = { id: `chatcmpl-${calls}`, created: Math.floor(Date.now() / 1000), model: body.model || 'gpt-4o-mini' };
      const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const chunk = (delta, finishReason) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
        const delta = toolMessage
          ? { role: 'assistant', content: message.content }
          : { role: 'assistant', tool_calls: message.tool_calls.map((t, index) => ({ index, ...t })) };
        res.write(chunk(delta, null));
        res.write(chunk({}, finish));
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage }));
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

module.exports = { startFakeOpenAi };
