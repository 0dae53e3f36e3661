/**
 * The n8n side of waiting for a run, shared by Start Run ("Wait for Completion") and the Wait for
 * Completion operation: their parameters, reading them, and the polling loop of core/wait.ts with
 * n8n's sleep, the execution's cancel signal and status requests through the transport.
 */
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPaths } from '../../core/paths';
import { serverReason } from '../../core/responses';
import {
	DEFAULT_FAILURE_TEXT,
	DEFAULT_SUCCESS_TEXT,
	formatDuration,
	parseWaitSettings,
	pollUntilFinished,
	WAIT_FIELDS,
	type WaitSettings,
} from '../../core/wait';
import { vishwaApiRequest, type VishwaConnection } from '../../transport';
import { toJsonObject } from './getStatus.operation';

/** On Failed Run and the Wait Options collection, shown where `show` says. */
export function waitProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: WAIT_FIELDS.onFailedRun,
			name: 'onFailedRun',
			type: 'options',
			options: [
				{
					name: 'Fail the Item',
					value: 'error',
					description:
						'The item fails with the run\'s status and Vishwa\'s error message (with Continue On Fail, it carries the error)',
				},
				{
					name: 'Return the Item',
					value: 'return',
					description: "The run's final status is returned like a successful one; check run_status downstream",
				},
			],
			default: 'error',
			description: 'What to do when the run ends with one of the Failure Statuses',
			displayOptions: { show },
		},
		{
			displayName: 'Wait Options',
			name: 'waitOptions',
			type: 'collection',
			placeholder: 'Add Wait Option',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: WAIT_FIELDS.failureStatuses,
					name: 'failureStatuses',
					type: 'string',
					default: DEFAULT_FAILURE_TEXT,
					description:
						'Comma-separated run_status values that mean the run failed (any letter case). A status on neither list means the run is still going.',
				},
				{
					displayName: WAIT_FIELDS.maxPollInterval,
					name: 'maxPollInterval',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: 10, // DEFAULT_POLL_SCHEDULE.maxMs (a literal: n8n's linter reads defaults statically)
					description: 'The interval between status requests grows by half each time, up to this',
				},
				{
					displayName: WAIT_FIELDS.maxWait,
					name: 'maxWait',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: 600, // DEFAULT_MAX_WAIT_MS
					description:
						'How long to wait for the run to finish before the item fails with the run ID and its last status. The run itself keeps going in Vishwa.',
				},
				{
					displayName: WAIT_FIELDS.pollInterval,
					name: 'pollInterval',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: 1, // DEFAULT_POLL_SCHEDULE.initialMs
					description: 'Time before the first status request and between the first ones',
				},
				{
					displayName: WAIT_FIELDS.successStatuses,
					name: 'successStatuses',
					type: 'string',
					default: DEFAULT_SUCCESS_TEXT,
					description: 'Comma-separated run_status values that mean the run succeeded (any letter case)',
				},
			],
		},
	];
}

/** The item's wait parameters, validated (a VishwaInputError names the bad one). */
export function readWaitSettings(ctx: IExecuteFunctions, itemIndex: number): WaitSettings {
	const options = ctx.getNodeParameter('waitOptions', itemIndex, {}) as IDataObject;
	return parseWaitSettings({
		...options,
		onFailedRun: ctx.getNodeParameter('onFailedRun', itemIndex, 'error'),
	});
}

/** n8n 1.x's sleep ignores the signal: sleeping in slices still notices a cancel within a second. */
const SLEEP_SLICE_MS = 1000;

async function sleepUnlessCancelled(ms: number, signal: AbortSignal | undefined): Promise<void> {
	const end = Date.now() + ms;
	while (!signal?.aborted) {
		const left = end - Date.now();
		if (left <= 0) return;
		try {
			await sleep(Math.min(left, SLEEP_SLICE_MS), signal);
		} catch {
			return; // aborted: the caller sees the signal and stops
		}
	}
}

export interface WaitForRunRequest {
	flowId: string;
	runId: string;
	itemIndex: number;
	settings: WaitSettings;
	/** Per-request timeout (the Request Timeout option). */
	timeoutMs?: number;
	/** false right after starting the run: the first status request comes after one interval. */
	pollImmediately: boolean;
}

/**
 * Waits until the run finishes and returns its final status answer, whole. A failed run (unless
 * On Failed Run is "return"), a run that outlasts the maximum wait and a cancelled execution are
 * errors naming the run.
 */
export async function waitForRun(
	ctx: IExecuteFunctions,
	connection: VishwaConnection,
	request: WaitForRunRequest,
): Promise<IDataObject> {
	const { itemIndex, settings } = request;
	const path = apiPaths.runStatus(request.flowId, request.runId);
	const flowId = String(request.flowId).trim();
	const runId = String(request.runId).trim();
	const run = `Run "${runId}" of flow "${flowId}"`;
	const signal = ctx.getExecutionCancelSignal?.();

	const result = await pollUntilFinished(
		settings,
		{
			fetchStatus: async () =>
				await vishwaApiRequest(ctx, connection, {
					method: 'GET',
					path,
					idempotency: 'safe',
					timeoutMs: request.timeoutMs,
					itemIndex,
					action: `get the status of run "${runId}" of flow "${flowId}"`,
					notFoundMessage: `${run} was not found while waiting for it to finish`,
				}),
			sleep: async (ms) => await sleepUnlessCancelled(ms, signal),
			now: () => Date.now(),
			isCancelled: () => signal?.aborted === true,
		},
		request.pollImmediately,
	);

	const node = ctx.getNode();
	if (result.kind === 'cancelled') {
		throw new NodeOperationError(node, `Stopped waiting for run "${runId}" of flow "${flowId}": the execution was cancelled`, {
			description: 'Only the waiting stopped; the run itself was not cancelled in Vishwa.',
			itemIndex,
		});
	}
	if (result.kind === 'timedOut') {
		const last = result.status === undefined ? "no run_status in Vishwa's answer" : `last status "${result.status}"`;
		throw new NodeOperationError(
			node,
			`${run} did not finish within ${formatDuration(settings.maxWaitMs)} (${last})`,
			{
				description: [
					`It may still be running in Vishwa (${result.polls} status request${result.polls === 1 ? '' : 's'} made).`,
					`Raise ${WAIT_FIELDS.maxWait}, or check it later with Run > Get Status or Run > Wait for Completion.`,
					result.status === undefined
						? ''
						: `If "${result.status}" means the run has ended, add it to ${WAIT_FIELDS.successStatuses} or ${WAIT_FIELDS.failureStatuses}.`,
				]
					.filter((sentence) => sentence !== '')
					.join(' '),
				itemIndex,
			},
		);
	}
	if (result.outcome === 'failed' && settings.onFailedRun === 'error') {
		const reason = serverReason(result.body);
		throw new NodeOperationError(node, `${run} failed (status "${result.status}")`, {
			description: `${reason ? `Vishwa said: ${reason}. ` : ''}Set ${WAIT_FIELDS.onFailedRun} to "Return the Item" to get the run's final status as output instead.`,
			itemIndex,
		});
	}
	return toJsonObject(result.body, 'status');
}
