import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapWithConcurrency } from '../core/concurrency';
import { VishwaInputError } from '../core/errors';
import { extractRunId, withRunIds } from '../core/responses';
import { getVishwaConnection, type VishwaConnection } from '../transport';
import { Batch } from './batch';
import { DEFAULT_CONCURRENCY, readId } from './common';
import { errorItemJson } from './errorItem';
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
 * Fail" it becomes that item's output (keeping what the item still knows, such as its run ID),
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

	const connection = await getVishwaConnection(this);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency = Number(options.concurrency ?? DEFAULT_CONCURRENCY);

	const batch = new Batch(this, connection, concurrency);

	const runItem = async (itemIndex: number) => {
		try {
			const output = await execute.call(this, itemIndex, connection, batch);
			const json = resource === 'run' ? withIdsOfRun(this, operation, itemIndex, output.json) : output.json;
			return { ...output, json, pairedItem: { item: itemIndex } } as INodeExecutionData;
		} catch (caught) {
			const error = asNodeError(this, caught, itemIndex);
			if (this.continueOnFail()) {
				return {
					json: {
						...errorItemJson(caught),
						error: error.message,
						...(error.description ? { errorDescription: error.description } : {}),
					},
					pairedItem: { item: itemIndex },
				} as INodeExecutionData;
			}
			return error;
		}
	};
	const results = sharesRequests(resource, operation)
		? await Promise.all(items.map(async (_item, itemIndex) => await runItem(itemIndex)))
		: await mapWithConcurrency(items, concurrency, async (_item, itemIndex) => await runItem(itemIndex));

	// Without Continue On Fail the first failed item (in input order) fails the node, after every
	// other item has finished, so no request is left half-way.
	const firstError = results.find((result): result is NodeOperationError => result instanceof Error);
	if (firstError) throw firstError;
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
