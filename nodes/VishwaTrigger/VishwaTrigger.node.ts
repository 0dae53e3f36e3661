/**
 * Vishwa Trigger: starts the workflow once for every run of a Vishwa flow that finishes after the
 * workflow was activated (runs started from n8n, from Vishwa's own UI, schedules or other systems).
 *
 * The decisions (what to emit, what to remember) are the pure state machine in
 * ../Vishwa/core/triggerState.ts, which also documents the saved state. This file only wires it to
 * HTTP (through the transport) and to the node's workflow static data, under one key:
 *
 *   staticData.vishwaTrigger = { v, flow, hwm, floor, done, pending, gaps }   (bounded, < 64 KiB)
 *
 * The new state is assigned only after every request of the poll succeeded. n8n 1.x keeps the static
 * data object in memory between polls even when a poll throws, and n8n 2.x hands a migrated poller a
 * per-poll snapshot it commits only after a successful poll: mutating the object as we went would
 * corrupt the first and gain nothing with the second. "Fetch Test Event" (manual mode) never reads or
 * writes the state.
 */
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { VishwaInputError } from '../Vishwa/core/errors';
import { apiPaths } from '../Vishwa/core/paths';
import { extractRunList, isJsonObject, summarizeBody } from '../Vishwa/core/responses';
import { DEFAULT_FAILURE_STATUSES, DEFAULT_SUCCESS_STATUSES } from '../Vishwa/core/status';
import {
	DEFAULT_PAGE_SIZE,
	MAX_PAGE_SIZE,
	parseTriggerSettings,
	readTriggerState,
	TEST_EVENT_SCAN_RUNS,
	TRIGGER_FIELDS,
	TriggerPoll,
	withFlowId,
	type EmittedRun,
	type TriggerRequest,
	type TriggerSettings,
} from '../Vishwa/core/triggerState';
import {
	DEFAULT_REQUEST_TIMEOUT_MS,
	getVishwaConnection,
	vishwaApiRequest,
	type VishwaConnection,
} from '../Vishwa/transport';

/** Key of the trigger's state in the node's static data. */
const STATE_KEY = 'vishwaTrigger';

/** n8n 1.x has no poll budget: stop reading new listing pages after this long (the rest is a gap). */
const FALLBACK_PAGING_BUDGET_MS = 2 * 60 * 1000;

export class VishwaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vishwa Trigger',
		name: 'vishwaTrigger',
		icon: { light: 'file:../Vishwa/vishwa.svg', dark: 'file:../Vishwa/vishwa.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Flow " + $parameter["flowId"] }}',
		description: 'Starts the workflow when a run of a Vishwa flow finishes',
		defaults: { name: 'Vishwa Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vishwaApi', required: true }],
		properties: [
			{
				displayName: 'Flow ID',
				name: 'flowId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. 6650c1f2a9…',
				description: "The flow's ID, as shown in Vishwa's Integrate panel",
				hint: "Polls the flow's run listing (GET /v1/workflow/ID/runs), which Vishwa's published API does not document: the server must offer it",
			},
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Run Finished',
						value: 'any',
						description: 'A run ended, whether it succeeded or failed',
					},
					{
						name: 'Run Succeeded',
						value: 'succeeded',
						description: 'A run ended with one of the Success Statuses',
					},
					{
						name: 'Run Failed',
						value: 'failed',
						description: 'A run ended with one of the Failure Statuses',
					},
				],
				default: 'any',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: TRIGGER_FIELDS.failureStatuses,
						name: 'failureStatuses',
						type: 'string',
						default: DEFAULT_FAILURE_STATUSES.join(', '),
						description:
							'Comma-separated run_status values that mean the run failed (any letter case). A status on neither list means the run is still going.',
					},
					{
						displayName: TRIGGER_FIELDS.fetchFullStatus,
						name: 'fetchFullStatus',
						type: 'boolean',
						default: false,
						description:
							"Whether to output each run's answer from the status endpoint instead of its entry in the runs listing (one more request per run)",
					},
					{
						displayName: TRIGGER_FIELDS.pageSize,
						name: 'pageSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
						default: DEFAULT_PAGE_SIZE,
						description: 'How many runs to ask for per listing request',
					},
					{
						displayName: 'Request Timeout (Ms)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_REQUEST_TIMEOUT_MS,
						description:
							'How long one request may take, answer included, before it fails (it is then retried)',
					},
					{
						displayName: TRIGGER_FIELDS.successStatuses,
						name: 'successStatuses',
						type: 'string',
						default: DEFAULT_SUCCESS_STATUSES.join(', '),
						description: 'Comma-separated run_status values that mean the run succeeded (any letter case)',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings(this);
		const connection = await getVishwaConnection(this);
		const pollOptions = {
			flowId: settings.flowId,
			filter: settings.filter,
			lists: settings.lists,
			pageSize: settings.pageSize,
			fetchFullStatus: settings.fetchFullStatus,
			nowMs: Date.now(),
		};

		if (this.getMode() === 'manual') {
			const search = TriggerPoll.testEventSearch(pollOptions);
			await drive(this, search, connection, settings, () => false);
			const run = search.foundTestEvent();
			if (!run) {
				const which = settings.filter === 'any' ? 'finished' : settings.filter;
				throw new NodeOperationError(
					this.getNode(),
					`Flow "${settings.flowId}" has no ${which} runs yet`,
					{
						description: `None of its ${TEST_EVENT_SCAN_RUNS} newest runs is ${which}. Let a run of the flow finish (in Vishwa, or with the Vishwa node), then fetch again.`,
					},
				);
			}
			return [[toItem(run, settings.flowId)]];
		}

		const staticData = this.getWorkflowStaticData('node');
		// A copy: the poll must not touch n8n's object until every request has succeeded.
		const saved = readTriggerState(jsonCopy(staticData[STATE_KEY]), settings.flowId);
		const poll = new TriggerPoll(saved, pollOptions);
		const startedMs = Date.now();
		const budgetMs = pagingBudgetMs(this);
		await drive(this, poll, connection, settings, () => Date.now() - startedMs > budgetMs);
		const result = poll.result();

		if (result.changed) staticData[STATE_KEY] = result.state as unknown as IDataObject;
		if (result.runs.length === 0) return null;
		return [result.runs.map((run) => toItem(run, settings.flowId))];
	}
}

function readSettings(ctx: IPollFunctions): TriggerSettings {
	const raw = {
		flowId: ctx.getNodeParameter('flowId', ''),
		event: ctx.getNodeParameter('event', 'any'),
		...(ctx.getNodeParameter('options', {}) as IDataObject),
	};
	let inputError: VishwaInputError | undefined;
	try {
		return parseTriggerSettings(raw);
	} catch (error) {
		if (!(error instanceof VishwaInputError)) {
			throw new NodeOperationError(ctx.getNode(), error as Error);
		}
		inputError = error;
	}
	throw new NodeOperationError(ctx.getNode(), inputError.message, { description: inputError.description });
}

/** Half the poll's time budget (n8n 2.x) goes to reading listing pages; the rest waits for the next poll. */
function pagingBudgetMs(ctx: IPollFunctions): number {
	const getBudget = (ctx as { getPollBudgetMs?: () => number }).getPollBudgetMs;
	if (typeof getBudget !== 'function') return FALLBACK_PAGING_BUDGET_MS;
	const budget = Number(getBudget.call(ctx));
	return Number.isFinite(budget) && budget > 0 ? budget / 2 : FALLBACK_PAGING_BUDGET_MS;
}

/** Sends the poll's requests one by one and feeds it the answers. Any failure ends the poll. */
async function drive(
	ctx: IPollFunctions,
	poll: TriggerPoll,
	connection: VishwaConnection,
	settings: TriggerSettings,
	outOfTime: () => boolean,
): Promise<void> {
	for (let request = poll.next(outOfTime()); request; request = poll.next(outOfTime())) {
		if (request.kind === 'list') {
			poll.listed(await listRuns(ctx, connection, settings, request));
		} else {
			poll.statusAnswered(await runStatus(ctx, connection, settings, request.runId));
		}
	}
}

async function listRuns(
	ctx: IPollFunctions,
	connection: VishwaConnection,
	settings: TriggerSettings,
	request: Extract<TriggerRequest, { kind: 'list' }>,
): Promise<unknown[]> {
	const body = await vishwaApiRequest(ctx, connection, {
		method: 'GET',
		path: apiPaths.listRuns(settings.flowId),
		qs: { limit: request.limit, offset: request.offset },
		idempotency: 'safe',
		timeoutMs: settings.timeoutMs,
		action: `list the runs of flow "${settings.flowId}"`,
		notFoundMessage: `Flow "${settings.flowId}" was not found`,
	});
	const runs = extractRunList(body);
	if (!runs) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Vishwa's answer to list the runs of flow "${settings.flowId}" is not a list of runs`,
			{
				description: `Expected a JSON array, or an object with the array under "runs", "data" or "items"; got ${summarizeBody(body)}. Check the Base URL in the Vishwa API credential.`,
			},
		);
	}
	return runs;
}

/** A run's status answer, or `undefined` when Vishwa no longer knows the run (404). */
async function runStatus(
	ctx: IPollFunctions,
	connection: VishwaConnection,
	settings: TriggerSettings,
	runId: string,
): Promise<unknown> {
	let failure: unknown;
	try {
		return await vishwaApiRequest(ctx, connection, {
			method: 'GET',
			path: apiPaths.runStatus(settings.flowId, runId),
			idempotency: 'safe',
			timeoutMs: settings.timeoutMs,
			action: `get the status of run "${runId}"`,
			notFoundMessage: `Run "${runId}" of flow "${settings.flowId}" was not found`,
		});
	} catch (error) {
		failure = error;
	}
	if (failure instanceof NodeApiError && String(failure.httpCode) === '404') return undefined;
	// The transport only throws n8n errors (NodeApiError / NodeOperationError) already.
	throw failure;
}

/** The run as Vishwa described it, untouched, plus the flow id (unless Vishwa already sent one). */
function toItem(run: EmittedRun, flowId: string): INodeExecutionData {
	return { json: withFlowId(run.body, flowId) as IDataObject };
}

function jsonCopy(value: unknown): unknown {
	return value === undefined || !isJsonObject(value) ? undefined : JSON.parse(JSON.stringify(value));
}
