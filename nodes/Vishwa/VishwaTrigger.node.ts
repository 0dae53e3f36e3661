/**
 * Vishwa Trigger: starts the workflow once for every run of a Vishwa flow that finishes after the
 * workflow was activated (runs started from n8n, from Vishwa's own UI, schedules or other systems).
 *
 * The decisions (what to emit, what to remember) are the pure poll planner in
 * ./core/triggerPoll.ts; the saved state and its bounds are ./core/triggerState.ts.
 * This file only wires them to HTTP (through the transport), to n8n's log, and to the node's
 * workflow static data, under one key:
 *
 *   staticData.vishwaTrigger = { v, flow, hwm, hwmIds, hwmAll, floor, done, pending, scan, lost }
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

import { flowIdTextField } from './actions/common';
import { VishwaInputError } from './core/errors';
import { apiPaths } from './core/paths';
import { extractRunId, extractRunList, isJsonObject, summarizeBody } from './core/responses';
import { DEFAULT_FAILURE_STATUSES, DEFAULT_SUCCESS_STATUSES } from './core/status';
import { TriggerPoll, type EmittedRun, type TriggerRequest } from './core/triggerPoll';
import {
	DEFAULT_PAGE_SIZE,
	FULL_STATUS_ERROR_KEY,
	MAX_PAGE_SIZE,
	MIN_PAGE_SIZE,
	parseTriggerSettings,
	readTriggerState,
	TEST_EVENT_SCAN_RUNS,
	TRIGGER_FIELDS,
	TriggerListingError,
	withFlowId,
	type TriggerSettings,
} from './core/triggerState';
import {
	connectionKey,
	credentialLabel,
	DEFAULT_REQUEST_TIMEOUT_MS,
	getVishwaConnection,
	vishwaApiRequest,
	type VishwaConnection,
} from './transport';

/** Key of the trigger's state in the node's static data. */
const STATE_KEY = 'vishwaTrigger';

/** n8n 1.x has no poll budget: a poll's time is taken as this long. */
const FALLBACK_POLL_BUDGET_MS = 4 * 60 * 1000;

export class VishwaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vishwa Trigger',
		name: 'vishwaTrigger',
		icon: { light: 'file:vishwa.svg', dark: 'file:vishwa.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Flow " + $parameter["flowId"] }}',
		// n8n's nodes panel lists an app's action node and trigger as one entry and shows the trigger's
		// description for it everywhere (generateMergedNodesAndActions in n8n 2.41.1's editor), also
		// where actions are offered: so it starts with the Vishwa node's own description.
		description: 'Upload assets and start and monitor vishwa.ai flow runs, or start a workflow when a run finishes',
		defaults: { name: 'Vishwa Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vishwaApi', required: true }],
		properties: [
			{
				...flowIdTextField,
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
							"Whether to output each run's answer from the status endpoint instead of its entry in the runs listing (one more request per run). Within the poll's time only; a run whose status could not be had keeps its listing entry, with full_status_error saying why.",
					},
					{
						displayName: TRIGGER_FIELDS.pageSize,
						name: 'pageSize',
						type: 'number',
						typeOptions: { minValue: MIN_PAGE_SIZE, maxValue: MAX_PAGE_SIZE },
						default: DEFAULT_PAGE_SIZE,
						description: 'How many runs to ask for per listing request (at least 2: pages overlap)',
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
			await drive(this, search, connection, settings, () => false, () => false, {});
			const run = search.foundTestEvent();
			if (!run) throw noTestEvent(this, settings, search);
			return [[toItem(run, settings.flowId)]];
		}

		const staticData = this.getWorkflowStaticData('node');
		// A copy: the poll must not touch n8n's object until every request has succeeded.
		const saved = readTriggerState(jsonCopy(staticData[STATE_KEY]), settings.flowId);
		const poll = new TriggerPoll(saved, pollOptions);
		const startedMs = Date.now();
		const budgetMs = pollBudgetMs(this);
		await drive(
			this,
			poll,
			connection,
			settings,
			() => Date.now() - startedMs > budgetMs / 2,
			() => Date.now() - startedMs > budgetMs * 0.8,
			{ listRetryUntil: startedMs + budgetMs, statusDeadlineAt: startedMs + budgetMs * 0.8 },
		);
		const result = poll.result();
		for (const warning of result.warnings) this.logger.warn(`Vishwa Trigger: ${warning}`);

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

/**
 * The poll's time budget (n8n 2.x's getPollBudgetMs; n8n 1.x has none). Half of it goes to reading
 * listing pages (the rest of a long scan is resumed by the next poll), up to 80% to Fetch Full Status.
 */
function pollBudgetMs(ctx: IPollFunctions): number {
	const getBudget = (ctx as { getPollBudgetMs?: () => number }).getPollBudgetMs;
	if (typeof getBudget !== 'function') return FALLBACK_POLL_BUDGET_MS;
	const budget = Number(getBudget.call(ctx));
	return Number.isFinite(budget) && budget > 0 ? budget : FALLBACK_POLL_BUDGET_MS;
}

/**
 * When a poll's requests must end (epoch ms; none for Fetch Test Event). Fetch Full Status requests
 * end at 80% of the poll's time (attempts and waits before a retry cut there; the run then keeps its
 * listing entry, "not fetched: No time was left ..."). Listing and watch-list requests are not cut (the
 * planner reads past the budget on purpose in places, see docs/trigger.md), but no retry whose wait
 * would end past both the poll's time and 4 s after the request was sent is made: the request fails, and
 * with it the poll (nothing saved).
 */
interface PollDeadlines {
	listRetryUntil?: number;
	statusDeadlineAt?: number;
}

/**
 * How long after it is first sent a listing or watch-list request may still pause for a retry, even past
 * the poll's budget: the transport's own backoff (3 retries, at most 0.5 + 1 + 2 s) fits, a Retry-After of
 * 5 s or more does not. Without it a request sent past the budget (the planner's read-on) got no retry at
 * all, and one flaky answer in a long read-on failed the whole poll.
 */
const LIST_RETRY_GRACE_MS = 4000;

/** The moment past which a listing or watch-list request sent now makes no retry (see `LIST_RETRY_GRACE_MS`). */
function listRetryCut(deadlines: PollDeadlines): { at: number; why: string } | undefined {
	if (deadlines.listRetryUntil === undefined) return undefined;
	return { at: Math.max(deadlines.listRetryUntil, Date.now() + LIST_RETRY_GRACE_MS), why: LIST_RETRY_CUT };
}

/** Why a listing request was not retried (ends "Not retried: ..."). */
const LIST_RETRY_CUT = "waiting before another attempt would run past the poll's time (n8n's poll budget); the next poll starts again from the saved state";

/**
 * Sends the poll's requests one by one and feeds it the answers. A failing listing or watch-list
 * request ends the poll (nothing saved); a failing Fetch Full Status request only marks its run.
 */
async function drive(
	ctx: IPollFunctions,
	poll: TriggerPoll,
	connection: VishwaConnection,
	settings: TriggerSettings,
	pagingOutOfTime: () => boolean,
	outOfTime: () => boolean,
	deadlines: PollDeadlines,
): Promise<void> {
	for (let request = poll.next(pagingOutOfTime(), outOfTime()); request; request = poll.next(pagingOutOfTime(), outOfTime())) {
		if (request.kind === 'list') {
			const page = await listRuns(ctx, connection, settings, request, deadlines);
			if (page === 'refused') {
				poll.listRefused();
				continue;
			}
			let listingError: TriggerListingError | undefined;
			try {
				poll.listed(page.runs);
			} catch (error) {
				if (!(error instanceof TriggerListingError)) throw new NodeOperationError(ctx.getNode(), error as Error);
				listingError = error;
			}
			if (listingError) {
				throw new NodeOperationError(ctx.getNode(), listingError.message, { description: listingError.description });
			}
		} else if (poll.awaitingDetailRequest()) {
			let answer: unknown;
			let failure: string | undefined;
			try {
				answer = await runStatus(ctx, connection, settings, request.runId, deadlines.statusDeadlineAt);
			} catch (error) {
				failure = error instanceof Error ? error.message : String(error);
			}
			if (failure === undefined) poll.statusAnswered(answer);
			else poll.detailFailed(failure);
		} else {
			// A watch-list request (a run seen running): its answer is needed, as a listing page's is.
			poll.statusAnswered(await runStatus(ctx, connection, settings, request.runId, undefined, listRetryCut(deadlines)));
		}
	}
}

/** HTTP codes of a listing page the server refuses to give (an offset beyond what it lists). */
const REFUSED_PAGE_CODES = new Set(['400', '404', '416', '422']);

/** Fetch Test Event found nothing: say which of the three cases it is, and what to do. */
function noTestEvent(ctx: IPollFunctions, settings: TriggerSettings, search: TriggerPoll): NodeOperationError {
	const { runsRead, finishedRead, unfinishedStatuses } = search.testEventSummary();
	const flow = `flow "${settings.flowId}"`;
	if (runsRead === 0) {
		return new NodeOperationError(ctx.getNode(), `Flow "${settings.flowId}" has no runs yet`, {
			description:
				'Start a run of the flow (in Vishwa, or with the Vishwa node: Run > Start), wait for it to finish, then fetch again. If the flow does have runs, check the Flow ID.',
		});
	}
	// One run read: worded for one ("its only run", "it"), not as "all of its 1 newest runs".
	const one = runsRead === 1;
	// The search stopped at its limit: older runs may exist, so the headline says which runs it read.
	const capped = runsRead >= TEST_EVENT_SCAN_RUNS;
	const newest = capped ? `its newest ${TEST_EVENT_SCAN_RUNS} runs` : `its ${runsRead} newest runs`;
	if (finishedRead === 0) {
		const which = one ? 'Its only run is' : `All of ${newest} are`;
		const these = unfinishedStatuses.length === 1 ? 'this status means' : 'one of these statuses means';
		return new NodeOperationError(ctx.getNode(), `No run of ${flow} has finished ${capped ? `among ${newest}` : 'yet'}`, {
			description: `${which} still running (run_status: ${unfinishedStatuses.join(', ')}). Wait for ${one ? 'it' : 'one'} to finish, then fetch again. If ${these} a run has ended, add it to ${TRIGGER_FIELDS.successStatuses} or ${TRIGGER_FIELDS.failureStatuses} under Options.`,
		});
	}
	// Worded for each filter: "No successful run", "none succeeded"; "No failed run", "none failed".
	const wanted = settings.filter === 'failed' ? 'failed' : 'successful';
	const ended = settings.filter === 'failed' ? 'failed' : 'succeeded';
	const verb = settings.filter === 'failed' ? 'fail' : 'succeed';
	const among = one ? 'yet' : capped ? `among ${newest}` : `among its ${runsRead} newest`;
	return new NodeOperationError(ctx.getNode(), `No ${wanted} run of ${flow} ${among}`, {
		description: `${one ? 'Its only run finished, but did not' : `${finishedRead} of them finished, none`} ${one ? verb : ended}. Set ${TRIGGER_FIELDS.event} to Run Finished to use ${one ? 'it' : 'the newest of them'} as the test event, or let a run ${verb}, then fetch again.`,
	});
}

async function listRuns(
	ctx: IPollFunctions,
	connection: VishwaConnection,
	settings: TriggerSettings,
	request: Extract<TriggerRequest, { kind: 'list' }>,
	deadlines: PollDeadlines,
): Promise<{ runs: unknown[] } | 'refused'> {
	const path = apiPaths.listRuns(settings.flowId);
	let body: unknown;
	let failure: unknown;
	try {
		body = await vishwaApiRequest(ctx, connection, {
			method: 'GET',
			path,
			qs: { limit: request.limit, offset: request.offset },
			idempotency: 'safe',
			timeoutMs: settings.timeoutMs,
			retryUntil: listRetryCut(deadlines),
			action: `list the runs of flow "${settings.flowId}"`,
			notFoundMessage: `The run-listing request for flow "${settings.flowId}" failed: not found (HTTP 404)`,
		});
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		// Below the first page, a client error is a server refusing that depth (the planner reads it
		// as nothing there); on the first page it fails the poll.
		if (request.offset > 0 && failure instanceof NodeApiError && REFUSED_PAGE_CODES.has(String(failure.httpCode))) {
			return 'refused';
		}
		if (failure instanceof NodeApiError && String(failure.httpCode) === '404') {
			failure.description = `The Vishwa Trigger needs the run listing (GET ${path}) to see runs finish. Either there is no flow "${settings.flowId}" (check the Flow ID), or this Vishwa does not offer the run listing, and the trigger cannot work with it.`;
		}
		// The transport only throws n8n errors (NodeApiError / NodeOperationError) already.
		throw failure;
	}
	const runs = extractRunList(body);
	if (!runs) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Vishwa's answer to list the runs of flow "${settings.flowId}" is not a list of runs`,
			{
				description: `Expected a JSON array, or an object with the array under "runs", "data" or "items"; got ${summarizeBody(body)}. Check the Base URL in ${credentialLabel(ctx, connectionKey(connection))}.`,
			},
		);
	}
	const tooLong = runs.find((run) => (extractRunId(run)?.length ?? 0) > MAX_RUN_ID_LENGTH);
	if (tooLong !== undefined) throw runIdTooLong(ctx, connection, settings, tooLong as IDataObject);
	return { runs };
}

/**
 * The longest run id the trigger takes. It keeps run ids in the workflow's static data, bounded by
 * count and bytes (docs/trigger.md, State): one id of 100,000 characters made a 100 KB state.
 */
const MAX_RUN_ID_LENGTH = 256;

/** A listed run's id is longer than the trigger keeps: the poll fails, naming the flow and the field. */
function runIdTooLong(
	ctx: IPollFunctions,
	connection: VishwaConnection,
	settings: TriggerSettings,
	run: IDataObject,
): NodeOperationError {
	const id = extractRunId(run) ?? '';
	const field = ['run_id', 'id', 'runId'].find((key) => run[key] !== undefined && String(run[key]) === id) ?? 'run_id';
	return new NodeOperationError(
		ctx.getNode(),
		`The run listing of flow "${settings.flowId}" gives a ${field} longer than ${MAX_RUN_ID_LENGTH} characters`,
		{
			description: `One run's ${field} has ${id.length} characters (starting "${id.slice(0, 40)}"). The Vishwa Trigger remembers the ids of the runs it has seen in the workflow's static data, whose size it keeps bounded, so it stops here rather than store it or risk emitting the run twice. Check the Base URL in ${credentialLabel(ctx, connectionKey(connection))}: the answer may not be Vishwa's run listing.`,
		},
	);
}

/** A run's status answer, or `undefined` when Vishwa no longer knows the run (404). */
async function runStatus(
	ctx: IPollFunctions,
	connection: VishwaConnection,
	settings: TriggerSettings,
	runId: string,
	deadlineAt?: number,
	retryUntil?: { at: number; why: string },
): Promise<unknown> {
	let failure: unknown;
	try {
		return await vishwaApiRequest(ctx, connection, {
			method: 'GET',
			path: apiPaths.runStatus(settings.flowId, runId),
			idempotency: 'safe',
			timeoutMs: settings.timeoutMs,
			deadlineAt,
			retryUntil,
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
	const json = withFlowId(run.body, flowId);
	if (run.fullStatusError !== undefined) json[FULL_STATUS_ERROR_KEY] = run.fullStatusError;
	return { json: json as IDataObject };
}

function jsonCopy(value: unknown): unknown {
	return value === undefined || !isJsonObject(value) ? undefined : JSON.parse(JSON.stringify(value));
}
