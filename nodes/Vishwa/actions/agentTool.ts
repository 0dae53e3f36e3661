import { NodeOperationError } from 'n8n-workflow';
import type { IDisplayOptions, IExecuteFunctions } from 'n8n-workflow';

/**
 * n8n derives a tool variant from a node that declares `usableAsTool`: the same node under the
 * type name + "Tool" (n8n-nodes-vishwa.vishwaTool), run with one item holding the arguments the
 * agent filled in ($fromAI). That item never carries binary data, so what reads files from items
 * is refused here, before any request; the Asset resource is also hidden in the tool variant's
 * editor (`@tool`: n8n tests the type name the same way).
 */
export const hideInAgentTool: IDisplayOptions = { hide: { '@tool': [true] } };

export function isAgentTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/** Throws before any request when `what` (which reads binary data) runs as an agent's tool. */
export function refuseFilesInAgentTool(ctx: IExecuteFunctions, what: string, itemIndex: number): void {
	if (!isAgentTool(ctx)) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`${what} cannot be used by an AI agent: an agent passes text arguments, never files`,
		{
			description:
				'Upload the files in the workflow before the agent runs (Asset > Upload on items with binary data) and give the agent their URLs, or start the flow with inputs that are URLs or text.',
			itemIndex,
		},
	);
}
