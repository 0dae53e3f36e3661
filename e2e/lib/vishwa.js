'use strict';
// What the e2e run and the playground share: the Vishwa credential pointing at the stand-in, the
// example workflows with their credential rewritten at import time, n8n's REST API (owner setup,
// login, credential test) and cleanup of every n8n process this Node process started.
const fs = require('fs');
const http = require('http');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const CREDENTIAL_ID = 'vishwa-standin';
const CREDENTIAL_NAME = 'Vishwa API (stand-in)';
const NODE_TYPES = ['n8n-nodes-vishwa.vishwa', 'n8n-nodes-vishwa.vishwaTrigger', 'n8n-nodes-vishwa.vishwaTool'];

/** The credential n8n's import:credentials takes: plain data, encrypted by n8n on import. */
function standinCredential(standin, { id = CREDENTIAL_ID, name = CREDENTIAL_NAME } = {}) {
  return { id, name, type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: standin.url } };
}

/** Workflow ids are the file names, shortened: n8n's CLI only accepts ids of 1..21 characters. */
function exampleId(file) {
  return `ex-${path.basename(file, '.json')}`.replace(/[^\w-]/g, '-').slice(0, 21);
}

/**
 * Every examples/*.json as a workflow object with a fixed id and each Vishwa node's credential set
 * to `credential` (so the files never carry a port or an id that only this machine knows).
 */
function loadExamples(credential = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME }) {
  return fs.readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const wf = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'));
      wf.id = exampleId(f);
      wf.file = f;
      for (const node of wf.nodes) {
        if (NODE_TYPES.includes(node.type)) node.credentials = { vishwaApi: { id: credential.id, name: credential.name } };
      }
      return wf;
    });
}

/** Minimal JSON-over-HTTP client for n8n's /rest API, keeping the auth cookie. */
function restRequest(baseUrl, method, urlPath, { body, cookie, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(`${baseUrl}${urlPath}`, {
      method,
      timeout: timeoutMs,
      headers: {
        accept: 'application/json',
        ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        ...(cookie ? { cookie } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        const setCookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
        resolve({ status: res.statusCode, json, text, cookie: setCookie || undefined });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (data) req.end(data); else req.end();
  });
}

/**
 * Creates the instance owner through POST /rest/owner/setup (what the first-start form does) and
 * returns the session cookie. If the owner exists already (a reused user folder), logs in instead.
 */
async function setupOwner(baseUrl, owner) {
  const setup = await restRequest(baseUrl, 'POST', '/rest/owner/setup', { body: owner });
  if (setup.status === 200 && setup.cookie) return setup.cookie;
  const login = await restRequest(baseUrl, 'POST', '/rest/login', {
    // 1.x calls the field `email`, 2.x `emailOrLdapLoginId`: send both.
    body: { email: owner.email, emailOrLdapLoginId: owner.email, password: owner.password },
  });
  if (login.status === 200 && login.cookie) return login.cookie;
  throw new Error(`n8n owner setup failed (HTTP ${setup.status}: ${setup.text.slice(0, 300)}) and login failed (HTTP ${login.status}: ${login.text.slice(0, 300)})`);
}

/** POST /rest/credentials/test: what the credential's Test button does. -> { status: 'OK'|'Error', message } */
async function testCredential(baseUrl, cookie, credential) {
  const res = await restRequest(baseUrl, 'POST', '/rest/credentials/test', { cookie, body: { credentials: credential } });
  if (res.status !== 200 || !res.json || !res.json.data) throw new Error(`POST /rest/credentials/test: HTTP ${res.status}: ${res.text.slice(0, 500)}`);
  return res.json.data;
}

/**
 * Kills the process group of every child of this process (n8n CLI commands and `n8n start` run
 * detached, in their own groups, so a Ctrl-C in the terminal does not reach them). Linux /proc.
 */
function killChildProcessGroups(signal = 'SIGTERM') {
  let killed = 0;
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const status = fs.readFileSync(`/proc/${ent}/status`, 'utf8');
      if (Number((/^PPid:\s+(\d+)/m.exec(status) || [])[1]) !== process.pid) continue;
      try { process.kill(-Number(ent), signal); } catch { process.kill(Number(ent), signal); }
      killed += 1;
    } catch { /* gone */ }
  }
  return killed;
}

module.exports = {
  REPO,
  EXAMPLES_DIR,
  CREDENTIAL_ID,
  CREDENTIAL_NAME,
  standinCredential,
  exampleId,
  loadExamples,
  restRequest,
  setupOwner,
  testCredential,
  killChildProcessGroups,
};
