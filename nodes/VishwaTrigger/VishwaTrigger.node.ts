import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

// Placeholder while the trigger is being written (issue #4).
export class VishwaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vishwa Trigger',
		name: 'vishwaTrigger',
		icon: { light: 'file:../Vishwa/vishwa.svg', dark: 'file:../Vishwa/vishwa.dark.svg' },
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow when a Vishwa flow run finishes',
		defaults: { name: 'Vishwa Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vishwaApi', required: true }],
		properties: [],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		throw new NodeOperationError(this.getNode(), 'Not implemented yet');
	}
}
