import type { INodeProperties } from 'n8n-workflow';

import * as upload from './upload.operation';

export { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asset'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				description: "Upload files from the item's binary data to Vishwa",
				action: 'Upload files',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
