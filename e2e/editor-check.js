#!/usr/bin/env node
'use strict';
// Editor check in a real browser (`npm run e2e:editor`).
//
// Stands up its own real n8n 2.41.1 (the cached install of e2e/install-n8n.sh) with this package
// installed from its `npm pack` tarball the way n8n's installer lays it out, the Vishwa stand-in,
// a "Vishwa API (stand-in)" credential and an owner account; then drives Debian's Chromium
// (/usr/bin/chromium, through playwright-core: no browser download) through the editor:
//   sign in -> new workflow -> nodes panel, search "Vishwa" (both nodes listed, icons load)
//   -> add the Vishwa node: Resource / Operation options, Run > Start parameters
//   -> add the Vishwa Trigger: its parameters
//   -> open the credential, press Retry (n8n's credential test) and see it succeed against the stand-in
//   -> (issue 16) a node version 1.1 workflow: Flow ID "From list" on a Vishwa without a flow listing
//      shows "does not list flows", with the listing it lists the stand-in's flows; Run ID "From list"
//      shows the stand-in's runs by start time and status; pick one, execute, see that run's status
//   -> a node version 1 workflow (text ids) opens with its text fields and runs.
//   -> "What happens next?": the Vishwa entry and its details page read as the action node (n8n shows
//      the trigger's description for the app, which starts with the node's own; read as shown on
//      screen, not cut by CSS), the Docs link survives n8n's ?utm_… query; the action the README's
//      step 2 names, with Wait for Completion, executed against the stand-in (its title and the wait
//      notice on screen, output with flow_id, run_id: the README's quick-start picture); Get Status's
//      Flow ID / Run ID hints as a new node opens; a refused key and https:// to a plain-HTTP server
//      in the credential dialog (n8n's bare EPROTO, next to the Base URL hint saying to write http://).
//   -> (issue 19) the Vishwa Trigger's Fetch Test Event with no run to show, three cases set up through
//      the stand-in's control API (no runs yet; runs but none finished; finished runs, none failed under
//      Run Failed): the message and description n8n shows equal what the node itself produces
//      (the built trigger polled through n8n-core's PollContext against the same stand-in), and say
//      what to do.
// A screenshot per step goes to test-artifacts/editor/ (gitignored). Exit 0 when every check
// passed; otherwise exit 1 naming the failed check, with a screenshot `failure-*.png`.
//
// Options: --no-build (use the dist/ already built), --keep (leave n8n + stand-in running for a
// look by hand; Ctrl-C stops them), --update-docs-images (copy the pictures README.md and docs/ show
// to docs/images/, with the texts asserted on them stored inside: e2e/lib/docsImages.js; checked by
// test/docsImages.test.js), --headed is not supported (no display here).
// Env: EDITOR_CHECK_URL=<n8n base URL> skips the setup and drives an instance left by --keep
// (for working on the browser steps), CHROMIUM_PATH (default /usr/bin/chromium), EDITOR_CHECK_ARTIFACTS (default test-artifacts/editor).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const n8n = require('./lib/n8n');
const { writeDocsImage } = require('./lib/docsImages');
const { runNpm } = require('./lib/npm');

const REPO = path.resolve(__dirname, '..');
const ARTIFACTS = path.resolve(REPO, process.env.EDITOR_CHECK_ARTIFACTS || 'test-artifacts/editor');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CREDENTIAL_NAME = 'Vishwa API (stand-in)';
const CREDENTIAL_ID = 'vishwaStandinEd1';
// The same stand-in with a key it refuses: proves the success banner is not shown for any answer.
const WRONG_CREDENTIAL_NAME = 'Vishwa API (wrong key)';
const WRONG_KEY_MESSAGE = 'The API key was refused (HTTP 401)';
// The stand-in (plain HTTP) given as https://: the TLS handshake fails before any request.
const TLS_CREDENTIAL_NAME = 'Vishwa API (https to a plain-HTTP server)';
const OWNER = { email: 'owner@example.com', firstName: 'Editor', lastName: 'Check', password: 'Vishwa-e2e-Passw0rd' };
// Without these, Chromium keeps calling Google services, which this closed network never answers.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];
const STEP_TIMEOUT_MS = 30000; // any single wait in the browser (generous: this machine is shared and often loaded)
const NAVIGATION_TIMEOUT_MS = 90000; // a page load (the editor bundle is large)

const args = new Set(process.argv.slice(2));
const startedAt = Date.now();
const checks = []; // { step, name, ok, detail }
let page = null;
// Where the node descriptions the checks expect are read from: the package as installed into n8n
// (not the work tree's dist/, which a parallel build may change meanwhile).
let packageDir = REPO;
let stepNo = 0;

function log(msg) {
  process.stdout.write(`[editor-check +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${msg}\n`);
}

class CheckFailed extends Error {}

/** Record a check; a failed check stops the run (later steps depend on the earlier ones). */
function check(name, ok, detail = '') {
  checks.push({ name, ok: Boolean(ok), detail });
  log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  if (!ok) throw new CheckFailed(`${name}${detail ? `: ${detail}` : ''}`);
}

async function screenshot(name) {
  stepNo += 1;
  const file = path.join(ARTIFACTS, `${String(stepNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot ${path.relative(REPO, file)}`);
  return file;
}

function run(cmd, cmdArgs, what) {
  const res = spawnSync(cmd, cmdArgs, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}):\n${(res.stdout + res.stderr).split('\n').slice(-30).join('\n')}`);
  return res.stdout;
}

async function http(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** Loads a node class from the package as installed (its `n8n-workflow` resolves to ours, as in n8n). */
function loadNodeClass(nodeFile, exportName) {
  if (!(process.env.NODE_PATH || '').includes(path.join(REPO, 'node_modules'))) {
    process.env.NODE_PATH = [path.join(REPO, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
    require('module').Module._initPaths();
  }
  return require(path.join(packageDir, 'dist', nodeFile))[exportName];
}

/** The parameters n8n shows for a node with its default values, read from the built description. */
function defaultVisibleParameters(nodeFile, exportName, overrides = {}) {
  const NodeClass = loadNodeClass(nodeFile, exportName);
  const { description } = new NodeClass();
  const props = description.properties;
  // A new node gets the default version; n8n's displayParameter decides what that version shows.
  const { NodeHelpers } = require(require.resolve('n8n-workflow', { paths: [path.join(REPO, 'node_modules')] }));
  const version = description.defaultVersion || (Array.isArray(description.version) ? Math.max(...description.version) : description.version);
  const values = {};
  for (const p of props) if (!(p.name in values)) values[p.name] = p.default;
  Object.assign(values, overrides);
  const shown = (p) => {
    if (!NodeHelpers.displayParameter(values, p, { typeVersion: version, parameters: values }, description)) return false;
    const show = (p.displayOptions && p.displayOptions.show) || {};
    const hide = (p.displayOptions && p.displayOptions.hide) || {};
    for (const [k, allowed] of Object.entries(show)) if (!k.startsWith('@') && !allowed.includes(values[k])) return false;
    for (const [k, denied] of Object.entries(hide)) if (!k.startsWith('@') && denied.includes(values[k])) return false;
    return true;
  };
  return props.filter((p) => shown(p) && p.type !== 'hidden');
}

// ---------------------------------------------------------------------------------------------
// Setup: build, pack, n8n v2 with the package, stand-in, credential, owner.

async function setUp(resources) {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH`);

  if (!args.has('--no-build')) {
    log('npm run build');
    runNpm(['run', 'build', '--silent'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-editor-pack-'));
  resources.dirs.push(packDir);
  const tgz = n8n.packPackage(REPO, packDir);
  const listing = run('tar', ['-tzf', tgz], 'tar -tzf');
  for (const f of ['dist/nodes/Vishwa/Vishwa.node.js', 'dist/nodes/Vishwa/VishwaTrigger.node.js', 'dist/credentials/VishwaApi.credentials.js']) {
    if (!listing.includes(`package/${f}`)) throw new Error(`${path.basename(tgz)} lacks ${f} (was dist/ cleaned while packing?)`);
  }
  log(`packed ${path.basename(tgz)}`);

  n8n.ensureInstalled('v2', { quiet: true });
  const { startStandin } = require('../test/standin/server');
  const standin = await startStandin({ apiKey: `editor-check-${process.pid}` });
  resources.standin = standin;
  log(`stand-in at ${standin.url}`);

  const inst = n8n.createInstance({ version: 'v2', port: await n8n.freePort(), brokerPort: await n8n.freePort() });
  resources.dirs.push(inst.userFolder);
  resources.userFolder = inst.userFolder;
  packageDir = n8n.installPackageTarball(inst.userFolder, tgz).dir;
  await n8n.importCredentials(inst, [
    { id: CREDENTIAL_ID, name: CREDENTIAL_NAME, type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: standin.url } },
    { id: 'vishwaWrongKeyEd1', name: WRONG_CREDENTIAL_NAME, type: 'vishwaApi', data: { apiKey: 'not-the-stand-in-key', baseUrl: standin.url } },
    { id: 'vishwaHttpsToHttp1', name: TLS_CREDENTIAL_NAME, type: 'vishwaApi', data: { apiKey: standin.apiKey, baseUrl: standin.url.replace(/^http:/, 'https:') } },
  ]);
  resources.runs = seedRuns(standin);
  await n8n.importWorkflows(inst, locatorWorkflows(resources.runs));
  log('credential imported; starting n8n 2.41.1');
  const srv = await n8n.startN8n(inst, { timeoutMs: 180000 });
  resources.srv = srv;
  log(`n8n ready at ${srv.baseUrl} in ${(srv.readyMs / 1000).toFixed(1)} s`);

  // n8n 2.x shows the owner setup form on a fresh instance; its REST endpoint does the same.
  const setup = await http('POST', `${srv.baseUrl}/rest/owner/setup`, OWNER);
  if (setup.status !== 200) throw new Error(`POST /rest/owner/setup answered ${setup.status}: ${setup.text.slice(0, 300)}`);
  return { baseUrl: srv.baseUrl, standin };
}

// ---------------------------------------------------------------------------------------------
// Browser flow.

const byTestId = (id) => `[data-test-id="${id}"]`;

async function visible(locator, timeout = STEP_TIMEOUT_MS) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
    return true;
  } catch {
    return false;
  }
}

async function signIn(baseUrl) {
  await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
  const form = page.locator(byTestId('signin-form')).or(page.locator('form')).first();
  check('sign-in form shown', await visible(form));
  await page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(OWNER.email);
  await page.locator('input[name="password"], input[type="password"]').first().fill(OWNER.password);
  await screenshot('signin');
  await page.locator(`${byTestId('form-submit-button')}, button[type="submit"]`).first().click();
  await page.waitForURL((u) => !/\/signin/.test(u.pathname), { timeout: STEP_TIMEOUT_MS }).catch(() => {});
  check('signed in (left /signin)', !/\/signin/.test(new URL(page.url()).pathname), page.url());
}

/** Every <img> of our package's icon inside `scope`: how many, and which did not load. */
async function iconReport(scope) {
  const imgs = await scope.locator('img[src*="/icons/n8n-nodes-vishwa/"]').evaluateAll((els) => els
    .filter((e) => e.offsetParent !== null) // visible ones only (n8n keeps hidden drag previews)
    .map((e) => ({ src: e.getAttribute('src'), complete: e.complete, naturalWidth: e.naturalWidth })));
  return { count: imgs.length, broken: imgs.filter((i) => !i.complete || !(i.naturalWidth > 0)), srcs: [...new Set(imgs.map((i) => i.src))] };
}

async function checkIcons(scope, where, minCount) {
  // Images may still be decoding right after render: give them a moment.
  let rep = await iconReport(scope);
  for (let i = 0; i < 20 && (rep.broken.length || rep.count < minCount); i += 1) {
    await page.waitForTimeout(250);
    rep = await iconReport(scope);
  }
  check(`${where}: Vishwa icon shown and loaded (naturalWidth > 0)`, rep.count >= minCount && rep.broken.length === 0,
    `${rep.count} visible icon image(s) ${rep.srcs.join(', ')}${rep.broken.length ? `; not loaded: ${rep.broken.map((b) => b.src).join(', ')}` : ''}`);
}

const nodeCreator = () => page.locator(byTestId('node-creator')).first();
const creatorItem = (text) => nodeCreator().locator(byTestId('node-creator-item-name')).filter({ hasText: text }).first();

/** Search "Vishwa" in the open nodes panel and open the Vishwa entry (n8n lists the node and its trigger as one app). */
async function searchVishwaAndOpen(panelName) {
  const search = page.locator(byTestId('node-creator-search-bar')).first();
  check(`${panelName}: nodes panel open`, await visible(search));
  await search.fill('Vishwa');
  const entry = creatorItem(/^Vishwa$/);
  const found = await visible(entry, 10000);
  const noResults = await nodeCreator().locator(byTestId('node-creator-no-results')).count();
  await screenshot(`${panelName.replace(/\W+/g, '-').toLowerCase()}-search-vishwa`);
  check(`${panelName}: searching "Vishwa" lists the Vishwa node`, found, found ? '' : `no entry named Vishwa${noResults ? ' ("No results" shown)' : ''}`);
  await checkIcons(nodeCreator(), `${panelName} search results`, 1);
  // The entry's description as shown, and the panel's title ("What happens next?" / "What triggers …").
  const row = entry.locator('xpath=ancestor::*[starts-with(@data-test-id, "node-creator-") and contains(@data-test-id, "-item")][1]');
  const description = await shownText(row.locator(byTestId('node-creator-item-description')).first());
  const shown = { title: firstLine(await nodeCreator().innerText()), description };
  await entry.click();
  return shown;
}

/**
 * An element's text as the user sees it: `text` (normalized), `visible`, and `cut` when CSS hides
 * part of it (a line clamp or overflow: hidden with more content than the box, or an ancestor that
 * clips it), so a check on `text` alone cannot pass on words nobody sees.
 */
async function shownText(locator) {
  // Read again while cut, for up to 3 s: a panel still sliding in reaches past the window's edge for a
  // moment (a loaded machine's CI run caught the details page mid-slide once). Text that stays cut fails.
  let shown = await shownTextNow(locator);
  for (let i = 0; i < 12 && shown.cut; i += 1) {
    await page.waitForTimeout(250);
    shown = await shownTextNow(locator);
  }
  return shown;
}

async function shownTextNow(locator) {
  const found = await locator.count().catch(() => 0);
  if (!found) return { text: '', visible: false, cut: false, lines: 0 };
  return locator.evaluate((el) => {
    const view = el.ownerDocument.defaultView; // the page's window (this runs in the browser)
    const getComputedStyle = (e) => view.getComputedStyle(e);
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const visible = el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none' && rect.width > 0 && rect.height > 0;
    const hides = (s) => ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
    const clamp = style.webkitLineClamp && style.webkitLineClamp !== 'none';
    let cut = (clamp || hides(style)) && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
    for (let up = el.parentElement; !cut && up && up !== el.ownerDocument.body; up = up.parentElement) {
      if (!hides(getComputedStyle(up))) continue;
      const box = up.getBoundingClientRect();
      cut = rect.top < box.top - 1 || rect.bottom > box.bottom + 1 || rect.left < box.left - 1 || rect.right > box.right + 1;
    }
    cut = cut || rect.bottom > view.innerHeight + 1 || rect.right > view.innerWidth + 1;
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    return { text: (el.textContent || '').replace(/\s+/g, ' ').trim(), visible, cut, lines: Math.round(rect.height / lineHeight), clamp: clamp ? style.webkitLineClamp : null };
  });
}

const describeShown = (shown) => `"${shown.text}"${shown.visible ? '' : ' (not visible)'}${shown.cut ? ` (cut by CSS${shown.clamp ? `, line clamp ${shown.clamp}` : ''})` : ''}, ${shown.lines} line(s)`;

const firstLine = (text) => text.split('\n').map((t) => t.trim()).find(Boolean) || '';
const normalize = (text) => text.replace(/\s+/g, ' ').trim();

/** The Vishwa node's own description and codex docs URL, and the trigger's description, from the package as installed. */
function vishwaNodeTexts() {
  const Vishwa = loadNodeClass('nodes/Vishwa/Vishwa.node.js', 'Vishwa');
  const VishwaTrigger = loadNodeClass('nodes/Vishwa/VishwaTrigger.node.js', 'VishwaTrigger');
  const codex = JSON.parse(fs.readFileSync(path.join(packageDir, 'dist', 'nodes', 'Vishwa', 'Vishwa.node.json'), 'utf8'));
  return { description: new Vishwa().description.description, triggerDescription: new VishwaTrigger().description.description, docsUrl: codex.resources.primaryDocumentation[0].url };
}

/** A Docs link of the Vishwa node in `scope`: n8n appends ?utm_…; the URL must stay whole (no #anchor before it). */
async function checkDocsLink(scope, where) {
  const { docsUrl } = vishwaNodeTexts();
  const links = await scope.locator('a[href*="n8n-nodes-vishwa"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
  const href = links.find((h) => h.startsWith(docsUrl));
  check(`${where}: Docs link opens ${docsUrl} (n8n's ?utm_… query after it, no #anchor swallowing it)`,
    href && !href.includes('#') && new URL(href).pathname === new URL(docsUrl).pathname, href || `links: ${links.join(', ') || 'none'}`);
}

async function expandCategory(name) {
  const cat = nodeCreator().locator(`${byTestId('node-creator-category-item')}`).filter({ hasText: name }).first();
  check(`node details list a "${name}" section`, await visible(cat, 10000));
  const collapsed = () => cat.locator('xpath=ancestor::*[@data-category-collapsed][1]').getAttribute('data-category-collapsed', { timeout: 2000 }).catch(() => null);
  if ((await collapsed()) === 'true') {
    await cat.click();
    await page.waitForTimeout(300);
  }
}

/** The texts of the options of an n8n select parameter (Element Plus select; listbox found via aria-controls). */
async function selectOptions(paramName) {
  const input = page.locator(`${byTestId(`parameter-input-${paramName}`)} input`).first();
  const value = await input.inputValue(); // read before opening: an open select shows its value as placeholder only
  await input.click();
  const listId = await input.getAttribute('aria-controls');
  const list = page.locator(`[id="${listId}"]`);
  await list.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const options = (await list.locator('[role="option"], .el-select-dropdown__item').allInnerTexts())
    .map((t) => t.split('\n')[0].trim()).filter(Boolean);
  return { value, list, options };
}

async function chooseOption(paramName, optionName) {
  const { list } = await selectOptions(paramName);
  await list.locator('[role="option"], .el-select-dropdown__item').filter({ hasText: new RegExp(`^${optionName}`) }).first().click();
  await page.waitForTimeout(300);
}

async function parameterLabels() {
  const ndv = page.locator(byTestId('ndv')).first();
  const texts = await ndv.locator(`${byTestId('node-parameters')} ${byTestId('input-label')}, ${byTestId('node-parameters')} label`)
    .evaluateAll((els) => els.filter((e) => e.offsetParent !== null).map((e) => e.innerText));
  return [...new Set(texts.map((t) => t.split('\n')[0].trim()).filter(Boolean))];
}

async function expectParameters(where, expectedDisplayNames) {
  await page.waitForTimeout(300);
  const labels = await parameterLabels();
  const missing = expectedDisplayNames.filter((n) => !labels.some((l) => l === n || l.startsWith(`${n} `) || l.startsWith(`${n}*`)));
  check(`${where}: parameters shown (${expectedDisplayNames.join(', ')})`, missing.length === 0,
    missing.length ? `missing ${missing.join(', ')}; shown: ${labels.join(', ')}` : '');
}

/** The node's credential field shows our imported credential (n8n selects the only one there is). */
async function checkCredentialSelected(ndv, where) {
  const credentialField = () => ndv.locator(`${byTestId('node-credentials-select')}, ${byTestId('node-credentials-config-container')}`)
    .evaluateAll((els) => els.flatMap((e) => [e.innerText || '', ...[...e.querySelectorAll('input')].map((i) => i.value)]).join(' | '))
    .catch(() => '');
  if (!(await credentialField()).includes(CREDENTIAL_NAME)) {
    // n8n preselects one of the two imported credentials: choose ours, as a user would.
    await ndv.locator(`${byTestId('node-credentials-select')} input, ${byTestId('node-credentials-select')}`).first().click();
    const option = page.locator(`${byTestId(`node-credentials-select-item-${CREDENTIAL_ID}`)}, [role="option"]:has-text("${CREDENTIAL_NAME}")`).first();
    if (await visible(option, 10000)) await option.click();
    await page.waitForTimeout(300);
  }
  const shown = await ndv.locator(`${byTestId('node-credentials-select')}, ${byTestId('node-credentials-config-container')}`)
    .evaluateAll((els) => els.flatMap((e) => [e.innerText || '', ...[...e.querySelectorAll('input')].map((i) => i.value)]).join(' | '))
    .catch(() => '');
  check(`${where}: credential "${CREDENTIAL_NAME}" selected`, shown.includes(CREDENTIAL_NAME), shown.replace(/\s+/g, ' ').trim() || 'no credential field found');
}

async function closeNdv() {
  const close = page.locator(byTestId('ndv-close-button')).first();
  if (await close.isVisible().catch(() => false)) await close.click();
  else await page.keyboard.press('Escape');
  await page.locator(byTestId('ndv')).first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS }).catch(() => {});
}

/**
 * Control for `shownText`: on a page of its own, a paragraph cut by a 2-line clamp, one cut by a
 * clipping parent, and one shown whole. A detector that cannot see a cut would let the checks below
 * pass on text nobody sees.
 */
async function shownTextControl() {
  const main = page;
  page = await main.context().newPage();
  const long = 'Upload assets and start and monitor flow runs, '.repeat(6);
  await page.setContent(`<div style="width:300px;font:14px/20px sans-serif">
    <p id="clamped" style="display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;overflow:hidden">${long}</p>
    <div style="height:40px;overflow:hidden"><p id="clipped">${long}</p></div>
    <p id="whole">${long}</p></div>`);
  const results = [];
  for (const id of ['clamped', 'clipped', 'whole']) results.push(await shownText(page.locator(`#${id}`)));
  await page.close();
  page = main;
  check('control: text cut by a line clamp or a clipping parent is seen as cut, whole text is not',
    results[0].cut && results[1].cut && !results[2].cut && results.every((r) => r.visible && r.text === normalize(long)),
    results.map((r) => `${r.cut ? 'cut' : 'whole'} (${r.lines} lines${r.clamp ? `, clamp ${r.clamp}` : ''})`).join(', '));
}

async function editorFlow(baseUrl, standin, runs, resources) {
  await shownTextControl();
  await signIn(baseUrl);

  // 1. New workflow, trigger panel: the Vishwa app with its trigger.
  await page.goto(`${baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
  const addFirst = page.locator(byTestId('canvas-add-button')).first();
  check('new workflow canvas shown', await visible(addFirst, 90000)); // first load compiles the node list
  await addFirst.click();
  const inTriggerPanel = await searchVishwaAndOpen('Trigger panel');
  // n8n 2.41.1 lists the node and its trigger as one app entry and gives it the trigger's description
  // in both panels (generateMergedNodesAndActions: `mergedNode.description = trigger.description`).
  const texts = vishwaNodeTexts();
  check('Trigger panel: the Vishwa entry shows the trigger\'s description, whole, and it says what starts the workflow',
    inTriggerPanel.description.visible && !inTriggerPanel.description.cut && inTriggerPanel.description.text === texts.triggerDescription &&
      /start a workflow when a run finishes/i.test(inTriggerPanel.description.text), describeShown(inTriggerPanel.description));
  await expandCategory('Triggers');
  const triggerItem = nodeCreator().locator('[data-keyboard-nav-id^="n8n-nodes-vishwa.vishwaTrigger"]').first();
  check('Vishwa details: the Vishwa Trigger is listed under Triggers', await visible(triggerItem, 10000),
    await triggerItem.innerText().catch(() => 'not found'));
  await expandCategory('Actions');
  const expectedActions = actionNames();
  const shownActions = await nodeCreator().locator('[data-keyboard-nav-id^="n8n-nodes-vishwa.vishwa-"]').allInnerTexts();
  const missingActions = expectedActions.filter((a) => !shownActions.some((t) => t.includes(a)));
  check(`Vishwa details: the Vishwa node's actions are listed (${expectedActions.join(', ')})`, missingActions.length === 0,
    missingActions.length ? `missing ${missingActions.join(', ')}` : '');
  await checkIcons(nodeCreator(), 'Vishwa details', 1 + expectedActions.length);
  await screenshot('vishwa-details-trigger-and-actions');

  // 2. The Vishwa Trigger: add it, its parameters and credential.
  await triggerItem.click();
  const ndv = page.locator(byTestId('ndv')).first();
  check('Vishwa Trigger added and its editor opened', await visible(ndv));
  await page.waitForTimeout(500);
  const trigParams = defaultVisibleParameters('nodes/Vishwa/VishwaTrigger.node.js', 'VishwaTrigger').map((p) => p.displayName);
  if (trigParams.length === 0) log('note: the built Vishwa Trigger declares no parameters (placeholder?): only its credential is checked');
  else await expectParameters('Vishwa Trigger', trigParams);
  await checkCredentialSelected(ndv, 'Vishwa Trigger');
  await checkIcons(ndv, 'Vishwa Trigger editor header', 1);
  await screenshot('vishwa-trigger-parameters');

  // 3. The credential: open it from the node, test it (Retry) against the stand-in.
  await ndv.locator(byTestId('credential-edit-button')).first().click();
  const dialog = page.locator(byTestId('credential-edit-dialog')).first();
  check(`credential "${CREDENTIAL_NAME}" opened`, await visible(dialog));
  const success = dialog.locator(byTestId('credentials-config-container-test-success')).first();
  check('credential tested on opening: "Connection tested successfully"', await visible(success, 30000),
    await dialog.innerText().then((t) => t.replace(/\s+/g, ' ').slice(0, 200)).catch(() => ''));
  const testsBefore = standin ? countCredentialTests(standin) : 0;
  const retry = dialog.getByRole('button', { name: /^(Retry|Test)/ }).first();
  check('credential test button (Retry) shown', await visible(retry, 5000));
  await retry.click();
  // The banner disappears while testing and comes back; wait for the stand-in to see the new test.
  const t0 = Date.now();
  while (standin && countCredentialTests(standin) <= testsBefore && Date.now() - t0 < STEP_TIMEOUT_MS) await page.waitForTimeout(100);
  // n8n keeps the old banner while the Retry button spins: wait for the button to be idle again.
  let idle = false;
  while (!idle && Date.now() - t0 < STEP_TIMEOUT_MS) {
    const state = await retry.evaluate((b) => ({ text: b.innerText.trim(), busy: b.disabled || b.classList.contains('is-loading') || b.getAttribute('aria-busy') === 'true' || !!b.querySelector('.is-loading, [class*="spin"], [class*="loading"]') })).catch(() => ({ text: '', busy: true }));
    idle = !state.busy && /^(Retry|Test)/.test(state.text);
    if (!idle) await page.waitForTimeout(100);
  }
  check('Retry finished (button idle again)', idle);
  const bannerBack = await visible(success, STEP_TIMEOUT_MS);
  const bannerText = bannerBack ? (await success.innerText()).replace(/\s+/g, ' ').trim() : '';
  if (standin) {
    const last = lastCredentialTest(standin);
    check('Retry sent the credential test to the stand-in with the right key', countCredentialTests(standin) > testsBefore && last && last.keyOk,
      last ? `GET ${last.path}, key ${last.keyOk ? 'accepted' : 'refused'}` : 'no request reached the stand-in');
  }
  check('after Retry: success banner shown', bannerBack && /tested successfully/i.test(bannerText), bannerText || 'no success banner');
  await screenshot('credential-test-success');
  const closeDialog = dialog.locator(byTestId('dialog-close-button')).or(page.locator('.el-dialog__headerbtn')).first();
  if (await closeDialog.isVisible().catch(() => false)) await closeDialog.click();
  else await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS }).catch(() => {});
  await closeNdv();

  // 4. The Vishwa node: add Run > Start from the nodes panel, then Resource / Operation / parameters.
  await page.locator(byTestId('node-creator-plus-button')).first().click();
  const inActionPanel = await searchVishwaAndOpen('Nodes panel');
  // The same app entry where actions are offered (issue 19): n8n shows the trigger's description here
  // too (one text per app, see step 1), so that text must read as the action node: it leads with the
  // Vishwa node's own description, and the user sees it whole (not cut by the row's CSS).
  const { description: own, triggerDescription } = vishwaNodeTexts();
  check(`"${inActionPanel.title}": the Vishwa entry shows, whole, the text n8n gives the app, which leads with the action node's ("${own}…")`,
    /happens next/i.test(inActionPanel.title) && inActionPanel.description.visible && !inActionPanel.description.cut &&
      inActionPanel.description.text === triggerDescription && triggerDescription.startsWith(own),
    `panel "${inActionPanel.title}", entry ${describeShown(inActionPanel.description)}`);
  // The click opened the app's details page (n8n 2.41.1's community node details: the panel's header
  // reads "Node details" where the search page reads "What happens next?", and it lists the app's
  // Actions and Triggers sections, which the search results do not).
  const header = nodeCreator().locator(byTestId('nodes-list-header')).first();
  const headerShown = await visible(header.getByText('Node details', { exact: true }).first(), 10000);
  const sections = nodeCreator().locator(byTestId('node-creator-category-item'));
  const actionsSection = await visible(sections.filter({ hasText: /^\s*Actions/ }).first(), 10000);
  const triggersSection = await visible(sections.filter({ hasText: /^\s*Triggers/ }).first(), 10000);
  const searchRowsLeft = await nodeCreator().locator(byTestId('node-creator-item-description')).filter({ hasText: triggerDescription }).count();
  check('Vishwa details page opened (header "Node details", Actions and Triggers sections, no search row left)',
    headerShown && actionsSection && triggersSection && searchRowsLeft === 0,
    `header ${headerShown}, Actions ${actionsSection}, Triggers ${triggersSection}, search rows with the text ${searchRowsLeft}`);
  const onDetails = await shownText(nodeCreator().getByText(triggerDescription, { exact: true }).first());
  check('Vishwa details page shows, whole, the text leading with the action node\'s description',
    onDetails.visible && !onDetails.cut && onDetails.text === triggerDescription && onDetails.text.startsWith(own), describeShown(onDetails));
  // (This page's own "Docs" opens the package's npm page, whatever the package says: not checked.)
  await screenshot('nodes-panel-vishwa-details-as-action');
  await expandCategory('Actions');
  const startAction = actionNames().find((a) => /start/i.test(a));
  await creatorItem(startAction).click();
  check(`Vishwa node added ("${startAction}") and its editor opened`, await visible(ndv));
  await checkCredentialSelected(ndv, 'Vishwa node');
  await checkIcons(ndv, 'Vishwa node editor header', 1);
  const resource = await selectOptions('resource');
  check('Resource options: Asset, Run', ['Asset', 'Run'].every((o) => resource.options.includes(o)), resource.options.join(', '));
  check('Resource is Run', resource.value === 'Run', resource.value);
  await screenshot('vishwa-resource-options');
  await page.keyboard.press('Escape');
  const runOps = await selectOptions('operation');
  check('Run operations: Start, Get Status, Wait for Completion', ['Start', 'Get Status', 'Wait for Completion'].every((o) => runOps.options.includes(o)), runOps.options.join(', '));
  check('Operation is Start', runOps.value === 'Start', runOps.value);
  await screenshot('vishwa-run-operations');
  await page.keyboard.press('Escape');
  const startParams = defaultVisibleParameters('nodes/Vishwa/Vishwa.node.js', 'Vishwa', { resource: 'run', operation: 'start' })
    .filter((p) => !['resource', 'operation'].includes(p.name)).map((p) => p.displayName);
  for (const must of ['Flow ID', 'Wait for Completion']) if (!startParams.includes(must)) startParams.push(must);
  await expectParameters('Run > Start', startParams);
  await screenshot('vishwa-run-start-parameters');
  await checkDocsLink(ndv, 'Vishwa node editor');

  await chooseOption('resource', 'Asset');
  const assetOps = await selectOptions('operation');
  check('Asset operations: Upload', assetOps.options.includes('Upload'), assetOps.options.join(', '));
  await page.keyboard.press('Escape');
  const uploadParams = defaultVisibleParameters('nodes/Vishwa/Vishwa.node.js', 'Vishwa', { resource: 'asset', operation: 'upload' })
    .filter((p) => !['resource', 'operation'].includes(p.name)).map((p) => p.displayName);
  await expectParameters('Asset > Upload', uploadParams);
  await screenshot('vishwa-asset-upload-parameters');
  await closeNdv();
  await screenshot('canvas-with-vishwa-nodes');

  // 5. Control: a credential with a refused key must not show success but the credential's 401 message.
  const credsPage = await page.context().newPage(); // the workflow page stays as it is (no "save changes?" prompt)
  page = credsPage;
  await page.goto(`${baseUrl}/home/credentials`, { waitUntil: 'domcontentloaded' });
  const card = page.getByText(WRONG_CREDENTIAL_NAME, { exact: true }).first();
  check(`credentials list shows "${WRONG_CREDENTIAL_NAME}"`, await visible(card, NAVIGATION_TIMEOUT_MS));
  await card.click();
  const wrongDialog = page.locator(byTestId('credential-edit-dialog')).first();
  check(`credential "${WRONG_CREDENTIAL_NAME}" opened`, await visible(wrongDialog));
  const failed = wrongDialog.getByText(/Couldn.t connect/i).first(); // n8n's wording for a failed test
  check('wrong key: "Couldn\'t connect with these settings" shown', await visible(failed, 30000));
  const wrongText = (await wrongDialog.innerText().catch(() => '')).replace(/\s+/g, ' ');
  check('wrong key: no success banner', !/tested successfully/i.test(wrongText), wrongText.slice(0, 200));
  // The credential's own message is behind "More details" (shown in place or as a tooltip).
  const details = wrongDialog.getByText('More details').first();
  if (await details.isVisible().catch(() => false)) {
    await details.hover();
    await details.click().catch(() => {});
  }
  const refused = page.getByText(WRONG_KEY_MESSAGE).first();
  const refusedShown = await visible(refused, 10000);
  await screenshot('credential-wrong-key-refused');
  check(`wrong key: the credential's message "${WRONG_KEY_MESSAGE}..." shown under More details`, refusedShown);

  // 6. https:// in front of a plain-HTTP server (the stand-in): n8n's test reports the bare network code
  // (a declarative credential test cannot word it), and the Base URL field's hint says what to write.
  await page.goto(`${baseUrl}/home/credentials`, { waitUntil: 'domcontentloaded' });
  const tlsCard = page.getByText(TLS_CREDENTIAL_NAME, { exact: true }).first();
  check(`credentials list shows "${TLS_CREDENTIAL_NAME}"`, await visible(tlsCard, NAVIGATION_TIMEOUT_MS));
  await tlsCard.click();
  const tlsDialog = page.locator(byTestId('credential-edit-dialog')).first();
  check(`credential "${TLS_CREDENTIAL_NAME}" opened`, await visible(tlsDialog));
  check('https to plain HTTP: "Couldn\'t connect with these settings" shown', await visible(tlsDialog.getByText(/Couldn.t connect/i).first(), 30000));
  const tlsDetails = tlsDialog.getByText('More details').first();
  if (await tlsDetails.isVisible().catch(() => false)) {
    await tlsDetails.hover();
    await tlsDetails.click().catch(() => {});
  }
  const code = page.getByText(/^\s*(EPROTO|ERR_SSL_[A-Z_]+)\s*$/).first();
  const codeShown = await visible(code, 10000);
  const codeText = codeShown ? (await code.innerText()).trim() : '';
  const hint = tlsDialog.getByText(/needs http:\/\/ written out/).first();
  const hintShown = await visible(hint, 5000);
  await screenshot('credential-https-to-plain-http');
  check('https to plain HTTP: n8n\'s message is the TLS failure code (EPROTO)', codeShown, codeText || 'no EPROTO / ERR_SSL_* message found under More details');
  check('https to plain HTTP: the Base URL hint in the dialog says to write http://', hintShown,
    hintShown ? normalize(await hint.innerText()) : normalize(await tlsDialog.innerText()).slice(0, 300));

  if (standin && runs) {
    await locatorSteps(baseUrl, standin, runs);
    await versionOneSteps(baseUrl, standin, runs);
  } else log('EDITOR_CHECK_URL: the locator steps need the stand-in this script starts: skipped');

  await quickStart(baseUrl);
  if (standin) await fetchTestEventSteps(baseUrl, standin, resources);
  else log('EDITOR_CHECK_URL: the Fetch Test Event steps need the stand-in this script starts: skipped');
}

// ---------------------------------------------------------------------------------------------
// Issue 16: Flow ID and Run ID as resource locators (node version 1.1), and a version 1 workflow.

const LOCATOR_WORKFLOW_ID = 'vishwaEdLocator11';
const VERSION_1_WORKFLOW_ID = 'vishwaEdVersion01';
const LOCATOR_NODE = 'Get Run Status';
const VERSION_1_NODE = 'Get Run Status (v1)';
const NO_FLOW_LISTING = 'This Vishwa does not list flows: enter the ID';

/** Three runs of flow-ok to pick from: finished, failed (the one picked), still running. */
function seedRuns(standin) {
  const at = (iso) => ({ flowId: 'flow-ok', startTime: iso });
  return {
    completed: standin.state.createRun({ ...at('2026-01-10T09:00:00.000Z'), durationMs: 0, outcome: 'succeeded' }),
    failed: standin.state.createRun({ ...at('2026-01-10T10:00:00.000Z'), durationMs: 0, outcome: 'failed' }),
    running: standin.state.createRun({ ...at('2026-01-10T11:00:00.000Z'), durationMs: null }),
  };
}

function locatorWorkflows(runs) {
  const trigger = { id: 'ed-trigger', name: "When clicking 'Execute workflow'", type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
  const credentials = { vishwaApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };
  const workflow = (id, name, node) => ({
    id,
    name,
    nodes: [trigger, { id: `${id}-node`, type: 'n8n-nodes-vishwa.vishwa', position: [240, 0], credentials, ...node }],
    connections: { [trigger.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
    active: false,
  });
  return [
    workflow(LOCATOR_WORKFLOW_ID, 'Editor check: pick a run (node version 1.1)', {
      name: LOCATOR_NODE,
      typeVersion: 1.1,
      parameters: {
        resource: 'run',
        operation: 'getStatus',
        flowId: { __rl: true, mode: 'id', value: 'flow-ok' },
        runId: { __rl: true, mode: 'list', value: '' },
        options: {},
      },
    }),
    {
      id: FETCH_WORKFLOW_ID,
      name: 'Editor check: Fetch Test Event without a run to show',
      nodes: [{ id: `${FETCH_WORKFLOW_ID}-node`, name: FETCH_NODE, type: 'n8n-nodes-vishwa.vishwaTrigger', typeVersion: 1, position: [0, 0], credentials, parameters: FETCH_PARAMETERS }],
      connections: {},
      settings: { executionOrder: 'v1' },
      active: false,
    },
    workflow(VERSION_1_WORKFLOW_ID, 'Editor check: node version 1 (text ids)', {
      name: VERSION_1_NODE,
      typeVersion: 1,
      parameters: { resource: 'run', operation: 'getStatus', flowId: 'flow-ok', runId: runs.completed.run_id, options: {} },
    }),
  ];
}

const canvasNode = (name) => page.locator(byTestId('canvas-node')).filter({ hasText: name }).first();

async function openWorkflowPage(baseUrl, id, nodeName) {
  page = await page.context().newPage(); // a page of its own: no "save changes?" prompt from the last one
  await page.goto(`${baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
  check(`workflow ${id} opened with its node "${nodeName}"`, await visible(canvasNode(nodeName), NAVIGATION_TIMEOUT_MS));
}

async function openNode(name) {
  await canvasNode(name).dblclick();
  const ndv = page.locator(byTestId('ndv')).first();
  check(`"${name}" editor opened`, await visible(ndv));
  return ndv;
}

/** Runs the workflow from the canvas and opens the node: its output panel text once it has one. */
async function executeAndReadOutput(name, expectedTexts) {
  const button = page.locator(byTestId('execute-workflow-button')).first();
  check('"Execute workflow" button shown', await visible(button));
  await button.click();
  const ndv = await openNode(name);
  const output = ndv.locator(byTestId('output-panel')).first();
  let text = '';
  const t0 = Date.now();
  while (Date.now() - t0 < STEP_TIMEOUT_MS) {
    text = (await output.innerText().catch(() => '')).replace(/\s+/g, ' ');
    if (expectedTexts.every((t) => text.includes(t))) break;
    await page.waitForTimeout(250);
  }
  return text;
}

/** The texts of the open resource locator list (waits for its entries or its error to appear). */
async function locatorList() {
  // The list is a popover n8n renders outside the parameter: look for the visible one on the page.
  const items = page.locator(byTestId('rlc-item')).filter({ visible: true });
  const error = page.locator(byTestId('rlc-error-container')).filter({ visible: true });
  const t0 = Date.now();
  while (Date.now() - t0 < STEP_TIMEOUT_MS) {
    if ((await items.count()) > 0 || (await error.count()) > 0) break;
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(300); // the rest of a page of entries
  return {
    items,
    // n8n 2.x puts the test id on the input itself, older versions on its wrapper.
    search: page.locator(`input${byTestId('rlc-search')}, ${byTestId('rlc-search')} input`).filter({ visible: true }).first(),
    texts: (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()),
    error: (await error.count()) ? (await error.first().innerText()).replace(/\s+/g, ' ').trim() : '',
  };
}

/** What a resource locator's input shows (the value, or the name of the entry picked from the list). */
async function locatorValue(locator) {
  return locator.locator(`input${byTestId('rlc-input')}, ${byTestId('rlc-input')} input`).first().inputValue().catch(() => '');
}

/** Closes an open list with a click outside it: on the header of the node editor's output panel. */
async function closeLocatorList(ndv) {
  const box = await ndv.locator(byTestId('output-panel')).first().boundingBox();
  if (box) await page.mouse.click(box.x + box.width / 2, box.y + 20);
  else await page.keyboard.press('Escape');
  await page.waitForTimeout(400);
}

async function switchLocatorMode(paramName, mode) {
  const locator = page.locator(byTestId(`resource-locator-${paramName}`)).first();
  await locator.locator(byTestId('rlc-mode-selector')).first().click();
  await page.locator(byTestId(`mode-${mode}`)).filter({ visible: true }).first().click();
  await page.waitForTimeout(300);
}

async function locatorSteps(baseUrl, standin, runs) {
  await openWorkflowPage(baseUrl, LOCATOR_WORKFLOW_ID, LOCATOR_NODE);
  const ndv = await openNode(LOCATOR_NODE);
  const flowLocator = ndv.locator(byTestId('resource-locator-flowId')).first();
  const runLocator = ndv.locator(byTestId('resource-locator-runId')).first();
  check('version 1.1: Flow ID and Run ID are resource locators', (await visible(flowLocator)) && (await visible(runLocator)));

  // Flow ID "From list": the stand-in's flows, from the (ASSUMED) flow listing.
  await switchLocatorMode('flowId', 'list');
  await flowLocator.locator(byTestId('rlc-input')).first().click();
  let flows = await locatorList();
  await screenshot('flow-list');
  check('Flow ID list shows the stand-in\'s flows by name', flows.texts.some((t) => t.includes('Succeeding flow (flow-ok)')), flows.texts.join(' | ') || flows.error);

  // The same on a Vishwa without the flow listing: a new search asks again and the list says what to do.
  standin.state.setFlowListing({ shape: 'none' });
  check('the flow list has a search field', await visible(flows.search, 5000));
  await flows.search.fill('flow');
  await page.waitForTimeout(1000); // n8n debounces the search
  flows = await locatorList();
  await screenshot('flow-list-without-listing');
  check(`Flow ID list without a flow listing: "${NO_FLOW_LISTING}"`, flows.error.includes(NO_FLOW_LISTING), flows.error || flows.texts.join(' | ') || 'nothing shown');
  standin.state.setFlowListing({ shape: 'workflows' });
  await closeLocatorList(ndv);
  const flowShown = await locatorValue(flowLocator);
  check('Flow ID keeps its value (flow-ok) in "From list" mode', flowShown === 'flow-ok', flowShown);

  // Run ID "From list": the flow's runs, newest first, by start time and status; pick the failed one.
  await runLocator.locator(byTestId('rlc-input')).first().click();
  const list = await locatorList();
  await screenshot('run-list');
  const order = [runs.running, runs.failed, runs.completed].map((r) => r.run_id);
  const labelled = list.texts.length === 3 && order.every((id, i) => list.texts[i].includes(id))
    && /running/.test(list.texts[0]) && /failed/.test(list.texts[1]) && /completed/.test(list.texts[2])
    && list.texts.every((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · /.test(t));
  check('Run ID list shows the stand-in\'s 3 runs, newest first, by start time and status', labelled, list.texts.join(' | ') || list.error);
  await list.items.filter({ hasText: runs.failed.run_id }).first().click();
  await page.waitForTimeout(300);
  const chosen = await locatorValue(runLocator);
  check(`Run ID shows the picked run (${runs.failed.run_id})`, chosen.includes(runs.failed.run_id), chosen);
  await screenshot('run-picked');
  await closeNdv();

  // Execute: the status of the run picked comes back.
  const statusBefore = standin.state.requestsFor('status').length;
  const text = await executeAndReadOutput(LOCATOR_NODE, [runs.failed.run_id, 'failed']);
  await screenshot('run-picked-executed');
  const asked = standin.state.requestsFor('status').slice(statusBefore).map((r) => r.path);
  check('execution asked the stand-in for the picked run', asked.some((p) => p.endsWith(`/run/${runs.failed.run_id}/status`)), asked.join(', ') || 'no status request');
  check('output shows the picked run and its status "failed"', text.includes(runs.failed.run_id) && text.includes('failed'), text.slice(0, 300));
  await closeNdv();
}

async function versionOneSteps(baseUrl, standin, runs) {
  await openWorkflowPage(baseUrl, VERSION_1_WORKFLOW_ID, VERSION_1_NODE);
  const ndv = await openNode(VERSION_1_NODE);
  const locators = await ndv.locator(`${byTestId('resource-locator-flowId')}, ${byTestId('resource-locator-runId')}`).count();
  const flowValue = await ndv.locator(`${byTestId('parameter-input-flowId')} input`).first().inputValue().catch(() => '');
  const runValue = await ndv.locator(`${byTestId('parameter-input-runId')} input`).first().inputValue().catch(() => '');
  await screenshot('version-1-node');
  check('version 1: Flow ID and Run ID are the text fields they were, with their values',
    locators === 0 && flowValue === 'flow-ok' && runValue === runs.completed.run_id, `locators ${locators}, Flow ID "${flowValue}", Run ID "${runValue}"`);
  await closeNdv();
  const text = await executeAndReadOutput(VERSION_1_NODE, [runs.completed.run_id, 'completed']);
  await screenshot('version-1-executed');
  check('version 1 workflow runs: output shows its run, "completed"', text.includes(runs.completed.run_id) && text.includes('completed'), text.slice(0, 300));
  await closeNdv();
}

/**
 * The README's quick start in a fresh workflow: Manual Trigger -> the Start action the README names
 * with Wait for Completion, executed against the stand-in; its output carries flow_id and run_id, and
 * Get Status's Flow ID / Run ID hints show how to pick them up. The screenshot is the README's picture:
 * what it shows (the node's title, the wait notice, the output) is asserted before it is taken, and
 * with --update-docs-images it is written to docs/images/ with those texts.
 */
async function quickStart(baseUrl) {
  page = await page.context().newPage();
  await page.goto(`${baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
  const addFirst = page.locator(byTestId('canvas-add-button')).first();
  check('quick start: new workflow canvas shown', await visible(addFirst, NAVIGATION_TIMEOUT_MS));
  await addFirst.click();
  await page.locator(byTestId('node-creator-search-bar')).first().fill('manual');
  const manual = creatorItem(/Trigger manually|Manual Trigger/);
  check('quick start: Manual Trigger listed', await visible(manual, 10000));
  await manual.click();
  await page.waitForTimeout(1000);
  if (await page.locator(byTestId('ndv')).first().isVisible().catch(() => false)) await closeNdv();
  await page.keyboard.press('Escape');
  await page.locator(byTestId('node-creator-plus-button')).first().click();
  await searchVishwaAndOpen('Quick start');
  await expandCategory('Actions');
  // The action as the README's step 2 names it (*…*), which must be the one n8n lists.
  const named = /pick the action \*([^*]+)\*/.exec(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' '));
  const startAction = actionNames().find((a) => /start/i.test(a));
  check(`quick start: the README's step 2 names the Start action as n8n lists it ("${startAction}")`, named && named[1] === startAction, named ? named[1] : 'no "pick the action *…*" in the README');
  await creatorItem(startAction).click();
  const ndv = page.locator(byTestId('ndv')).first();
  check(`quick start: "${startAction}" added and its editor opened`, await visible(ndv));
  await checkCredentialSelected(ndv, 'quick start');
  // Node version 1.1: Flow ID is a resource locator, By ID by default (version 1: a text field).
  const flowLocator = ndv.locator(byTestId('resource-locator-flowId')).first();
  if (await flowLocator.isVisible().catch(() => false)) {
    await flowLocator.locator(byTestId('rlc-input')).first().click();
    await page.keyboard.type('flow-ok');
    await page.keyboard.press('Tab');
  } else {
    await ndv.locator(`${byTestId('parameter-input-flowId')} input`).first().fill('flow-ok');
  }
  await ndv.locator(`${byTestId('parameter-input-waitForCompletion')} .el-switch, ${byTestId('parameter-input-waitForCompletion')} [role="switch"]`).first().click();
  await expectParameters('Run > Start with Wait for Completion', ['On Failed Run', 'Wait for Completion Options', 'Options']);
  // What the picture shows: the node titled as the README's step 2 names the action, and the notice
  // n8n shows under Wait for Completion, whole.
  const title = normalize(await ndv.locator(byTestId('node-title-container')).first().innerText().catch(() => ''));
  check(`quick start: the node's title is the README's step-2 action text ("${named && named[1]}")`, named && title === named[1], `title "${title}"`);
  const noticeText = waitNoticeText();
  const notice = await shownText(ndv.getByText(noticeText, { exact: true }).first());
  check('quick start: the Wait for Completion notice is shown whole', notice.visible && !notice.cut && notice.text === noticeText, describeShown(notice));
  await ndv.locator(byTestId('node-execute-button')).first().click();
  const finished = ndv.getByText('completed', { exact: true }).first();
  const outputShown = await visible(finished, 60000);
  // The output as JSON, so the picture shows every field (the table view cuts flow_id off).
  if (outputShown) {
    await ndv.getByText('JSON', { exact: true }).last().click().catch(() => {});
    // The JSON view renders after the click: on a busy machine later than any fixed pause.
    await visible(ndv.getByText('"flow_id"').first(), 20000);
    await page.waitForTimeout(300);
  }
  const ndvText = normalize(await ndv.innerText());
  const picture = await screenshot('quick-start-start-and-wait');
  check('quick start: executed, the output shows run_status completed, flow_id flow-ok and run_id',
    outputShown && /flow_id/.test(ndvText) && /run_id/.test(ndvText) && /flow-ok/.test(ndvText), ndvText.slice(-300));
  docsImage(picture, 'quick-start-start-and-wait', { title, notice: notice.text, output: ['run_status', 'flow_id', 'run_id'] });

  // The next operations' Flow ID / Run ID say how to pick the ids up from that output, on the modes a
  // new node opens on (Run ID: From List), as a newcomer sees them.
  await chooseOption('operation', 'Get Status');
  // No mode switched: Run ID is on From List (its mode selector and "Select a run…" placeholder).
  const runLocator = ndv.locator(byTestId('resource-locator-runId')).first();
  const runShown = normalize((await runLocator.evaluate((el) => [el.innerText, ...[...el.querySelectorAll('input')].map((i) => `${i.value} ${i.placeholder}`)].join(' ')).catch(() => '')));
  const hints = normalize(await ndv.innerText());
  await screenshot('vishwa-get-status-id-hints');
  check('Get Status: Run ID opens on From List', /From list/i.test(runShown) && /Select a run/.test(runShown), runShown.slice(0, 200));
  check('Get Status: Flow ID and Run ID hints show {{ $json.flow_id }} and {{ $json.run_id }} without switching a mode',
    hints.includes('{{ $json.flow_id }}') && hints.includes('{{ $json.run_id }}'), hints.slice(0, 400));
}

/** The notice Run > Start shows under Wait for Completion, from the built description. */
function waitNoticeText() {
  const Vishwa = loadNodeClass('nodes/Vishwa/Vishwa.node.js', 'Vishwa');
  const shown = defaultVisibleParameters('nodes/Vishwa/Vishwa.node.js', 'Vishwa', { resource: 'run', operation: 'start', waitForCompletion: true });
  const notice = shown.find((p) => p.type === 'notice') || new Vishwa().description.properties.find((p) => p.type === 'notice');
  return normalize(notice.displayName);
}

/** With --update-docs-images: the screenshot becomes docs/images/<name>.png, with the texts asserted on it. */
function docsImage(screenshotFile, name, facts) {
  if (!args.has('--update-docs-images')) return;
  const target = writeDocsImage(screenshotFile, name, { n8n: '2.41.1', ...facts });
  log(`docs picture ${path.relative(REPO, target)} written`);
}

// ---------------------------------------------------------------------------------------------
// Issue 19: Fetch Test Event when there is no run to show, in the trigger's editor.

const FETCH_WORKFLOW_ID = 'vishwaEdFetchTest1';
const FETCH_NODE = 'Vishwa Trigger (Run Failed)';
const FETCH_FLOW = 'flow-fetch-test';
const FETCH_PARAMETERS = { flowId: FETCH_FLOW, event: 'failed', options: {} };

/** A call to the stand-in's control API (test/standin/CONTRACT.md), as a user trying the trigger would make it. */
async function control(standin, method, route, body) {
  const res = await http(method, `${standin.url}/__control${route}`, body);
  if (res.status !== 200) throw new Error(`${method} /__control${route} answered ${res.status}: ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text);
}

/**
 * What the node itself says for the stand-in's current runs: the built trigger (dist/, the build the
 * tarball n8n runs was packed from) polled once as Fetch Test Event through n8n-core's PollContext
 * (test/harness), against the same stand-in. Its error, or a failed check if it found a run.
 */
async function nodeFetchTestEventError(standin, resources) {
  if (!resources.harness) {
    // The harness points n8n-core at a user folder of its own through the environment; n8n (a child
    // process started earlier with its own environment) is not affected.
    resources.harness = require('../test/harness').createHarness();
    resources.dirs.push(process.env.N8N_USER_FOLDER);
  }
  const { TYPES } = require('../test/harness');
  const poller = await resources.harness.createPoller(
    { name: FETCH_NODE, type: TYPES.vishwaTrigger, parameters: FETCH_PARAMETERS, credentials: { vishwaApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } } },
    { credentials: { vishwaApi: { apiKey: standin.apiKey, baseUrl: standin.url } } },
  );
  const error = await poller.poll({ pollMode: 'manual' }).then(() => null, (caught) => caught);
  check('the node (through n8n-core) finds no test event either', error && error.message, error ? '' : 'it returned a run');
  return { message: normalize(error.message), description: normalize(error.description || '') };
}

/**
 * The trigger's editor with Run Failed: each case set up on the stand-in, Fetch Test Event pressed,
 * the message and description n8n shows read back and compared with the node's own (above).
 */
async function fetchTestEventSteps(baseUrl, standin, resources) {
  await control(standin, 'POST', '/flows', { id: FETCH_FLOW, durationMs: null });
  await openWorkflowPage(baseUrl, FETCH_WORKFLOW_ID, FETCH_NODE);
  const ndv = await openNode(FETCH_NODE);
  const button = ndv.locator(byTestId('node-execute-button')).first();
  check('Vishwa Trigger editor: "Fetch Test Event" button shown', await visible(button) && /Fetch Test Event/i.test(await button.innerText()), await button.innerText().catch(() => ''));
  const buttonIdle = async () => {
    const t0 = Date.now();
    while (Date.now() - t0 < STEP_TIMEOUT_MS) {
      if (/^Fetch Test Event$/i.test((await button.innerText().catch(() => '')).trim())) return true;
      await page.waitForTimeout(250);
    }
    return false;
  };
  const shownError = async () => ({
    message: normalize(await ndv.locator(byTestId('node-error-message')).first().innerText({ timeout: 1000 }).catch(() => '')),
    description: normalize(await ndv.locator(byTestId('node-error-description')).first().innerText({ timeout: 1000 }).catch(() => '')),
  });
  const messages = [];
  const cases = [
    { name: 'no runs yet', setUp: async () => {}, what: /^Start a run of the flow .*then fetch again/ },
    {
      name: 'runs but none finished',
      setUp: async () => { await control(standin, 'POST', '/runs', { flowId: FETCH_FLOW, durationMs: null }); },
      what: /Wait for (it|one) to finish, then fetch again/,
    },
    {
      name: 'finished runs but none failed (Run Failed)',
      // One more run, finished "from outside" as succeeded; the first one still runs.
      setUp: async () => {
        const second = await control(standin, 'POST', '/runs', { flowId: FETCH_FLOW, durationMs: null });
        await control(standin, 'POST', `/runs/${second.run_id}/finish`, { outcome: 'succeeded' });
      },
      what: /Set Trigger On to Run Finished .*or let a run fail, then fetch again/,
    },
  ];
  let previous = '';
  for (const [index, { name, setUp: prepare, what }] of cases.entries()) {
    await prepare();
    check(`Fetch Test Event, ${name}: the button is idle ("Fetch Test Event", not "Stop Listening")`, await buttonIdle(), await button.innerText().catch(() => ''));
    const listingsBefore = standin.state.requestsFor('runs').length;
    await button.click();
    // This fetch's answer: a new listing request, an error text other than the last one, and the
    // execution over (the button reads "Fetch Test Event" again; a click meanwhile would stop it).
    let shown = { message: '', description: '' };
    const t0 = Date.now();
    // Both texts are read whole and twice alike: while n8n re-renders the error, one read may pair the
    // old message with an empty or new description (seen under load: the old message was taken as the
    // new answer).
    let last = '';
    while (Date.now() - t0 < STEP_TIMEOUT_MS) {
      shown = await shownError();
      const now = `${shown.message}|${shown.description}`;
      if (standin.state.requestsFor('runs').length > listingsBefore && shown.message && shown.description && now !== previous && now === last) break;
      last = now;
      await page.waitForTimeout(250);
    }
    await buttonIdle();
    // Asked after n8n's fetch: a new run goes from queued to running soon after it starts.
    const expected = await nodeFetchTestEventError(standin, resources);
    previous = `${shown.message}|${shown.description}`;
    const picture = await screenshot(`trigger-fetch-test-event-${index + 1}-${name.replace(/\W+/g, '-').replace(/-+$/, '').toLowerCase()}`);
    check(`Fetch Test Event, ${name}: n8n shows the node's message "${expected.message}"`, shown.message === expected.message, `shown "${shown.message}"`);
    check(`Fetch Test Event, ${name}: n8n shows the node's description, which says what to do`,
      shown.description === expected.description && what.test(shown.description), `shown "${shown.description}"; the node's "${expected.description}"`);
    // docs/trigger.md shows the last case (Run Failed; one run running, one succeeded).
    if (index === cases.length - 1) docsImage(picture, 'trigger-fetch-test-event-none-matching', { flowId: FETCH_FLOW, event: FETCH_PARAMETERS.event, message: shown.message, description: shown.description });
    messages.push(shown.message);
  }
  check('the three cases gave three different messages', new Set(messages).size === cases.length, messages.join(' | '));
  await closeNdv();
}

/** The action names n8n shows for the Vishwa node (each operation's `action`), from the built description. */
function actionNames() {
  const Vishwa = loadNodeClass('nodes/Vishwa/Vishwa.node.js', 'Vishwa');
  return new Vishwa().description.properties
    .filter((p) => p.name === 'operation')
    .flatMap((p) => p.options.map((o) => o.action || o.name));
}

const CREDENTIAL_TEST_PATH = '/v1/workflow/n8n-credential-test/run/n8n-credential-test/status';
function credentialTests(standin) {
  return standin.state.requests.filter((r) => r.path === CREDENTIAL_TEST_PATH);
}
function countCredentialTests(standin) { return credentialTests(standin).length; }
function lastCredentialTest(standin) { const all = credentialTests(standin); return all[all.length - 1]; }

/** SIGKILLs the process group of every process whose working directory is `dir` (n8n runs in its user folder). */
function killProcessGroupsIn(dir) {
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    let cwd = '';
    try { cwd = fs.readlinkSync(`/proc/${ent}/cwd`); } catch { continue; }
    if (cwd !== dir) continue;
    try { process.kill(-Number(ent), 'SIGKILL'); } catch { try { process.kill(Number(ent), 'SIGKILL'); } catch { /* gone */ } }
  }
}

async function cleanUp(resources) {
  const { browser, srv, standin, dirs, userFolder } = resources;
  Object.assign(resources, { browser: null, srv: null, standin: null, dirs: [], userFolder: null }); // once only
  if (browser) await browser.close().catch(() => {});
  if (srv) await n8n.stopN8n(srv).catch(() => {});
  else if (userFolder) killProcessGroupsIn(userFolder); // interrupted while n8n was starting
  if (standin) await standin.close().catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

async function main() {
  const resources = { dirs: [], standin: null, srv: null, browser: null };
  let exitCode = 0;
  // n8n runs in its own process group (Ctrl-C does not reach it): stop everything ourselves.
  let releaseKeep = null;
  const onSignal = (signal) => {
    if (releaseKeep) { releaseKeep(); return; }
    log(`${signal}: stopping n8n, the stand-in and Chromium`);
    cleanUp(resources).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { baseUrl, standin } = process.env.EDITOR_CHECK_URL ? { baseUrl: process.env.EDITOR_CHECK_URL, standin: null } : await setUp(resources);
    if (process.env.EDITOR_CHECK_URL) fs.mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = require('playwright-core');
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-editor-chromium-'));
    resources.dirs.push(userDataDir);
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      timeout: 60000,
      handleSIGINT: false, // our handler closes it with everything else
      handleSIGTERM: false,
    });
    resources.browser = context;
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    page = context.pages()[0] || (await context.newPage());
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    log(`Chromium ${context.browser() ? context.browser().version() : ''} launched`);

    await editorFlow(baseUrl, standin, resources.runs, resources);
    if (consoleErrors.length) log(`browser console errors (not failures): ${consoleErrors.length}, first: ${consoleErrors[0].slice(0, 200)}`);
  } catch (err) {
    exitCode = 1;
    process.stderr.write(`\n[editor-check] FAILED: ${err instanceof CheckFailed ? err.message : err.stack || err}\n`);
    if (page) {
      try {
        const file = path.join(ARTIFACTS, `failure-${String(stepNo + 1).padStart(2, '0')}.png`);
        await page.screenshot({ path: file, fullPage: false });
        fs.writeFileSync(file.replace(/\.png$/, '.html'), await page.content()); // the DOM, for selectors
        process.stderr.write(`[editor-check] screenshot of the failure: ${path.relative(REPO, file)}\n`);
      } catch { /* the page may be gone */ }
    }
    if (resources.srv) fs.writeFileSync(path.join(ARTIFACTS, 'n8n.log'), resources.srv.output());
  } finally {
    if (args.has('--keep') && resources.srv) {
      log(`--keep: n8n at ${resources.srv.baseUrl} (${OWNER.email} / ${OWNER.password}), stand-in at ${resources.standin.url}; Ctrl-C to stop`);
      await new Promise((resolve) => { releaseKeep = resolve; });
    }
    await cleanUp(resources);
  }
  const passed = checks.filter((c) => c.ok).length;
  log(`${exitCode === 0 ? 'PASSED' : 'FAILED'}: ${passed}/${checks.length} checks passed${exitCode && passed === checks.length ? ', then an error (above)' : ''}; screenshots in ${path.relative(REPO, ARTIFACTS)}/ (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  process.exitCode = exitCode;
}

main();
