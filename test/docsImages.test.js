'use strict';
// The pictures README.md and docs/ show are the editor check's screenshots (issue 19), written by
// `node e2e/editor-check.js --update-docs-images` with the texts the check asserted on screen stored
// inside the PNG (e2e/lib/docsImages.js). Here those texts are held to what the README says and what
// the built nodes show now: a picture of an old text fails until the check is run again with the flag.
const fs = require('fs');
const path = require('path');

const { createHarness, TYPES, PACKAGE_ROOT } = require('./harness');
const { startStandin } = require('./standin/server');
const { readFacts, withFacts, DOCS_IMAGES } = require('../e2e/lib/docsImages');

const root = path.resolve(__dirname, '..');
const image = (name) => path.join(DOCS_IMAGES, `${name}.png`);

test('the texts stored in a picture read back (non-ASCII too), replacing texts stored before; the image data is kept', () => {
	const png = fs.readFileSync(image('quick-start-start-and-wait'));
	const facts = { title: 'Start – a “run”', n: 1 };
	const file = path.join(require('os').tmpdir(), `docs-image-${process.pid}.png`);
	const stored = withFacts(withFacts(png, { old: true }), facts);
	fs.writeFileSync(file, stored);
	try {
		expect(readFacts(file)).toEqual(facts);
		const idat = (buffer) => buffer.subarray(buffer.indexOf('IDAT') - 4);
		expect(idat(stored).equals(idat(png))).toBe(true);
	} finally {
		fs.rmSync(file, { force: true });
	}
});

test("the README's quick-start picture shows the action the README's step 2 names and the wait notice, as the built node has them", () => {
	const facts = readFacts(image('quick-start-start-and-wait'));
	expect(facts).toEqual(expect.objectContaining({ n8n: '2.41.1' }));
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	expect(readme).toContain('](docs/images/quick-start-start-and-wait.png)');
	const named = /pick the action \*([^*]+)\*/.exec(readme.replace(/\s+/g, ' '))[1];
	const { Vishwa } = require(path.join(PACKAGE_ROOT, 'dist/nodes/Vishwa/Vishwa.node.js'));
	const properties = new Vishwa().description.properties;
	const startAction = properties.filter((p) => p.name === 'operation').flatMap((p) => p.options).find((o) => o.value === 'start').action;
	const notice = properties.find((p) => p.name === 'waitBusyNotice').displayName;
	expect({ title: facts.title, notice: facts.notice }).toEqual({ title: named, notice });
	expect(named).toBe(startAction);
});

describe("docs/trigger.md's Fetch Test Event picture", () => {
	let standin;
	beforeAll(async () => {
		standin = await startStandin({ apiKey: 'docs-image-key-31c2' });
	});
	afterAll(async () => standin.close());

	test('shows the message and description the built trigger gives for that case now', async () => {
		const facts = readFacts(image('trigger-fetch-test-event-none-matching'));
		expect(facts).toEqual(expect.objectContaining({ n8n: '2.41.1', event: 'failed' }));
		expect(fs.readFileSync(path.join(root, 'docs/trigger.md'), 'utf8')).toContain('](images/trigger-fetch-test-event-none-matching.png)');
		// The editor check's case: one run still running, a newer one finished as succeeded.
		standin.state.setFlow({ id: facts.flowId, durationMs: null });
		standin.state.createRun({ flowId: facts.flowId, durationMs: null });
		standin.state.finishRun(standin.state.createRun({ flowId: facts.flowId, durationMs: null }).run_id, 'succeeded');
		const poller = await createHarness().createPoller(
			{ type: TYPES.vishwaTrigger, parameters: { flowId: facts.flowId, event: facts.event, options: {} }, credentials: { vishwaApi: { id: 'c', name: 'Vishwa API' } } },
			{ credentials: { vishwaApi: { apiKey: 'docs-image-key-31c2', baseUrl: standin.url } } },
		);
		const error = await poller.poll({ pollMode: 'manual' }).then(() => undefined, (e) => e);
		expect({ message: facts.message, description: facts.description }).toEqual({ message: error.message, description: error.description });
	});
});
