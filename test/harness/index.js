'use strict';
/**
 * In-process n8n test harness: runs this package's built nodes (dist/) inside n8n's own execution
 * code from n8n-core — WorkflowExecute for regular nodes, a real PollContext for the trigger, the
 * real CredentialTestContext for the credential test — with real HTTP through n8n's request helpers.
 *
 * Only the credential store is hand-made (there is no database): it hands the node the decrypted
 * credential data and applies the credential type's own `authenticate` block through n8n's
 * expression engine, the way n8n's CredentialsHelper does.
 *
 * n8n-core reads its configuration (user folder, binary data mode) from the environment once per
 * module registry. Jest gives every test file its own registry, so call `createHarness()` at the top
 * of a test file, before anything requires n8n-core, and use one binary mode per file.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(PACKAGE_ROOT, 'package.json')).name;

/** Node type names as a workflow JSON file uses them. */
const TYPES = {
	vishwa: `${PACKAGE_NAME}.vishwa`,
	vishwaTrigger: `${PACKAGE_NAME}.vishwaTrigger`,
	manualTrigger: 'n8n-nodes-base.manualTrigger',
	items: 'test.items',
};

let harnessEnvReady = false;

const NO_SCAN = { registerKey() {}, record() {}, add() {}, packageUsed: false };
/** The suite-wide secret scan (test/support/secretScan.js), or a no-op outside Jest. */
function secretScan() {
	return global.__vishwaSecretScan || NO_SCAN;
}

/**
 * @param {{ binaryMode?: 'default' | 'filesystem' }} [options]
 *   'default' keeps binary data in memory (base64 in the item), 'filesystem' stores it in files,
 *   as n8n instances do with N8N_DEFAULT_BINARY_DATA_MODE=filesystem.
 */
function createHarness({ binaryMode = 'default' } = {}) {
	if (!harnessEnvReady) {
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'vishwa-harness-'));
		process.env.N8N_USER_FOLDER = userFolder;
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = binaryMode;
		process.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(userFolder, 'binaryData');
		process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
		harnessEnvReady = true;
	} else if (process.env.N8N_DEFAULT_BINARY_DATA_MODE !== binaryMode) {
		throw new Error('One binary data mode per test file: n8n-core reads it once per module registry');
	}
	return new Harness(binaryMode);
}

class Harness {
	constructor(binaryMode) {
		this.binaryMode = binaryMode;
		this.core = require('n8n-core');
		this.workflowLib = require('n8n-workflow');
		this.di = require('@n8n/di');
		this._loaded = undefined;
		secretScan().packageUsed = true;
	}

	/** Loads dist/ the way n8n loads an installed community package (package.json "n8n" field). */
	async load() {
		if (this._loaded) return this._loaded;
		const { PackageDirectoryLoader, BinaryDataService } = this.core;
		const { Container } = this.di;
		await Container.get(BinaryDataService).init();
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const nodeTypes = {};
		for (const [name, data] of Object.entries(loader.nodeTypes)) {
			nodeTypes[`${PACKAGE_NAME}.${name}`] = data.type;
		}
		Object.assign(nodeTypes, testOnlyNodeTypes(this.workflowLib));
		const credentialTypes = {};
		for (const [name, data] of Object.entries(loader.credentialTypes)) credentialTypes[name] = data.type;
		this._loaded = { loader, nodeTypes, credentialTypes };
		return this._loaded;
	}

	/**
	 * Registers node types of another n8n node package (for example n8n-nodes-base from a real n8n
	 * install, to compare with its HTTP Request node) as `<package name>.<node name>`, from built
	 * files relative to the package directory, e.g. 'dist/nodes/HttpRequest/HttpRequest.node.js'.
	 * Returns the type names. The files' own dependencies resolve from the package's location.
	 */
	async registerPackageNodes(packageDir, nodeFiles) {
		const { nodeTypes } = await this.load();
		const packageName = require(path.join(packageDir, 'package.json')).name;
		return nodeFiles.map((file) => {
			const className = path.basename(file).replace(/\.node\.js$/, '');
			const NodeClass = require(path.join(packageDir, file))[className];
			if (typeof NodeClass !== 'function') throw new Error(`${file} does not export a class ${className}`);
			const nodeType = new NodeClass();
			const type = `${packageName}.${nodeType.description.name}`;
			nodeTypes[type] = nodeType;
			return type;
		});
	}

	nodeTypesRegistry(nodeTypes) {
		const { NodeHelpers } = this.workflowLib;
		return {
			getByName: (type) => nodeTypes[type],
			getByNameAndVersion: (type, version) => {
				const nodeType = nodeTypes[type];
				if (!nodeType) throw new Error(`Unknown node type ${type}`);
				return NodeHelpers.getVersionedNodeType(nodeType, version);
			},
			getKnownTypes: () => ({}),
		};
	}

	/**
	 * A credentials helper backed by a plain object { vishwaApi: { apiKey, baseUrl } }.
	 * `authenticate` applies the credential type's own generic authenticate block, resolving its
	 * expressions with n8n's expression engine.
	 */
	credentialsHelper(credentials, credentialTypes) {
		const { ICredentialsHelper } = this.workflowLib;
		for (const data of Object.values(credentials)) secretScan().registerKey(data && data.apiKey);
		const { Credentials } = this.core;
		const requestLog = [];
		const helper = new (class extends ICredentialsHelper {
			getParentTypes() {
				return [];
			}
			async authenticate(data, typeName, requestOptions, workflow, node) {
				const type = credentialTypes[typeName];
				requestLog.push({ typeName, url: requestOptions.url });
				const auth = type && type.authenticate;
				if (typeof auth === 'function') return await auth(data, requestOptions);
				if (!auth || auth.type !== 'generic') return requestOptions;
				for (const [outerKey, entries] of Object.entries(auth.properties)) {
					requestOptions[outerKey] = requestOptions[outerKey] || {};
					for (const [key, value] of Object.entries(entries)) {
						const resolve = (v) =>
							typeof v === 'string' && v.startsWith('=')
								? workflow.expression.getParameterValue(v, null, 0, 0, node.name, [], 'internal', { $credentials: data })
								: v;
						requestOptions[outerKey][resolve(key)] = resolve(value);
					}
				}
				return requestOptions;
			}
			async preAuthentication() {
				return undefined;
			}
			async runPreAuthentication() {
				return undefined;
			}
			getCredentialsProperties(type) {
				return (credentialTypes[type] && credentialTypes[type].properties) || [];
			}
			async getDecrypted(_additionalData, _nodeCredentials, type) {
				if (!credentials[type]) throw new Error(`No test credentials of type ${type}`);
				return { ...credentials[type] };
			}
			async getCredentials() {
				return new Credentials({ id: null, name: '' }, '', '');
			}
			async updateCredentials() {}
			async updateCredentialsOauthTokenData() {}
			isCredentialUsableByNode() {
				return true;
			}
			getCredentialsOauth2Options() {
				return undefined;
			}
		})();
		helper.requestLog = requestLog;
		return helper;
	}

	additionalData(credentialsHelper, hooks) {
		return {
			credentialsHelper,
			hooks,
			executionId: `test-${Date.now()}`,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			currentNodeParameters: undefined,
			executionTimeoutTimestamp: undefined,
			userId: 'test-user',
			variables: {},
			setExecutionStatus: () => {},
			sendDataToUI: () => {},
			logAiEvent: () => {},
			getRunExecutionData: async () => undefined,
			startRunnerTask: async () => {
				throw new Error('Code execution is not available in the test harness');
			},
		};
	}

	/**
	 * Runs a workflow (n8n workflow JSON: nodes + connections) from its manual trigger, as "Execute
	 * workflow" in the editor does, and returns { status, error, output(nodeName), run }.
	 * `credentials`: { vishwaApi: { apiKey, baseUrl } }.
	 */
	async runWorkflow(workflowJson, { credentials = {}, mode = 'manual' } = {}) {
		const { nodeTypes, credentialTypes } = await this.load();
		const { Workflow } = this.workflowLib;
		const { WorkflowExecute, ExecutionLifecycleHooks } = this.core;
		const workflow = new Workflow({
			id: 'test-workflow',
			name: workflowJson.name || 'test',
			nodes: workflowJson.nodes,
			connections: workflowJson.connections || {},
			active: false,
			nodeTypes: this.nodeTypesRegistry(nodeTypes),
			settings: workflowJson.settings || {},
			staticData: workflowJson.staticData,
		});
		const hooks = new ExecutionLifecycleHooks(mode, `exec-${Date.now()}`, workflowJson);
		let finished;
		const done = new Promise((resolve) => (finished = resolve));
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished(fullRunData));
		const credentialsHelper = this.credentialsHelper(credentials, credentialTypes);
		const additionalData = this.additionalData(credentialsHelper, hooks);
		const startNode = workflowJson.nodes.find((node) => node.type === TYPES.manualTrigger) || workflow.getStartNode();
		const workflowExecute = new WorkflowExecute(additionalData, mode);
		await workflowExecute.run({ workflow, startNode });
		const run = await done;
		secretScan().record(run);
		return new WorkflowResult(run, credentialsHelper.requestLog);
	}

	/**
	 * Starts a workflow as runWorkflow does, but answers at once with what Stop needs: `stop()` (n8n's
	 * Stop button: cancels the execution), `done` (the run data n8n reports), `nodeDone` (when the
	 * Vishwa node's own execute settled, `{ at, error }`: n8n reports a cancelled execution at once,
	 * whatever the node still does), the credential helper's `requestLog`, and `restore()` (call it
	 * in a finally: the Vishwa node type is watched until then).
	 */
	async startStoppable(workflowJson, { credentials = {}, mode = 'manual' } = {}) {
		const { nodeTypes, credentialTypes } = await this.load();
		const { Workflow } = this.workflowLib;
		const { WorkflowExecute, ExecutionLifecycleHooks } = this.core;
		const vishwa = nodeTypes[TYPES.vishwa];
		let nodeSettled;
		const nodeDone = new Promise((resolve) => (nodeSettled = resolve));
		vishwa.execute = async function (...args) {
			try {
				return await Object.getPrototypeOf(vishwa).execute.apply(this, args);
			} catch (error) {
				nodeSettled({ at: Date.now(), error });
				throw error;
			} finally {
				nodeSettled({ at: Date.now() });
			}
		};
		const workflow = new Workflow({
			id: 'stoppable-workflow',
			name: workflowJson.name || 'stoppable',
			nodes: workflowJson.nodes,
			connections: workflowJson.connections || {},
			active: false,
			nodeTypes: this.nodeTypesRegistry(nodeTypes),
			settings: workflowJson.settings || {},
		});
		const hooks = new ExecutionLifecycleHooks(mode, `exec-stoppable-${Date.now()}`, workflowJson);
		const done = new Promise((resolve) => hooks.addHandler('workflowExecuteAfter', resolve));
		const credentialsHelper = this.credentialsHelper(credentials, credentialTypes);
		const startNode = workflowJson.nodes.find((node) => node.type === TYPES.manualTrigger) || workflowJson.nodes[0];
		const execution = new WorkflowExecute(this.additionalData(credentialsHelper, hooks), mode).run({ workflow, startNode });
		return {
			stop: () => execution.cancel(),
			done: done.then((run) => {
				secretScan().record(run);
				return run;
			}),
			nodeDone,
			requestLog: credentialsHelper.requestLog,
			restore: () => delete vishwa.execute,
		};
	}

	/**
	 * A polling trigger as an active workflow runs it: each `poll()` builds a fresh PollContext (as n8n
	 * does for every scheduled poll) over the same workflow static data, so state persists exactly as
	 * n8n persists it. `restart()` rebuilds the Workflow from a JSON round-trip of the saved static
	 * data, as after an n8n restart.
	 *
	 * `cursorStaging: true` polls the way n8n 2.x polls a node it stores a cursor for: the node gets a
	 * per-poll copy of its static data (PollContext's resolveNodeStaticData), committed only after a
	 * poll that did not throw. Without it, the node reads and writes the workflow's own static data
	 * object, which (as in n8n 1.x) keeps whatever a failed poll changed in it.
	 * `pollBudgetMs`: the poll's time budget n8n 2.x gives the node (getPollBudgetMs; n8n's default
	 * when not given).
	 */
	async createPoller(
		node,
		{ credentials = {}, staticData = {}, mode = 'trigger', activation = 'activate', cursorStaging = false, pollBudgetMs } = {},
	) {
		const { nodeTypes, credentialTypes } = await this.load();
		const { Workflow } = this.workflowLib;
		const { PollContext, ExecutionLifecycleHooks } = this.core;
		const fullNode = { id: 'trigger-node', name: 'Vishwa Trigger', typeVersion: 1, position: [0, 0], ...node };
		const registry = this.nodeTypesRegistry(nodeTypes);
		const credentialsHelper = this.credentialsHelper(credentials, credentialTypes);
		const harness = this;
		let saved = JSON.parse(JSON.stringify(staticData));
		let workflow;
		const build = () => {
			workflow = new Workflow({
				id: 'poll-workflow',
				name: 'poll',
				nodes: [fullNode],
				connections: {},
				active: true,
				nodeTypes: registry,
				staticData: JSON.parse(JSON.stringify(saved)),
			});
		};
		build();
		const nodeType = registry.getByNameAndVersion(fullNode.type, fullNode.typeVersion);
		return {
			node: fullNode,
			get staticData() {
				return workflow.staticData;
			},
			/** Runs one poll; resolves to the emitted items (array of INodeExecutionData) or null. */
			async poll({ pollMode = mode, pollActivation = activation } = {}) {
				const hooks = new ExecutionLifecycleHooks(pollMode, 'poll', { nodes: [fullNode], connections: {} });
				const additionalData = harness.additionalData(credentialsHelper, hooks);
				const bucket = cursorStaging ? workflow.getStaticData('node', fullNode) : undefined;
				const snapshot = cursorStaging ? JSON.parse(JSON.stringify(bucket)) : undefined;
				const context = new PollContext(
					workflow,
					fullNode,
					additionalData,
					pollMode,
					pollActivation,
					undefined,
					undefined,
					undefined,
					undefined,
					cursorStaging ? () => snapshot : undefined,
					// n8n 2.x's poll time budget (PollContext.getPollBudgetMs); unset: n8n's default.
					pollBudgetMs === undefined ? undefined : () => pollBudgetMs,
				);
				let result;
				try {
					result = await nodeType.poll.call(context);
				} catch (error) {
					secretScan().record(error);
					throw error;
				}
				secretScan().record(result);
				if (cursorStaging && JSON.stringify(snapshot) !== JSON.stringify(bucket)) {
					for (const key of Object.keys(bucket)) delete bucket[key];
					Object.assign(bucket, snapshot);
				}
				// n8n saves static data after a poll that did not throw.
				if (workflow.staticData.__dataChanged) {
					saved = JSON.parse(JSON.stringify(workflow.staticData));
					delete saved.__dataChanged;
					workflow.staticData.__dataChanged = false;
				} else {
					saved = JSON.parse(JSON.stringify(workflow.staticData));
				}
				return result === null || result === undefined ? null : result[0];
			},
			/** Throws away the in-memory workflow and rebuilds it from the saved static data. */
			restart() {
				build();
			},
			savedStaticData() {
				return JSON.parse(JSON.stringify(saved));
			},
			requestLog: credentialsHelper.requestLog,
		};
	}

	/**
	 * A "From list" resource locator as the editor fills it: n8n's DynamicNodeParametersService
	 * (packages/cli) builds a throw-away workflow holding one node ("Temp-Node") with the parameters
	 * the editor sends, hands them to a real n8n-core LoadOptionsContext (also as
	 * additionalData.currentNodeParameters), and calls the node type's `methods.listSearch[method]`
	 * with (filter, paginationToken). The same here, with the same n8n-core classes.
	 * Resolves to the INodeListSearchResult; a thrown error is what the editor shows in the list.
	 */
	async listSearch(methodName, { parameters = {}, typeVersion = 1.1, credentials = {}, filter, paginationToken } = {}) {
		const { nodeTypes, credentialTypes } = await this.load();
		const { Workflow } = this.workflowLib;
		const { LoadOptionsContext, ExecutionLifecycleHooks } = this.core;
		const registry = this.nodeTypesRegistry(nodeTypes);
		const node = {
			parameters,
			id: 'uuid-1234',
			name: 'Temp-Node',
			type: TYPES.vishwa,
			typeVersion,
			position: [0, 0],
			credentials: { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } },
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: registry });
		const nodeType = registry.getByNameAndVersion(node.type, typeVersion);
		const method = nodeType.methods && nodeType.methods.listSearch && nodeType.methods.listSearch[methodName];
		if (typeof method !== 'function') throw new Error(`The node has no listSearch method ${methodName}`);
		const credentialsHelper = this.credentialsHelper(credentials, credentialTypes);
		const hooks = new ExecutionLifecycleHooks('internal', 'list-search', { nodes: [node], connections: {} });
		const additionalData = { ...this.additionalData(credentialsHelper, hooks), currentNodeParameters: parameters };
		const context = new LoadOptionsContext(workflow, workflow.nodes['Temp-Node'], additionalData, `parameters.${methodName}`);
		try {
			const result = await method.call(context, filter, paginationToken);
			secretScan().record(result);
			return result;
		} catch (error) {
			secretScan().record(error);
			throw error;
		} finally {
			this.lastListSearchRequests = credentialsHelper.requestLog;
		}
	}

	/**
	 * The credential's "Test" button. n8n's CredentialsTester (packages/cli, not in n8n-core) runs a
	 * declarative `test` through n8n-core's RoutingNode on a throw-away node whose one property routes
	 * the test request; a thrown HTTP error is mapped through the `rules` (responseCode), any other
	 * status outside 2xx fails with the status text, a network error with its code, and a response is
	 * checked against `responseSuccessBody` rules. This does the same with the same n8n-core classes,
	 * so the credential's request, expressions, authenticate block and rules are all the real ones.
	 */
	async testCredential(data) {
		const { credentialTypes } = await this.load();
		const { Workflow } = this.workflowLib;
		const { ExecuteContext, RoutingNode, ExecutionLifecycleHooks } = this.core;
		const typeName = 'vishwaApi';
		const testRequest = credentialTypes[typeName].test;
		if (!testRequest) throw new Error('The credential has no declarative test');
		secretScan().registerKey(data && data.apiKey);
		const tempType = 'test.credentialTest';
		const nodeType = {
			description: {
				displayName: 'Temp',
				name: tempType,
				group: ['transform'],
				version: 1,
				defaults: {},
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: typeName, required: true }],
				properties: [
					{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' },
				],
			},
		};
		const node = {
			id: 'temp',
			parameters: {},
			name: 'Temp-Node',
			type: tempType,
			typeVersion: 1,
			position: [0, 0],
			credentials: { [typeName]: { id: 'cred-1', name: 'Vishwa API' } },
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: this.nodeTypesRegistry({ [tempType]: nodeType }),
		});
		const credentialsDecrypted = { id: 'cred-1', name: 'Vishwa API', type: typeName, data };
		const hooks = new ExecutionLifecycleHooks('internal', 'credential-test', { nodes: [node], connections: {} });
		const additionalData = this.additionalData(this.credentialsHelper({ [typeName]: data }, credentialTypes), hooks);
		const runExecutionData = { resultData: { runData: {} } };
		const executeData = { node, data: {}, source: null };
		const context = new ExecuteContext(workflow, node, additionalData, 'internal', runExecutionData, 0, [], { main: [[{ json: {} }]] }, executeData, []);
		const routingNode = new RoutingNode(context, nodeType, credentialsDecrypted);
		let result;
		let response;
		try {
			response = await routingNode.runNode();
		} catch (error) {
			if (error.cause && error.cause.response) {
				const status = error.cause.response.status;
				const rule = (testRequest.rules || []).find((r) => r.type === 'responseCode' && r.properties.value === status);
				if (rule) result = { status: 'Error', message: rule.properties.message };
				else if (status < 199 || status > 299) {
					result = { status: 'Error', message: error.cause.response.statusText || `Received HTTP status code: ${status}` };
				}
			} else if (error.cause && error.cause.code) {
				result = { status: 'Error', message: error.cause.code };
			}
			if (!result) result = { status: 'Error', message: String(error.message) };
		}
		if (!result) {
			for (const rule of testRequest.rules || []) {
				if (rule.type !== 'responseSuccessBody') continue;
				const json = response[0][0].json;
				const value = rule.properties.key.split('.').reduce((v, k) => (v == null ? v : v[k]), json);
				if (value === rule.properties.value) result = { status: 'Error', message: rule.properties.message };
			}
		}
		result = result || { status: 'OK', message: 'Connection successful!' };
		secretScan().record(result);
		return result;
	}
}

class WorkflowResult {
	constructor(run, requestLog) {
		this.run = run;
		this.status = run.status;
		this.error = run.data.resultData.error;
		this.requestLog = requestLog;
	}

	/** Output items (json + binary + pairedItem) of a node's first run, first output. */
	output(nodeName, outputIndex = 0) {
		const runs = this.run.data.resultData.runData[nodeName];
		if (!runs) throw new Error(`Node "${nodeName}" did not run. Error: ${this.error && this.error.message}`);
		const data = runs[0].data;
		return (data && data.main && data.main[outputIndex]) || [];
	}

	json(nodeName) {
		return this.output(nodeName).map((item) => item.json);
	}

	/** The error a node failed with, if any. */
	nodeError(nodeName) {
		const runs = this.run.data.resultData.runData[nodeName];
		return runs && runs[0].error;
	}
}

/**
 * Stand-ins for core n8n nodes that workflows in tests start from. n8n-nodes-base is not a dependency
 * (it is the whole n8n node library); these do exactly what the test needs: a manual trigger, and a
 * node that emits fixed items, optionally with binary files stored through n8n's binary data
 * service (so they land in memory or on disk according to the binary data mode).
 */
function testOnlyNodeTypes(workflowLib) {
	const { NodeConnectionTypes } = workflowLib;
	const manualTrigger = {
		description: {
			displayName: 'Manual Trigger',
			name: 'manualTrigger',
			group: ['trigger'],
			version: 1,
			defaults: { name: 'Manual Trigger' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute() {
			return [this.getInputData()];
		},
	};
	const items = {
		description: {
			displayName: 'Items',
			name: 'items',
			group: ['transform'],
			version: 1,
			defaults: { name: 'Items' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				{ displayName: 'Items', name: 'items', type: 'json', default: '[]' },
				{ displayName: 'Files', name: 'files', type: 'json', default: '[]' },
			],
		},
		/**
		 * items: JSON array of json objects. files: JSON array (one entry per item) of
		 * { property: { fileName, mimeType, text? | base64? | path? } }; `path` streams a file from disk.
		 */
		async execute() {
			const parse = (name) => {
				const value = this.getNodeParameter(name, 0);
				return typeof value === 'string' ? JSON.parse(value) : value;
			};
			const jsonItems = parse('items');
			const files = parse('files');
			const out = [];
			for (let i = 0; i < jsonItems.length; i++) {
				const item = { json: jsonItems[i], pairedItem: { item: 0 } };
				const itemFiles = files[i];
				if (itemFiles) {
					item.binary = {};
					for (const [property, file] of Object.entries(itemFiles)) {
						let content;
						if (file.path) content = fs.createReadStream(file.path);
						else if (file.base64 !== undefined) content = Buffer.from(file.base64, 'base64');
						else content = Buffer.from(file.text || '', 'utf8');
						item.binary[property] = await this.helpers.prepareBinaryData(content, file.fileName, file.mimeType);
					}
				}
				out.push(item);
			}
			return [out];
		},
	};
	return { [TYPES.manualTrigger]: manualTrigger, [TYPES.items]: items };
}

/** Builds a linear workflow: Manual Trigger -> ...nodes, each { name, type, parameters }. */
function linearWorkflow(nodes) {
	const all = [{ name: 'Manual Trigger', type: TYPES.manualTrigger, parameters: {} }, ...nodes].map(
		(node, index) => ({
			id: `node-${index}`,
			typeVersion: 1,
			position: [index * 220, 0],
			parameters: {},
			...node,
			credentials:
				node.type === TYPES.vishwa ? { vishwaApi: { id: 'cred-1', name: 'Vishwa API' } } : node.credentials,
		}),
	);
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name: 'test', nodes: all, connections };
}

module.exports = { createHarness, linearWorkflow, TYPES, PACKAGE_ROOT };
