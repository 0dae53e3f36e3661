import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapWithConcurrency } from '../core/concurrency';
import { VishwaInputError } from '../core/errors';
import { extractRunId, withErrorFieldRenamed, withRunIds } from '../core/responses';
import { getVishwaConnection, type VishwaConnection } from '../transport';
import { Batch } from './batch';
import { DEFAULT_CONCURRENCY, itemParameter, readCommonOptions, readConcurrency, readId } from './common';
import { errorItemJson } from './errorItem';
import { errorItem, usesErrorOutput } from './errorItems';
import { readMaxUnfinishedRuns, readWaitSettings } from './run/waitForRun';
import * as asset from './asset';
import * as run from './run';

type ItemOperation = (
	this: IExecuteFunctions,
	itemIndex: number,
	connection: VishwaConnection,
	batch: Batch,
) => Promise<INodeExecutionData>;

const operations: Record<string, Record<string, ItemOperation>> = {
	asset: {
		upload: asset.upload.execute,
	},
	run: {
		getStatus: run.getStatus.execute,
		start: run.start.execute,
		waitForCompletion: run.waitForCompletion.execute,
	},
};

/**
 * Operations whose items share the execution's request limiter and run waiter: every item is
 * under way at once and Concurrency bounds their requests (so runs are waited on together).
 * The others run `concurrency` items at a time.
 */
const sharesRequests = (resource: string, operation: string) =>
	resource === 'run' && (operation === 'start' || operation === 'waitForCompletion');

/**
 * Runs the chosen operation for every input item. Output order equals input order, every output
 * item is paired with its input, and one item's failure never touches another: with "Continue On
 * Fail" it becomes that item's error item (see errorItems.ts: n8n routes it to the error output under
 * "Continue (using error output)"), keeping what the item still knows, such as its run ID;
 * otherwise the node fails with it.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	if (items.length === 0) return [[]];

	// Node-wide settings, read from the first item (Max Unfinished Runs: the first item that waits),
	// as n8n's own batch-size options are. An item whose value is invalid is refused below (with
	// Continue On Fail it becomes its error item); the first valid value then applies to the others.
	const concurrency = firstValid(items.length, (itemIndex) => readConcurrency(this, itemIndex)) ?? DEFAULT_CONCURRENCY;
	const maxUnfinishedRuns =
		operation === 'start'
			? firstValid(items.length, (itemIndex) =>
					itemParameter(this, 'waitForCompletion', itemIndex, false) === true
						? readMaxUnfinishedRuns(this, itemIndex)
						: undefined,
				)
			: undefined;
	// Every item's numeric options are checked before the first request, so a bad value in item 5
	// cannot fail the node after items 0 to 4 have started their runs.
	const refused = new Map<number, NodeOperationError>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			checkItemOptions(this, itemIndex, operation);
		} catch (error) {
			const inputError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw inputError;
			refused.set(itemIndex, inputError);
		}
	}

	const connection = await getVishwaConnection(this);
	const errorOutput = usesErrorOutput(this.getNode());
	const batch = new Batch(this, connection, concurrency, !this.continueOnFail());
	// Its first caller sets the limit for every item (see Batch.unfinishedRuns).
	if (maxUnfinishedRuns !== undefined) batch.unfinishedRuns(maxUnfinishedRuns);

	// Version 1.1: Vishwa's own `error` field travels as `run_error` (`upload_error` for an upload),
	// so n8n's Retry On Fail never reads a successful item as failed (see withErrorFieldRenamed).
	// Version 1 keeps Vishwa's answer as it was.
	const vishwaErrorKey = resource === 'run' ? 'run_error' : 'upload_error';
	const renameVishwaError = (json: IDataObject): IDataObject =>
		this.getNode().typeVersion >= 1.1 ? (withErrorFieldRenamed(json, vishwaErrorKey) as IDataObject) : json;
	const runItem = async (itemIndex: number) => {
		try {
			const early = refused.get(itemIndex);
			if (early) throw early;
			const output = await execute.call(this, itemIndex, connection, batch);
			const json = resource === 'run' ? withIdsOfRun(this, operation, itemIndex, output.json) : output.json;
			return { ...output, json: renameVishwaError(json), pairedItem: { item: itemIndex } } as INodeExecutionData;
		} catch (caught) {
			const error = asNodeError(this, caught, itemIndex);
			if (this.continueOnFail()) {
				const known = errorItemJson(caught);
				const fields = resource === 'run' ? idsOfFailedRunItem(this, operation, itemIndex, known) : known;
				return errorItem(error, itemIndex, errorOutput, renameVishwaError(fields));
			}
			// The first item to fail fails the node, as n8n's item-by-item loop would stop at it.
			batch.fail(itemIndex); // (no-op when an item failed before)
			if (batch.failed === itemIndex) firstError ??= error;
			return error;
		}
	};
	let firstError: NodeOperationError | undefined;
	let results: Array<INodeExecutionData | NodeOperationError>;
	try {
		results = sharesRequests(resource, operation)
			? await Promise.all(items.map(async (_item, itemIndex) => await runItem(itemIndex)))
			: await mapWithConcurrency(
					items,
					concurrency,
					async (_item, itemIndex) => await runItem(itemIndex),
					() => batch.failed !== undefined,
				);
	} finally {
		batch.end();
	}

	// Without Continue On Fail the node fails with the first item that failed. Nothing was sent after
	// it, no run was waited on any more, and the requests already on their way were let finish, so
	// the message can name every run this execution started.
	if (firstError) {
		const runs = batch.describeStartedRuns();
		if (runs) firstError.description = [firstError.description, runs].filter(Boolean).join(' ');
		throw firstError;
	}
	return [results as INodeExecutionData[]];
}

/**
 * Every run operation's output names its flow and run (`flow_id`, `run_id`), whatever Vishwa's
 * answer holds, so a chain Start -> Get Status / Wait for Completion needs no retyped ids.
 */
function withIdsOfRun(ctx: IExecuteFunctions, operation: string, itemIndex: number, json: IDataObject): IDataObject {
	const flowId = String(readId(ctx, 'flowId', itemIndex)).trim();
	// Start: the id in Vishwa's answer (run_id, else id or runId); the others were given the run ID.
	const runId = operation === 'start' ? extractRunId(json) : String(readId(ctx, 'runId', itemIndex)).trim();
	return withRunIds(json, { flowId, runId }) as IDataObject;
}

/**
 * A failed run item still names its flow and run where they are known (the ids the user gave; for
 * Start, the run id only if the run was started), so a Get Status after the error needs no retyping.
 * An id that cannot be read (the reason the item failed, say) is left out.
 */
function idsOfFailedRunItem(ctx: IExecuteFunctions, operation: string, itemIndex: number, known: IDataObject): IDataObject {
	const given = (name: 'flowId' | 'runId') => {
		try {
			const value = String(readId(ctx, name, itemIndex)).trim();
			return value === '' ? undefined : value;
		} catch {
			return undefined;
		}
	};
	const flowId = given('flowId');
	if (flowId === undefined) return known;
	return withRunIds(known, { flowId, runId: operation === 'start' ? undefined : given('runId') }) as IDataObject;
}

/**
 * The options of an item that are read as numbers (and the wait's status lists), validated; for
 * Start, also the whole start-run request (ids, body, files to attach).
 */
function checkItemOptions(ctx: IExecuteFunctions, itemIndex: number, operation: string): void {
	readCommonOptions(ctx, itemIndex);
	if (operation === 'start') run.start.prepare(ctx, itemIndex);
	const waits =
		operation === 'waitForCompletion' ||
		(operation === 'start' && itemParameter(ctx, 'waitForCompletion', itemIndex, false) === true);
	if (!waits) return;
	readWaitSettings(ctx, itemIndex);
	if (operation === 'start') readMaxUnfinishedRuns(ctx, itemIndex);
}

/** The first item's value of a node-wide setting that `read` accepts (it throws on a bad one). */
function firstValid(itemCount: number, read: (itemIndex: number) => number | undefined): number | undefined {
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			const value = read(itemIndex);
			if (value !== undefined) return value;
		} catch {
			continue; // refused with its item below
		}
	}
	return undefined;
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof VishwaInputError) {
		const message = `Item ${itemIndex}: ${error.message}`;
		const inputError = new NodeOperationError(ctx.getNode(), message, {
			description: error.description ?? `Check the "${error.field}" parameter of item ${itemIndex}.`,
			itemIndex,
		});
		// n8n swaps a message containing a code like EEXIST (say, in a name the user gave) for a generic one.
		inputError.message = message;
		return inputError;
	}
	if (error instanceof Error && 'node' in error) return error as NodeOperationError;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
