import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { ATTACHED_FILES_KEY } from '../../core/attachments';
import { apiPaths } from '../../core/paths';
import { extractRunId, summarizeBody } from '../../core/responses';
import {
	buildStartRunBody,
	parseJsonObject,
	rowsToObject,
	type FieldValueType,
	type JsonObject,
} from '../../core/startRun';
import { vishwaApiRequest, type VishwaConnection, type VishwaRequest } from '../../transport';
import type { Batch } from '../batch';
import { commonOptions, flowIdProperties, itemParameter, readCommonOptions, readId, waitBusyNotice } from '../common';
import { errorItemJson, setErrorItemJson } from '../errorItem';
import { notSentAgain, outcomeUnknown, triesMemory } from '../tries';
import {
	attachFilesProperties,
	describeUploaded,
	readAttachFilesSettings,
	uploadAttachedFiles,
	type AttachedFiles,
} from './attachFiles';
import { toJsonObject } from './getStatus.operation';
import { readMaxUnfinishedRuns, readWaitSettings, waitProperties } from './waitForRun';

const show = { resource: ['run'], operation: ['start'] };

/** Display names, so errors name what the user sees. */
const FIELDS = {
	inputs: 'Inputs',
	inputsJson: 'Inputs (JSON)',
	overrides: 'Node Overrides',
	overrideConfigJson: 'Override Config (JSON)',
};

const valueTypeProperty = (defaultType: FieldValueType): INodeProperties => ({
	displayName: 'Type',
	name: 'type',
	type: 'options',
	options: [
		{
			name: 'JSON',
			value: 'json',
			description: 'Parsed as JSON, so 42, true, null, ["a"] or {"k": 1} arrive typed',
		},
		{
			name: 'Text',
			value: 'text',
			description: "Sent as a string (an expression's result keeps its own type)",
		},
	],
	default: defaultType,
});

const specifyOptions: INodePropertyOptions[] = [
	{ name: 'Using Fields Below', value: 'keypair' },
	{ name: 'Using JSON', value: 'json' },
];

export const description: INodeProperties[] = [
	...flowIdProperties(['start']),
	{
		displayName: 'Specify Inputs',
		name: 'specifyInputs',
		type: 'options',
		options: specifyOptions,
		default: 'keypair',
		description: "How to give the flow's inputs (see the flow's Integrate panel in Vishwa for their names)",
		displayOptions: { show },
	},
	{
		displayName: FIELDS.inputs,
		name: 'inputFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input',
		default: {},
		displayOptions: { show: { ...show, specifyInputs: ['keypair'] } },
		options: [
			{
				name: 'input',
				displayName: 'Input',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. input_1',
						description: "The input's name, as the flow's Integrate panel shows it",
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
					valueTypeProperty('text'),
				],
			},
		],
	},
	{
		displayName: FIELDS.inputsJson,
		name: 'inputsJson',
		type: 'json',
		default: '{}',
		description: 'One JSON object with the flow\'s inputs, e.g. {"input_1": "value", "count": 3}',
		displayOptions: { show: { ...show, specifyInputs: ['json'] } },
	},
	{
		displayName: 'Override Config',
		name: 'specifyOverrideConfig',
		type: 'options',
		options: [{ name: 'None', value: 'none' }, ...specifyOptions],
		default: 'none',
		description: "Whether and how to override the configuration of some of the flow's nodes for this run (override_config)",
		displayOptions: { show },
	},
	{
		displayName: FIELDS.overrides,
		name: 'overrideConfigFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Node Override',
		default: {},
		displayOptions: { show: { ...show, specifyOverrideConfig: ['keypair'] } },
		options: [
			{
				name: 'override',
				displayName: 'Override',
				values: [
					{
						displayName: 'Node ID',
						name: 'name',
						type: 'string',
						default: '',
						description: "The ID of the flow's node whose configuration is overridden",
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. {"temperature": 0.2}',
					},
					valueTypeProperty('json'),
				],
			},
		],
	},
	{
		displayName: FIELDS.overrideConfigJson,
		name: 'overrideConfigJson',
		type: 'json',
		default: '{}',
		description: 'One JSON object mapping node IDs to their override, e.g. {"node_1": {"temperature": 0.2}}',
		displayOptions: { show: { ...show, specifyOverrideConfig: ['json'] } },
	},
	...attachFilesProperties(show),
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until the run finishes and output its final status instead of the start answer',
		displayOptions: { show },
	},
	waitBusyNotice({ ...show, waitForCompletion: [true] }),
	...waitProperties({ ...show, waitForCompletion: [true] }, { startsRuns: true }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [...commonOptions],
	},
];

/** The start-run body from the item's parameters; every problem is found before sending. */
function readStartRunBody(ctx: IExecuteFunctions, itemIndex: number): JsonObject {
	const inputsAsJson = itemParameter(ctx, 'specifyInputs', itemIndex, 'keypair') === 'json';
	const inputs = inputsAsJson
		? parseJsonObject(ctx.getNodeParameter('inputsJson', itemIndex, '{}'), FIELDS.inputsJson, '{"input_1": "value"}')
		: rowsToObject(ctx.getNodeParameter('inputFields.input', itemIndex, []), {
				field: FIELDS.inputs,
				keyLabel: 'Name',
				defaultType: 'text',
			});

	const overrideMode = itemParameter(ctx, 'specifyOverrideConfig', itemIndex, 'none');
	let overrideConfig: JsonObject | undefined;
	if (overrideMode === 'json') {
		overrideConfig = parseJsonObject(
			ctx.getNodeParameter('overrideConfigJson', itemIndex, '{}'),
			FIELDS.overrideConfigJson,
			'{"node_1": {"temperature": 0.2}}',
		);
	} else if (overrideMode === 'keypair') {
		overrideConfig = rowsToObject(ctx.getNodeParameter('overrideConfigFields.override', itemIndex, []), {
			field: FIELDS.overrides,
			keyLabel: 'Node ID',
			defaultType: 'json',
		});
	}

	return buildStartRunBody(inputs, overrideConfig, {
		inputs: inputsAsJson ? FIELDS.inputsJson : FIELDS.inputs,
		overrideConfig: overrideMode === 'json' ? FIELDS.overrideConfigJson : FIELDS.overrides,
	});
}

interface PreparedStart {
	flowId: string;
	path: string;
	body: JsonObject;
	attach: ReturnType<typeof readAttachFilesSettings>;
}

const preparedItems = new WeakMap<object, Map<number, PreparedStart>>();

/**
 * The item's start-run request (flow, body, files to attach), read and checked once per execution:
 * the router calls this for every item before the first request, so a bad input in any item fails
 * the node (or, with Continue On Fail, that item) before any run is started.
 */
export function prepare(ctx: IExecuteFunctions, itemIndex: number): PreparedStart {
	let items = preparedItems.get(ctx);
	if (!items) {
		items = new Map();
		preparedItems.set(ctx, items);
	}
	let item = items.get(itemIndex);
	if (!item) {
		const flowId = readId(ctx, 'flowId', itemIndex);
		const path = apiPaths.startRun(flowId);
		const body = readStartRunBody(ctx, itemIndex);
		const inputsField =
			itemParameter(ctx, 'specifyInputs', itemIndex, 'keypair') === 'json' ? FIELDS.inputsJson : FIELDS.inputs;
		item = { flowId, path, body, attach: readAttachFilesSettings(ctx, itemIndex, body, inputsField) };
		items.set(itemIndex, item);
	}
	return item;
}

/**
 * POST start-run once (never repeated when the answer may be lost) and return Vishwa's answer; with
 * Wait for Completion, the final status fields on top of the start answer's. The upload and the
 * start-run take one of the execution's Concurrency places; the wait then joins the execution's
 * one waiter, so the place is free for the next item at once.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: VishwaConnection,
	batch: Batch,
): Promise<INodeExecutionData> {
	const { flowId, path, body, attach } = prepare(this, itemIndex);
	const wait = itemParameter(this, 'waitForCompletion', itemIndex, false) === true;
	// Read before starting: a bad wait option must not leave a run behind.
	const settings = wait ? readWaitSettings(this, itemIndex) : undefined;
	const maxUnfinishedRuns = wait ? readMaxUnfinishedRuns(this, itemIndex) : undefined;
	const { timeoutMs } = readCommonOptions(this, itemIndex);
	const flow = String(flowId).trim();

	// An item's upload and start-run hold one Concurrency place together, given back while they
	// wait before a retry or at the rate limit (a 429 holds every item's start-run, so runs still
	// start in item order). Status requests take a place per attempt, in the limiter's priority
	// lane: see RunWaiter.
	const start = async () => {
		const started = await batch.itemRequests(
			itemIndex,
			async (rateLimit) =>
				await uploadAndStart(this, connection, {
					itemIndex,
					flow,
					path,
					body,
					attach,
					timeoutMs,
					slot: undefined,
					rateLimit,
					// Another item failed the node while this one's files were being uploaded.
					stopped: () => batch.failed !== undefined && batch.failed !== itemIndex,
				}),
		);
		// Known, for the message of a node that fails later (another item, say).
		const runId = extractRunId(started.answer);
		if (runId !== undefined) batch.startedRuns.set(itemIndex, runId);
		return started;
	};
	// A 200 without a run ID is no success: the run has probably started, but nothing can follow it
	// (a retry reuses the remembered answer, so it reports the same error and starts nothing).
	const withRunId = (answer: unknown, started: IDataObject): string => {
		const runId = extractRunId(answer);
		if (runId !== undefined) return runId;
		const error = new NodeOperationError(
			this.getNode(),
			`Vishwa's answer to starting a run of flow "${flow}" has no run ID${settings ? ', so the node cannot wait for it' : ''}`,
			{
				description: `The run has probably started: check the flow's runs in Vishwa before starting it again. Vishwa answered ${summarizeBody(answer)}.`,
				itemIndex,
			},
		);
		throw setErrorItemJson(error, started);
	};
	if (!settings || maxUnfinishedRuns === undefined) {
		const { answer, withAttached } = await start();
		const started = withAttached(toJsonObject(answer, 'response'));
		withRunId(answer, started);
		return { json: started };
	}

	// The place for an unfinished run is taken before starting and given back when the run is seen
	// finished (see UnfinishedRuns), not when the item's wait ends.
	const place = await batch.unfinishedRuns(maxUnfinishedRuns).take(itemIndex, settings.maxWaitMs);
	const { answer, withAttached } = await start().catch((error: unknown) => {
		if (runMayExist.has(error as object)) place.keepForGood();
		else place.release();
		throw error;
	});
	const started = withAttached(toJsonObject(answer, 'response'));
	// Without a run ID the run has probably started, and cannot be followed: its place is kept.
	if (extractRunId(answer) === undefined) place.keepForGood();
	const runId = withRunId(answer, started);
	place.startedRun(runId);
	let waited = false;
	try {
		const final = await batch.runWaiter().wait({
			flowId,
			runId,
			itemIndex,
			settings,
			timeoutMs,
			pollImmediately: false,
			onWaitEnd: (end) => {
				waited = true;
				if (end.kind === 'done') place.release();
				else place.keepWhileRunning({ flowId, runId, itemIndex, settings, timeoutMs }, end.backoff);
			},
		});
		return { json: { ...started, ...final, ...withAttached({}) } };
	} catch (error) {
		if (!waited) place.release(); // the wait could not begin (a bad run ID)
		// The run exists: its item keeps the run ID and the start answer (under the last status).
		throw setErrorItemJson(error, { ...started, ...errorItemJson(error), run_id: runId });
	}
}

/** Start-run failures after which the run may exist (its answer was lost): Max Unfinished Runs counts it. */
const runMayExist = new WeakSet<object>();

/** Uploads the attached files (if any), then POSTs start-run once; a failed upload starts nothing. */
async function uploadAndStart(
	ctx: IExecuteFunctions,
	connection: VishwaConnection,
	request: {
		itemIndex: number;
		flow: string;
		path: string;
		body: JsonObject;
		attach: ReturnType<typeof readAttachFilesSettings>;
		timeoutMs?: number;
		slot: VishwaRequest['slot'];
		rateLimit: VishwaRequest['rateLimit'];
		/** Whether the node already fails (another item failed): then no run is started. */
		stopped: () => boolean;
	},
): Promise<{ answer: unknown; withAttached: (json: IDataObject) => IDataObject }> {
	const { itemIndex, flow, body, attach, timeoutMs, slot, rateLimit } = request;
	// Retry On Fail runs the node again, whole: what an earlier try already did for this item is
	// reused, so a retry never starts a second run (or uploads the attached files again).
	const earlier = triesMemory<EarlierTry>(ctx, 'start');
	const before = earlier?.get(itemIndex);
	if (before?.kind === 'outcomeUnknown') throw notSentAgain(before.error, before.avoided);

	// Attached files are uploaded first; a failed upload throws, so no run is started.
	let attached = before?.attached;
	if (!attached && attach) {
		let uploadFailure: unknown;
		try {
			attached = await uploadAttachedFiles(ctx, connection, { itemIndex, flow, settings: attach, answerTimeoutMs: timeoutMs, slot, rateLimit });
		} catch (error) {
			uploadFailure = error;
		}
		if (uploadFailure !== undefined) {
			// Vishwa may have stored the files (answer lost, 5xx, an answer the node could not use).
			if (outcomeUnknown(uploadFailure)) {
				earlier?.set(itemIndex, { kind: 'outcomeUnknown', error: uploadFailure as Error, avoided: FILES_NOT_STORED_TWICE });
			}
			throw uploadFailure;
		}
	}
	// Only before the start-run: a 'started' record must survive every later try (one run per item).
	if (attached && before?.kind !== 'started') earlier?.set(itemIndex, { kind: 'uploaded', attached });
	// fromEntries, not Object.assign: an input named "__proto__" stays an ordinary key.
	const sentBody = attached ? Object.fromEntries([...Object.entries(body), ...Object.entries(attached.inputs)]) : body;
	const withAttached = (json: IDataObject): IDataObject =>
		attached ? { ...json, [ATTACHED_FILES_KEY]: attached.files } : json;
	let answer: unknown;
	let failure: unknown;
	if (before?.kind === 'started') {
		answer = before.answer;
	} else if (request.stopped()) {
		// Nothing was sent: a Retry On Fail starts its run normally (tries.ts outcomeUnknown).
		failure = Object.assign(
			new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: no run was started, because another item failed first`, {
				itemIndex,
			}),
			{ notSent: true },
		);
	} else {
		try {
			answer = await startRunRequest(ctx, connection, { path: request.path, body: sentBody, flow, timeoutMs, itemIndex, slot, rateLimit });
			earlier?.set(itemIndex, { kind: 'started', answer, attached });
		} catch (error) {
			failure = error;
			if (outcomeUnknown(error) && typeof error === 'object' && error !== null) runMayExist.add(error);
		}
	}
	if (failure !== undefined) {
		// Say which files are already stored, so they are not uploaded again blindly.
		if (attached) {
			const error = failure as Error & { description?: string | null };
			error.description = [error.description, describeUploaded(attached.files)].filter(Boolean).join(' ');
		}
		if (outcomeUnknown(failure)) earlier?.set(itemIndex, { kind: 'outcomeUnknown', error: failure as Error, avoided: NO_SECOND_RUN });
		throw failure;
	}
	return { answer, withAttached };
}

/** What an earlier try of this node execution did for an item (see ../tries.ts). */
type EarlierTry =
	| { kind: 'uploaded'; attached: AttachedFiles }
	| { kind: 'started'; answer: unknown; attached?: AttachedFiles }
	| { kind: 'outcomeUnknown'; error: Error; avoided: string; attached?: undefined };

/** What a retry avoids by not sending again a request whose outcome is unknown. */
const NO_SECOND_RUN = 'no second run was started';
const FILES_NOT_STORED_TWICE = 'the files are not stored twice (and no run was started)';

/** POST start-run once: never repeated when the answer may be lost. */
async function startRunRequest(
	ctx: IExecuteFunctions,
	connection: VishwaConnection,
	request: {
		path: string;
		body: JsonObject;
		flow: string;
		timeoutMs?: number;
		itemIndex: number;
		slot: VishwaRequest['slot'];
		rateLimit: VishwaRequest['rateLimit'];
	},
): Promise<unknown> {
	const { flow } = request;
	return await vishwaApiRequest(ctx, connection, {
		method: 'POST',
		path: request.path,
		json: request.body,
		idempotency: 'unsafe',
		timeoutMs: request.timeoutMs,
		itemIndex: request.itemIndex,
		action: `start a run of flow "${flow}"`,
		notFoundMessage: `Flow "${flow}" was not found`,
		lostAnswerHint: `The run of flow "${flow}" may have started anyway. Check the flow's runs in Vishwa (or, if you know its run ID, use Run > Get Status) before starting it again.`,
		slot: request.slot,
		rateLimit: request.rateLimit,
	});
}
