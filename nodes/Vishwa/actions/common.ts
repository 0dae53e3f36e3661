import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { NUMBER_RULES, readNumberOption } from '../core/options';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../transport';

export const DEFAULT_CONCURRENCY = 5;

/** Options every operation offers: how many items run at once and the per-request timeout. */
export const commonOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: DEFAULT_CONCURRENCY,
		description:
			"How many requests are sent to Vishwa at the same time. One setting for the whole node: the first item's value applies to every item. Output order always follows input order.",
	},
	{
		displayName: 'Request Timeout (Ms)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_REQUEST_TIMEOUT_MS,
		description:
			'How long one request may take, answer included, before it fails (reads are then retried)',
	},
];

/**
 * Parameters read more than once for an item (checked before the first request, then used by the
 * operation and the router), read once per execution: n8n resolves and copies a parameter on every
 * getNodeParameter call. A parameter that holds no expression has one value for every item, so it
 * is read once for all of them (1,000 items read it once, not 1,000 times, before the first
 * request). The values are shared between readers, who never change them.
 */
const parameterMemos = new WeakMap<object, Map<string, unknown>>();

/** The node's parameters as saved (expressions unresolved), read once per execution. */
const savedParameters = new WeakMap<object, Record<string, unknown>>();

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/** The memo key of a parameter: one for every item when its saved value holds no expression. */
function memoKey(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	let saved = savedParameters.get(ctx);
	if (!saved) {
		saved = (ctx.getNode().parameters ?? {}) as Record<string, unknown>;
		savedParameters.set(ctx, saved);
	}
	const sameForEveryItem = !name.includes('.') && !holdsExpression(saved[name]);
	return sameForEveryItem ? `*:${name}` : `${itemIndex}:${name}`;
}

export function itemParameter<T = unknown>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: unknown): T {
	let memo = parameterMemos.get(ctx);
	if (!memo) {
		memo = new Map();
		parameterMemos.set(ctx, memo);
	}
	const key = memoKey(ctx, name, itemIndex);
	if (memo.has(key)) return memo.get(key) as T;
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as T;
	memo.set(key, value);
	return value;
}

/** The item's validated common options (a VishwaInputError names a bad one). */
export function readCommonOptions(ctx: IExecuteFunctions, itemIndex: number): { timeoutMs: number | undefined } {
	const options = itemParameter<IDataObject>(ctx, 'options', itemIndex, {});
	// Concurrency is node-wide (see readConcurrency), but a bad value in any item is that item's error.
	readNumberOption(options.concurrency, NUMBER_RULES.concurrency);
	return { timeoutMs: readNumberOption(options.timeout, NUMBER_RULES.requestTimeout) };
}

/**
 * The item's Concurrency, validated. It is one setting for the whole node: the router uses the
 * first item's (the first valid one's, when an earlier item's is refused).
 */
export function readConcurrency(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = itemParameter<IDataObject>(ctx, 'options', itemIndex, {});
	return readNumberOption(options.concurrency, NUMBER_RULES.concurrency) ?? DEFAULT_CONCURRENCY;
}

/** Shown under Wait for Completion: waiting holds the execution, which users of queue mode should know. */
export const waitBusyNotice = (show: NonNullable<INodeProperties['displayOptions']>['show']): INodeProperties => ({
	displayName:
		'While waiting, the execution (and in queue mode a worker slot) stays busy until the run ends or Maximum Wait passes. For long runs, start the run without waiting and check on it later (Get Status, Wait for Completion, or the Vishwa Trigger).',
	name: 'waitBusyNotice',
	type: 'notice',
	default: '',
	displayOptions: { show },
});

/** Flow ID as a text field, the same in the Vishwa node (version 1) and the Vishwa Trigger. */
export const flowIdTextField: INodeProperties = {
	displayName: 'Flow ID',
	name: 'flowId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 6650c1f2a9…',
	description: "The flow's ID, as shown in Vishwa's Integrate panel",
};

export const flowIdProperty = (operations: string[]): INodeProperties => ({
	...flowIdTextField,
	displayOptions: { show: { resource: ['run'], operation: operations } },
});

/** Flow ID of an operation that follows a run: the previous Vishwa node's output carries it. */
export const flowIdOfRunProperty = (operations: string[]): INodeProperties => ({
	...flowIdProperty(operations),
	placeholder: 'e.g. {{ $json.flow_id }}',
	hint: 'After a Vishwa node or the Vishwa Trigger, drag in flow_id or type {{ $json.flow_id }}',
});

export const runIdProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. {{ $json.run_id }}',
	hint: 'After a Vishwa node or the Vishwa Trigger, drag in run_id or type {{ $json.run_id }}',
	description: 'The run_id returned by Start',
	displayOptions: { show: { resource: ['run'], operation: operations } },
});

/*
 * Node version 1.1 turns Flow ID and Run ID into resource locators (pick from a list, or type the
 * ID). Version 1 keeps its plain text fields, so workflows saved with it open and run unchanged.
 * The parameter names stay the same; which one shows depends on the node's version, as in n8n's own
 * versioned nodes. Operations read both with `extractValue: true` (see readId).
 */
const ONLY_VERSION_1 = { '@version': [1] };
const FROM_VERSION_1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };

function forVersions(property: INodeProperties, versions: typeof ONLY_VERSION_1 | typeof FROM_VERSION_1_1): INodeProperties {
	return {
		...property,
		displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, ...versions } },
	};
}

/** Where the ID is: the flow's generated integration guide shows its start-run URL. */
const FLOW_ID_HINT = "In Vishwa, open the flow's Integrate panel: the ID is the part between /workflow/ and /start-run in its start-run URL";

/**
 * Flow ID for every node version: text (v1) or a locator, By ID first (the published API lists no
 * flows). `afterRun`: an operation that usually follows a Vishwa node, whose output carries flow_id.
 */
export const flowIdProperties = (operations: string[], { afterRun = false } = {}): INodeProperties[] => [
	forVersions(afterRun ? flowIdOfRunProperty(operations) : flowIdProperty(operations), ONLY_VERSION_1),
	forVersions(
		{
			displayName: 'Flow ID',
			name: 'flowId',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'id', value: '' },
			description: "The flow's ID, as shown in Vishwa's Integrate panel",
			modes: [
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: afterRun ? 'e.g. {{ $json.flow_id }}' : 'e.g. 6650c1f2a9…',
					hint: afterRun ? `After a Vishwa node or the Vishwa Trigger, type {{ $json.flow_id }}. Otherwise: ${FLOW_ID_HINT}` : FLOW_ID_HINT,
				},
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a flow…',
					typeOptions: { searchListMethod: 'searchFlows', searchable: true },
				},
			],
			displayOptions: { show: { resource: ['run'], operation: operations } },
		},
		FROM_VERSION_1_1,
	),
];

/** Run ID for every node version: text (v1) or a locator listing the chosen flow's recent runs. */
export const runIdProperties = (operations: string[], description?: string): INodeProperties[] => {
	const text = runIdProperty(operations);
	return [
		forVersions(description ? { ...text, description } : text, ONLY_VERSION_1),
		forVersions(
			{
				displayName: 'Run ID',
				name: 'runId',
				type: 'resourceLocator',
				required: true,
				default: { mode: 'list', value: '' },
				description: description ?? text.description,
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						placeholder: 'Select a run…',
						// The mode a new node opens on: it tells a newcomer how to chain from Start too
						// (n8n 2.41.1 shows the current mode's hint, else the parameter's).
						hint: 'Or, after Start or the Vishwa Trigger: choose By ID and type {{ $json.run_id }}',
						typeOptions: { searchListMethod: 'searchRuns', searchable: true },
					},
					{
						displayName: 'By ID',
						name: 'id',
						type: 'string',
						placeholder: 'e.g. {{ $json.run_id }}',
						hint: 'The run_id that Start returns (or the Vishwa Trigger emits): after one of them, type {{ $json.run_id }}',
					},
				],
				displayOptions: { show: { resource: ['run'], operation: operations } },
			},
			FROM_VERSION_1_1,
		),
	];
};

/**
 * A Flow ID or Run ID as text, whichever the node version shows: a locator's value (any mode) or
 * version 1's plain text. What is not text is passed on for idSegment to reject by name.
 */
export function readId(ctx: IExecuteFunctions, name: 'flowId' | 'runId', itemIndex: number): string {
	let memo = parameterMemos.get(ctx);
	if (!memo) {
		memo = new Map();
		parameterMemos.set(ctx, memo);
	}
	const key = `${memoKey(ctx, name, itemIndex)}:id`;
	if (!memo.has(key)) memo.set(key, ctx.getNodeParameter(name, itemIndex, undefined, { extractValue: true }));
	const value = memo.get(key);
	// A locator value n8n could not unwrap (a saved workflow edited by hand, say).
	if (value !== null && typeof value === 'object' && '__rl' in value) return (value as unknown as { value: string }).value;
	return value as string;
}
