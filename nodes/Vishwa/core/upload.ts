import { VishwaInputError } from './errors';
import { MAX_TIMER_MS } from './options';

export const BINARY_PROPERTIES_FIELD = 'Binary Properties';

/**
 * The "Binary Properties" parameter: names separated by commas (an expression may also give an
 * array). Names are trimmed and kept in the given order; a name listed twice is sent twice.
 */
export function parseBinaryPropertyNames(raw: unknown): string[] {
	if (raw !== undefined && raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
		throw new VishwaInputError(
			`${BINARY_PROPERTIES_FIELD} must be names separated by commas, not an object`,
			BINARY_PROPERTIES_FIELD,
			'If it comes from an expression, make it give the names (e.g. "data, attachment"), not the binary data itself.',
		);
	}
	const values = Array.isArray(raw) ? raw : typeof raw === 'string' || typeof raw === 'number' ? String(raw).split(',') : [];
	const names = values
		.map((value) => (value === undefined || value === null ? '' : String(value).trim()))
		.filter((name) => name !== '');
	if (names.length === 0) {
		throw new VishwaInputError(
			`${BINARY_PROPERTIES_FIELD} is empty`,
			BINARY_PROPERTIES_FIELD,
			'Give the names of the input binary properties holding the files, separated by commas (e.g. "data" or "data, attachment").',
		);
	}
	return names;
}

/**
 * The input error for a binary property the item does not have, listing the ones it has. `field`
 * is the parameter that named the property (Asset > Upload's Binary Properties by default).
 */
export function missingBinaryPropertyError(
	name: string,
	available: readonly string[],
	field: string = BINARY_PROPERTIES_FIELD,
): VishwaInputError {
	const has =
		available.length === 0
			? 'the item has no binary data at all'
			: `its binary properties are ${available.map((key) => `"${key}"`).join(', ')}`;
	return new VishwaInputError(
		`No binary property "${name}" (${has})`,
		field,
		`Set "${field}" to the names of the item's binary properties, or give the item the file first (for example with "Read/Write Files from Disk" or an HTTP Request whose response format is File).`,
	);
}

/**
 * The input error for a binary property that holds no file: neither content kept in the item nor
 * the id of a stored file (a node upstream built it by hand, or its data was removed).
 */
export function emptyBinaryPropertyError(name: string, field: string = BINARY_PROPERTIES_FIELD): VishwaInputError {
	return new VishwaInputError(
		`Binary property "${name}" holds no file (no data and no stored file)`,
		field,
		`Give the item the file again before this node, or remove "${name}" from "${field}".`,
	);
}

/** The input error for a stored file n8n can no longer read (pruned, moved or deleted). */
export function unreadableStoredFileError(name: string, reason: string, field: string = BINARY_PROPERTIES_FIELD): VishwaInputError {
	return new VishwaInputError(
		`Could not read the stored file of binary property "${name}": ${reason}`,
		field,
		'n8n no longer has this file (binary data may have been pruned). Give the item the file again before this node.',
	);
}

/**
 * An upload cannot be answered before its last byte arrives, and n8n's HTTP client counts the
 * request timeout from connecting until the answer starts. So an upload gets the user's timeout
 * for the answer plus time to send the body at a conservative rate (256 KiB/s, about 2 Mbit/s).
 */
export const UPLOAD_MIN_BYTES_PER_SECOND = 256 * 1024;

export function uploadTimeoutMs(answerTimeoutMs: number, bodyBytes: number): number {
	// Capped at the longest timer Node.js honours (a longer one would fire at once).
	return Math.min(MAX_TIMER_MS, answerTimeoutMs + Math.ceil((Math.max(0, bodyBytes) / UPLOAD_MIN_BYTES_PER_SECOND) * 1000));
}

/** 'upload 2 files ("a.pdf", "b.png")' for messages; long lists are shortened. */
export function describeUpload(fileNames: readonly string[]): string {
	const shown = fileNames.slice(0, 3).map((name) => `"${name}"`);
	if (fileNames.length > 3) shown.push(`and ${fileNames.length - 3} more`);
	return `upload ${fileNames.length} file${fileNames.length === 1 ? '' : 's'} (${shown.join(', ')})`;
}

/** The "Temporary" toggle; an expression may give a string or a number. */
export function parseTemporary(raw: unknown, field = 'Temporary'): boolean {
	if (raw === undefined || raw === null || raw === '') return false;
	if (typeof raw === 'boolean') return raw;
	const text = String(raw).trim().toLowerCase();
	if (text === 'true' || text === '1') return true;
	if (text === 'false' || text === '0') return false;
	throw new VishwaInputError(`${field} must be true or false (got "${String(raw)}")`, field);
}
