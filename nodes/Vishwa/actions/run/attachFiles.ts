/**
 * Run > Start's "Attach Files": upload the item's mapped binary properties in one request (the
 * same streamed upload as Asset > Upload), then hand the start-run body each file's reference.
 * Nothing is uploaded until every parameter has been checked, and when the upload fails, or its
 * answer cannot be read, no run is started.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	alignUploadEntries,
	attachmentInputs,
	ATTACH_FIELDS,
	checkAttachmentInputs,
	describeAttachedFiles,
	extractUploadEntries,
	parseAttachmentRows,
	parseReferenceMode,
	parseReferenceTemplate,
	referenceOf,
	type AttachmentPlan,
	type ReferenceMode,
	type ReferenceTemplate,
} from '../../core/attachments';
import { summarizeBody } from '../../core/responses';
import type { JsonObject } from '../../core/startRun';
import { parseTemporary } from '../../core/upload';
import type { VishwaConnection } from '../../transport';
import { readItemFiles, uploadFiles, type UploadFilesRequest } from '../asset/uploadFiles';
import { refuseFilesInAgentTool } from '../agentTool';
import { itemParameter } from '../common';

export function attachFilesProperties(show: IDisplayOptions['show']): INodeProperties[] {
	const attaching = { show: { ...show, attachFiles: [true] } };
	return [
		{
			displayName: 'Attach Files',
			name: 'attachFiles',
			type: 'boolean',
			default: false,
			description:
				"Whether to upload files from the item's binary data first and pass each one to a flow input (by its URL or ID, see Reference Field). If an upload fails, no run is started.",
			displayOptions: { show },
		},
		{
			displayName: ATTACH_FIELDS.files,
			name: 'attachments',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add File',
			default: {},
			description: "Which of the item's binary properties go to which of the flow's inputs. All go in one upload request.",
			displayOptions: attaching,
			options: [
				{
					name: 'file',
					displayName: 'File',
					values: [
						{
							displayName: ATTACH_FIELDS.binaryProperty,
							name: 'binaryProperty',
							type: 'string',
							default: 'data',
							placeholder: 'e.g. data',
							description:
								"The item's binary property holding the file. Several, separated by commas, send the input a list.",
						},
						{
							displayName: ATTACH_FIELDS.inputName,
							name: 'inputName',
							type: 'string',
							default: '',
							placeholder: 'e.g. document',
							description:
								"The flow input that gets the file's reference, as the flow's Integrate panel names it. Files sent to the same input arrive as a list.",
						},
						{
							displayName: 'Always Send a List',
							name: 'asList',
							type: 'boolean',
							default: false,
							description: 'Whether the input gets a list of references even when only one file goes to it',
						},
					],
				},
			],
		},
		{
			displayName: ATTACH_FIELDS.referenceField,
			name: 'referenceField',
			type: 'options',
			options: [
				{
					name: 'Auto (URL, Else ID)',
					value: 'auto',
					description: "The file's URL if Vishwa's answer has one, otherwise its ID",
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'A field of the upload answer you name, or a text built from its fields',
				},
				{ name: 'ID', value: 'id', description: "The file's ID (file_id, else ID)" },
				{ name: 'URL', value: 'url', description: "The file's URL" },
				{
					name: 'Whole Upload Entry',
					value: 'entry',
					description: "The file's whole entry in the upload answer, as an object",
				},
			],
			default: 'auto',
			description: "What each input receives from Vishwa's answer to the upload",
			displayOptions: attaching,
		},
		{
			displayName: ATTACH_FIELDS.customReference,
			name: 'customReference',
			type: 'string',
			default: '{file_id}',
			placeholder: 'e.g. asset_id or asset://{file_id}',
			description:
				"A field of the file's entry in the upload answer (a dotted path reaches nested fields: meta.link), or text with fields in braces: asset://{file_id}. An expression here is resolved per item first; the braces are then filled from the upload answer.",
			displayOptions: { show: { ...show, attachFiles: [true], referenceField: ['custom'] } },
		},
		{
			displayName: ATTACH_FIELDS.temporary,
			name: 'attachTemporary',
			type: 'boolean',
			default: false,
			description:
				'Whether Vishwa should keep the attached files only briefly (sent as temp=true or temp=false, as Asset > Upload does)',
			displayOptions: attaching,
		},
	];
}

/** Everything Attach Files needs, read and checked before anything is sent. */
export interface AttachFilesSettings {
	plan: AttachmentPlan;
	mode: ReferenceMode;
	template?: ReferenceTemplate;
	temp: boolean;
}

/**
 * The item's Attach Files parameters, or undefined when it is off. The binary properties must
 * exist on the item and the inputs must not also be given in `body` (named `inputsField`).
 */
export function readAttachFilesSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	body: JsonObject,
	inputsField: string,
): AttachFilesSettings | undefined {
	if (itemParameter(ctx, 'attachFiles', itemIndex, false) !== true) return undefined;
	// Refused rather than hidden in the tool variant: n8n drops hidden parameters when it loads a
	// workflow, so a hidden Attach Files would start the run without its files, silently.
	refuseFilesInAgentTool(ctx, 'Run > Start with Attach Files', itemIndex);
	const plan = parseAttachmentRows(ctx.getNodeParameter('attachments.file', itemIndex, []));
	checkAttachmentInputs(body, plan, inputsField);
	const mode = parseReferenceMode(ctx.getNodeParameter('referenceField', itemIndex, 'auto'));
	const template =
		mode === 'custom' ? parseReferenceTemplate(ctx.getNodeParameter('customReference', itemIndex, '')) : undefined;
	const temp = parseTemporary(ctx.getNodeParameter('attachTemporary', itemIndex, false), ATTACH_FIELDS.temporary);
	return { plan, mode, template, temp };
}

export interface AttachedFiles {
	/** The inputs to add to the start-run body. */
	inputs: JsonObject;
	/** One entry per file uploaded, for the output. */
	files: IDataObject[];
}

/** A NodeOperationError whose message n8n cannot swap for a generic one (file names may contain "EEXIST"). */
function attachError(
	ctx: IExecuteFunctions,
	message: string,
	description: string,
	itemIndex: number,
): NodeOperationError {
	const error = new NodeOperationError(ctx.getNode(), message, { description, itemIndex });
	error.message = message;
	return error;
}

/**
 * Uploads the attached files in one request and returns each input's reference. Every failure
 * says which files were involved and that no run was started.
 */
export async function uploadAttachedFiles(
	ctx: IExecuteFunctions,
	connection: VishwaConnection,
	request: { itemIndex: number; flow: string; settings: AttachFilesSettings; answerTimeoutMs?: number; slot?: UploadFilesRequest['slot']; rateLimit?: UploadFilesRequest['rateLimit'] },
): Promise<AttachedFiles> {
	const { itemIndex, flow, settings } = request;
	const { plan } = settings;
	const files = await readItemFiles(ctx, itemIndex, plan.binaryProperties, ATTACH_FIELDS.files);
	const described = files.map((file, index) => ({
		fileName: file.fileName,
		binaryProperty: plan.binaryProperties[index],
		inputs: plan.attachments.filter((attachment) => attachment.fileIndex === index).map((attachment) => attachment.input),
	}));
	const what = describeAttachedFiles(described);
	const noRun = `no run of flow "${flow}" was started`;

	let answer: unknown;
	let failure: unknown;
	try {
		answer = await uploadFiles(ctx, connection, {
			files,
			temp: settings.temp,
			answerTimeoutMs: request.answerTimeoutMs,
			itemIndex,
			action: `upload the file${files.length === 1 ? '' : 's'} to attach`,
			lostAnswerHint: 'Vishwa may have stored the files already: check before uploading them again.',
			slot: request.slot,
			rateLimit: request.rateLimit,
		});
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		// Name the files and say that nothing was started, keeping the error's class and HTTP code.
		const error = failure as Error & { description?: string | null };
		error.message = `Could not upload ${what}, so ${noRun}: ${error.message}`;
		error.description = [error.description, `No run of flow "${flow}" was started.`].filter(Boolean).join(' ');
		throw error;
	}

	const storedHint = `The file${files.length === 1 ? ' is' : 's are'} probably stored in Vishwa; ${noRun}.`;
	const entries = extractUploadEntries(answer);
	if (!entries) {
		throw attachError(
			ctx,
			`Vishwa's answer to the upload of ${what} lists no files (no "files", "data" or "assets" list), so ${noRun}`,
			`${storedHint} Vishwa answered ${summarizeBody(answer)}.`,
			itemIndex,
		);
	}
	const aligned = alignUploadEntries(
		entries,
		files.map((file) => file.fileName),
	);
	if ('problem' in aligned) {
		throw attachError(
			ctx,
			`Vishwa's answer to the upload of ${what} ${aligned.problem}, so the node cannot tell which reference belongs to which input and ${noRun}`,
			`${storedHint} Vishwa answered ${summarizeBody(answer)}.`,
			itemIndex,
		);
	}

	const references: unknown[] = [];
	aligned.entries.forEach((entry, index) => {
		const found = referenceOf(entry, settings.mode, settings.template);
		if ('problem' in found) {
			throw attachError(
				ctx,
				`The upload answer's entry for ${describeAttachedFiles([described[index]])} ${found.problem}, so ${noRun}`,
				`${storedHint} Its entry is ${summarizeBody(entry)}. Choose another ${ATTACH_FIELDS.referenceField} (ID, URL, Whole Upload Entry or Custom).`,
				itemIndex,
			);
		}
		references.push(found.reference);
	});

	const inputs = attachmentInputs(plan, references);
	const uploaded: IDataObject[] = [];
	for (const attachment of plan.attachments) {
		const file = files[attachment.fileIndex];
		uploaded.push({
			input: attachment.input,
			binaryProperty: attachment.binaryProperty,
			fileName: file.fileName,
			mimeType: file.mimeType,
			size: file.size,
			reference: references[attachment.fileIndex],
			upload: aligned.entries[attachment.fileIndex],
		} as IDataObject);
	}
	return { inputs, files: uploaded };
}

/** A sentence for errors after the upload: which files are already stored, and as what. */
export function describeUploaded(files: readonly IDataObject[]): string {
	const shown = files
		.slice(0, 3)
		.map((file) => `"${String(file.fileName)}" (input "${String(file.input)}") as ${summarizeBody(file.reference)}`);
	if (files.length > 3) shown.push(`${files.length - 3} more`);
	return `The attached files were uploaded first: ${shown.join(', ')}.`;
}
