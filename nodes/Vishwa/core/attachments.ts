/**
 * Run > Start's "Attach Files": which of the item's binary properties go to which flow input, and
 * how the upload answer's entries become the references the start-run body carries. Pure code:
 * every problem with the parameters is a VishwaInputError found before anything is uploaded;
 * problems with Vishwa's answer are returned as text for the caller to raise.
 *
 * The upload answer's shape is ASSUMED (see docs/api.md), so it is read defensively: a bare
 * array or one under `files`/`data`/`assets`, entries with `url`/`file_url` and `file_id`/`id`.
 */
import { VishwaInputError } from './errors';
import { isJsonObject } from './responses';
import { OVERRIDE_CONFIG_KEY, type JsonObject } from './startRun';

/** Display names, so errors name what the user sees. */
export const ATTACH_FIELDS = {
	files: 'Files to Attach',
	binaryProperty: 'Binary Property',
	inputName: 'Input Name',
	referenceField: 'Reference Field',
	customReference: 'Custom Reference',
	temporary: 'Temporary Files',
} as const;

/** The output key listing what was uploaded; camelCase so it cannot meet Vishwa's snake_case fields. */
export const ATTACHED_FILES_KEY = 'attachedFiles';

/** One row of the Files to Attach fixedCollection, as n8n hands it over. */
export interface AttachmentRow {
	binaryProperty?: unknown;
	inputName?: unknown;
	asList?: unknown;
}

/** One file going to one input. */
export interface Attachment {
	binaryProperty: string;
	input: string;
	/** Position of the binary property among the files sent (a property is sent once). */
	fileIndex: number;
}

export interface AttachmentPlan {
	/** Distinct binary properties, in the order they are sent in the upload request. */
	binaryProperties: string[];
	/** Every file-to-input pairing, in the order the rows give them. */
	attachments: Attachment[];
	/** Inputs that get a list of references (several files, or "Always Send a List"). */
	listInputs: Set<string>;
}

function names(raw: unknown): string[] {
	const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : raw === undefined || raw === null ? [] : [raw];
	return values
		.map((value) => (value === undefined || value === null ? '' : String(value).trim()))
		.filter((name) => name !== '');
}

/**
 * The rows of Files to Attach. A row's Binary Property may list several properties separated by
 * commas; rows naming the same input add to it. An input given more than one file (or marked
 * "Always Send a List") gets a list of references in row order, any other input one reference.
 */
export function parseAttachmentRows(rows: unknown): AttachmentPlan {
	const list = Array.isArray(rows) ? (rows as AttachmentRow[]) : [];
	if (list.length === 0) {
		throw new VishwaInputError(
			`${ATTACH_FIELDS.files} is empty`,
			ATTACH_FIELDS.files,
			`Add a file: the item's binary property holding it (e.g. "data") and the flow input it goes to, or turn Attach Files off.`,
		);
	}
	const binaryProperties: string[] = [];
	const attachments: Attachment[] = [];
	const perInput = new Map<string, number>();
	const listInputs = new Set<string>();
	const seen = new Set<string>();

	list.forEach((row, index) => {
		const position = index + 1;
		const input = row?.inputName === undefined || row?.inputName === null ? '' : String(row.inputName).trim();
		if (input === '') {
			throw new VishwaInputError(
				`${ATTACH_FIELDS.inputName} of entry ${position} in ${ATTACH_FIELDS.files} is empty`,
				ATTACH_FIELDS.files,
				"Give the flow input the file goes to, as the flow's Integrate panel in Vishwa names it.",
			);
		}
		if (input === OVERRIDE_CONFIG_KEY) {
			throw new VishwaInputError(
				`${ATTACH_FIELDS.inputName} of entry ${position} in ${ATTACH_FIELDS.files} is "${OVERRIDE_CONFIG_KEY}", which is not a flow input`,
				ATTACH_FIELDS.files,
			);
		}
		const properties = names(row?.binaryProperty);
		if (properties.length === 0) {
			throw new VishwaInputError(
				`${ATTACH_FIELDS.binaryProperty} of entry ${position} in ${ATTACH_FIELDS.files} is empty`,
				ATTACH_FIELDS.files,
				`Give the name of the item's binary property holding the file, e.g. "data".`,
			);
		}
		for (const binaryProperty of properties) {
			const pairing = `${binaryProperty}\u0000${input}`;
			if (seen.has(pairing)) {
				throw new VishwaInputError(
					`Binary property "${binaryProperty}" is attached to input "${input}" twice in ${ATTACH_FIELDS.files}`,
					ATTACH_FIELDS.files,
					'Each file may go to an input once. Remove one of the entries.',
				);
			}
			seen.add(pairing);
			let fileIndex = binaryProperties.indexOf(binaryProperty);
			if (fileIndex === -1) fileIndex = binaryProperties.push(binaryProperty) - 1;
			attachments.push({ binaryProperty, input, fileIndex });
			perInput.set(input, (perInput.get(input) ?? 0) + 1);
		}
		if (row?.asList === true || properties.length > 1) listInputs.add(input);
	});
	for (const [input, count] of perInput) if (count > 1) listInputs.add(input);
	return { binaryProperties, attachments, listInputs };
}

/** An input named both in the inputs and in Files to Attach is an error, not a silent overwrite. */
export function checkAttachmentInputs(body: JsonObject, plan: AttachmentPlan, inputsField: string): void {
	for (const { input } of plan.attachments) {
		if (Object.prototype.hasOwnProperty.call(body, input)) {
			throw new VishwaInputError(
				`Input "${input}" is given twice: in ${inputsField} and in ${ATTACH_FIELDS.files}`,
				ATTACH_FIELDS.files,
				`Remove "${input}" from ${inputsField}, or attach the file to another input.`,
			);
		}
	}
}

/** The inputs the attached files fill, `{input: reference | [references]}`, in row order. */
export function attachmentInputs(plan: AttachmentPlan, references: readonly unknown[]): JsonObject {
	const entries = new Map<string, unknown>();
	for (const { input, fileIndex } of plan.attachments) {
		const reference = references[fileIndex];
		if (plan.listInputs.has(input)) {
			const list = (entries.get(input) as unknown[] | undefined) ?? [];
			list.push(reference);
			entries.set(input, list);
		} else {
			entries.set(input, reference);
		}
	}
	return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------
// Reading the upload answer

const LIST_KEYS = ['files', 'data', 'assets'];
export const URL_KEYS = ['url', 'file_url', 'fileUrl'];
export const ID_KEYS = ['file_id', 'id', 'fileId'];
const NAME_KEYS = ['file_name', 'filename', 'fileName', 'name'];

/**
 * The file entries of an upload answer: a bare array, or the array under `files`, `data` or
 * `assets` (also one level down, e.g. `data.files`). An object that is itself a file entry (has a
 * URL or an ID) counts as a list of one. `undefined` when no list can be found.
 */
export function extractUploadEntries(answer: unknown): unknown[] | undefined {
	if (Array.isArray(answer)) return answer;
	if (!isJsonObject(answer)) return undefined;
	for (const key of LIST_KEYS) {
		const value = answer[key];
		if (Array.isArray(value)) return value;
	}
	for (const key of LIST_KEYS) {
		const value = answer[key];
		if (!isJsonObject(value)) continue;
		for (const inner of LIST_KEYS) {
			if (Array.isArray(value[inner])) return value[inner] as unknown[];
		}
	}
	if ([...URL_KEYS, ...ID_KEYS].some((key) => present(answer[key]))) return [answer];
	return undefined;
}

/**
 * Whether an upload answer names at least one stored file by URL or ID (its file entries, see
 * extractUploadEntries). A 200 naming none is no proof of storage and leaves nothing to reference.
 */
export function namesStoredFiles(answer: unknown): boolean {
	const entries = extractUploadEntries(answer) ?? [];
	return entries.some((entry) => isJsonObject(entry) && [...URL_KEYS, ...ID_KEYS].some((key) => present(entry[key])));
}

function entryName(entry: unknown): string | undefined {
	if (!isJsonObject(entry)) return undefined;
	for (const key of NAME_KEYS) {
		if (typeof entry[key] === 'string') return entry[key] as string;
	}
	return undefined;
}

/**
 * The answer's entries lined up with the files sent. Vishwa is assumed to answer in the order the
 * files were sent; when every entry carries a file name and the names match the (distinct) names
 * sent in another order, they are matched by name instead. A different count is a problem: the
 * node cannot tell which reference belongs to which input.
 */
export function alignUploadEntries(
	entries: readonly unknown[],
	sentNames: readonly string[],
): { entries: unknown[] } | { problem: string } {
	if (entries.length !== sentNames.length) {
		return {
			problem: `lists ${entries.length} file${entries.length === 1 ? '' : 's'} for the ${sentNames.length} file${sentNames.length === 1 ? '' : 's'} sent`,
		};
	}
	const answerNames = entries.map(entryName);
	const distinctSent = new Set(sentNames).size === sentNames.length;
	const inOrder = answerNames.every((name, index) => name === undefined || name === sentNames[index]);
	if (!inOrder && distinctSent && answerNames.every((name) => name !== undefined)) {
		const byName = new Map(answerNames.map((name, index) => [name as string, entries[index]]));
		if (byName.size === entries.length && sentNames.every((name) => byName.has(name))) {
			return { entries: sentNames.map((name) => byName.get(name)) };
		}
	}
	return { entries: [...entries] };
}

// ---------------------------------------------------------------------------------------------
// The reference of one entry

export type ReferenceMode = 'auto' | 'url' | 'id' | 'entry' | 'custom';

const REFERENCE_MODES: readonly ReferenceMode[] = ['auto', 'url', 'id', 'entry', 'custom'];

export function parseReferenceMode(raw: unknown): ReferenceMode {
	const value = raw === undefined || raw === null || raw === '' ? 'auto' : String(raw).trim().toLowerCase();
	if ((REFERENCE_MODES as readonly string[]).includes(value)) return value as ReferenceMode;
	throw new VishwaInputError(
		`${ATTACH_FIELDS.referenceField} must be one of ${REFERENCE_MODES.map((mode) => `"${mode}"`).join(', ')} (got "${String(raw)}")`,
		ATTACH_FIELDS.referenceField,
	);
}

/** A Custom Reference, parsed: literal text and `{field.path}` placeholders. */
export type ReferenceTemplate = Array<{ text: string } | { path: string }>;

/**
 * Custom Reference: a field name of the upload answer's entry (`asset_id`, or a dotted path such as
 * `meta.url`), or text with fields in braces (`asset://{file_id}`). A template that is exactly one
 * placeholder keeps the field's own type (a number or an object stays one).
 */
export function parseReferenceTemplate(raw: unknown): ReferenceTemplate {
	const text = raw === undefined || raw === null ? '' : String(raw);
	const field = ATTACH_FIELDS.customReference;
	if (text.trim() === '') {
		throw new VishwaInputError(
			`${field} is empty`,
			field,
			'Give the field of the upload answer that holds the reference, e.g. file_id, or a text with fields in braces, e.g. asset://{file_id}.',
		);
	}
	if (!text.includes('{') && !text.includes('}')) return [{ path: text.trim() }];
	const parts: ReferenceTemplate = [];
	const pattern = /\{([^{}]*)\}/g;
	let last = 0;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		const path = match[1].trim();
		if (path === '') {
			throw new VishwaInputError(`${field} has an empty placeholder "{}"`, field, 'Put a field name between the braces, e.g. {file_id}.');
		}
		if (match.index > last) parts.push({ text: text.slice(last, match.index) });
		parts.push({ path });
		last = match.index + match[0].length;
	}
	if (last < text.length) parts.push({ text: text.slice(last) });
	if (parts.some((part) => 'text' in part && /[{}]/.test(part.text))) {
		throw new VishwaInputError(
			`${field} has an unmatched brace: "${text}"`,
			field,
			'Fields go in pairs of braces, e.g. asset://{file_id}.',
		);
	}
	return parts;
}

/** A field of an entry: the exact key first (names may contain dots), else a dotted path. */
export function fieldAt(entry: unknown, path: string): unknown {
	if (isJsonObject(entry) && Object.prototype.hasOwnProperty.call(entry, path)) return entry[path];
	let current: unknown = entry;
	for (const key of path.split('.')) {
		if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
		else if (isJsonObject(current) && Object.prototype.hasOwnProperty.call(current, key)) current = current[key];
		else return undefined;
	}
	return current;
}

function present(value: unknown): boolean {
	return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
}

function firstPresent(entry: unknown, keys: readonly string[]): unknown {
	if (!isJsonObject(entry)) return undefined;
	for (const key of keys) if (present(entry[key])) return entry[key];
	return undefined;
}

const keyList = (keys: readonly string[]) => keys.slice(0, 2).join(' or ');

/**
 * The reference for one uploaded file, or why there is none. A bare string entry (an answer that
 * is a list of URLs or IDs) is its own reference, except for Custom.
 */
export function referenceOf(
	entry: unknown,
	mode: ReferenceMode,
	template?: ReferenceTemplate,
): { reference: unknown } | { problem: string } {
	const bare = present(entry) && !isJsonObject(entry) ? entry : undefined;
	switch (mode) {
		case 'entry':
			return entry === undefined || entry === null ? { problem: 'is empty' } : { reference: entry };
		case 'url': {
			const value = bare ?? firstPresent(entry, URL_KEYS);
			return value === undefined ? { problem: `has no URL (${keyList(URL_KEYS)})` } : { reference: value };
		}
		case 'id': {
			const value = bare ?? firstPresent(entry, ID_KEYS);
			return value === undefined ? { problem: `has no ID (${keyList(ID_KEYS)})` } : { reference: value };
		}
		case 'custom': {
			const parts = template ?? [];
			const values: unknown[] = [];
			for (const part of parts) {
				if ('text' in part) continue;
				const value = fieldAt(entry, part.path);
				if (value === undefined || value === null || value === '') return { problem: `has no field "${part.path}"` };
				values.push(value);
			}
			if (parts.length === 1 && 'path' in parts[0]) return { reference: values[0] };
			let next = 0;
			const text = parts
				.map((part) => {
					if ('text' in part) return part.text;
					const value = values[next++];
					return typeof value === 'string' ? value : JSON.stringify(value);
				})
				.join('');
			return { reference: text };
		}
		default: {
			const value = bare ?? firstPresent(entry, URL_KEYS) ?? firstPresent(entry, ID_KEYS);
			return value === undefined
				? { problem: `has neither a URL nor an ID (${[...URL_KEYS.slice(0, 2), ...ID_KEYS.slice(0, 2)].join(', ')})` }
				: { reference: value };
		}
	}
}

/**
 * '"a.pdf" (binary property "data", for input "document")' for messages; several files are
 * joined with commas and "and", and long lists shortened.
 */
export function describeAttachedFiles(
	files: ReadonlyArray<{ fileName: string; binaryProperty: string; inputs: readonly string[] }>,
): string {
	const one = ({ fileName, binaryProperty, inputs }: (typeof files)[number]) =>
		`"${fileName}" (binary property "${binaryProperty}", for input${inputs.length === 1 ? '' : 's'} ${inputs.map((input) => `"${input}"`).join(', ')})`;
	const shown = files.slice(0, 3).map(one);
	if (files.length > 3) shown.push(`${files.length - 3} more`);
	if (shown.length === 1) return shown[0];
	return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
