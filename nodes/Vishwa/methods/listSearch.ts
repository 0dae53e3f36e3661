/**
 * The "From list" modes of the Run ID and Flow ID locators (node version 1.1). n8n calls these
 * from the editor with what the user typed (`filter`) and, when the user scrolls to the end of the
 * list, the `paginationToken` of the page before. Requests go through the shared transport: the
 * same credential, timeouts, retries and error messages as the operations.
 *
 * Neither listing has a search parameter in the API, so the filter is applied here, reading up to
 * SEARCH_PAGES pages per call and handing back a token to go on reading.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import {
	decodeCursor,
	encodeCursor,
	extractFlowList,
	flowChoices,
	hasMorePages,
	runChoices,
	type Choice,
	type PageCursor,
} from '../core/listing';
import { apiPaths, idSegment } from '../core/paths';
import { extractRunList, summarizeBody } from '../core/responses';
import { getVishwaConnection, vishwaApiRequest, type VishwaConnection } from '../transport';

/** Entries asked for per listing request. */
export const LIST_PAGE_SIZE = 50;
/** Listing requests one call may make while looking for entries that match a search. */
export const SEARCH_PAGES = 5;
/** A list request should not keep the editor waiting as long as an operation may. */
const LIST_TIMEOUT_MS = 15000;

export const NO_FLOW_LISTING_MESSAGE = 'This Vishwa does not list flows: enter the ID';

async function readPages(
	ctx: ILoadOptionsFunctions,
	connection: VishwaConnection,
	request: { path: string; action: string; notFoundMessage?: string },
	token: string | undefined,
	filter: string | undefined,
	pick: (entries: unknown[], cursor: PageCursor) => { choices: Choice[]; fresh: number; next: PageCursor },
	extract: (body: unknown) => unknown[] | undefined,
): Promise<INodeListSearchResult> {
	let cursor = decodeCursor(token);
	const results: Choice[] = [];
	const searching = (filter ?? '').trim() !== '';
	for (let page = 0; page < (searching ? SEARCH_PAGES : 1); page++) {
		const body = await vishwaApiRequest(ctx, connection, {
			method: 'GET',
			path: request.path,
			qs: { limit: LIST_PAGE_SIZE, offset: cursor.offset },
			idempotency: 'safe',
			timeoutMs: LIST_TIMEOUT_MS,
			action: request.action,
			notFoundMessage: request.notFoundMessage,
		});
		const entries = extract(body);
		if (!entries) {
			throw new NodeOperationError(ctx.getNode(), `Vishwa's answer to ${request.action} holds no list`, {
				description: `It answered ${summarizeBody(body)}. Enter the ID instead (By ID).`,
			});
		}
		const picked = pick(entries, cursor);
		results.push(...picked.choices);
		const more = hasMorePages(body, entries.length, LIST_PAGE_SIZE, picked.next.offset) && picked.fresh > 0;
		cursor = picked.next;
		if (!more) return { results };
		if (results.length >= LIST_PAGE_SIZE) break;
	}
	return { results, paginationToken: encodeCursor(cursor) };
}

/** The flow's recent runs, newest first, labelled by start time and status. */
export async function searchRuns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const raw = this.getCurrentNodeParameter('flowId', { extractValue: true });
	const flowId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	if (flowId === '') {
		throw new NodeOperationError(this.getNode(), 'Choose the Flow ID first: this list shows the runs of that flow');
	}
	if (flowId.startsWith('=')) {
		throw new NodeOperationError(
			this.getNode(),
			'The Flow ID is an expression, which the list cannot work out: enter the Run ID (By ID)',
		);
	}
	idSegment(flowId, 'Flow ID'); // the same check the operations make ("." and ".." cannot be sent)
	const connection = await getVishwaConnection(this);
	const timeZone = this.getTimezone();
	return await readPages(
		this,
		connection,
		{
			path: apiPaths.listRuns(flowId),
			action: `list the runs of flow "${flowId}"`,
			notFoundMessage: `Flow "${flowId}" was not found, or this Vishwa does not list runs: check the Flow ID, or enter the Run ID (By ID)`,
		},
		paginationToken,
		filter,
		(entries, cursor) => runChoices(entries, cursor, filter, timeZone),
		extractRunList,
	);
}

/**
 * The flows the API key can see, from the flow listing that docs/api.md marks ASSUMED (the
 * published API has none). A server without it answers 404 (or 405/501): the list then says so,
 * and By ID works as always.
 */
export async function searchFlows(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const connection = await getVishwaConnection(this);
	try {
		return await readPages(
			this,
			connection,
			{ path: apiPaths.listFlows(), action: 'list the flows' },
			paginationToken,
			filter,
			(entries, cursor) => {
				const choices = flowChoices(entries, filter);
				return { choices, fresh: entries.length, next: { offset: cursor.offset + entries.length } };
			},
			extractFlowList,
		);
	} catch (error) {
		throw flowListingError(this, error);
	}
}

/** A server without the flow listing gets the message the list shows; other errors stay as they are. */
function flowListingError(ctx: ILoadOptionsFunctions, error: unknown): NodeApiError | NodeOperationError {
	const status = error instanceof NodeApiError ? Number(error.httpCode) : undefined;
	if (status === 404 || status === 405 || status === 501) {
		const message = new NodeOperationError(ctx.getNode(), NO_FLOW_LISTING_MESSAGE, {
			description: `It answered HTTP ${status} to the flow listing. Switch Flow ID to "By ID" and paste the ID from the flow's Integrate panel in Vishwa.`,
		});
		message.message = NO_FLOW_LISTING_MESSAGE;
		return message;
	}
	// The transport's errors already say what happened (refused key, server down, ...).
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error);
}
