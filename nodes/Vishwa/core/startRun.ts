/**
 * Building the body of a start-run request from what the user gave the node: the flow's inputs at
 * the top level and an optional `override_config` object. Every problem is a VishwaInputError that
 * names the parameter, found before anything is sent (a start-run cannot be taken back).
 */
import { VishwaInputError } from './errors';
import { isJsonObject } from './responses';

export type JsonObject = { [key: string]: unknown };

/** How a name/value field's value is sent: as given, or parsed from JSON text. */
export type FieldValueType = 'text' | 'json';

/** One row of a name/value fixedCollection, as n8n hands it over. */
export interface NameValueRow {
	name?: unknown;
	value?: unknown;
	type?: unknown;
}

export const OVERRIDE_CONFIG_KEY = 'override_config';

/** "an array", "a string", ...: what a JSON value is, for messages. */
export function describeJsonValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'boolean') return 'a boolean';
	return `a ${typeof value}`;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * JSON.parse that reports instead of throwing, so callers throw VishwaInputError outside a catch
 * block (n8n's rules reserve throwing inside one for n8n's own error classes).
 */
function parseJsonText(text: string): { value: unknown } | { problem: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { problem: errorText(error) };
	}
}

/**
 * The first integer literal in JSON text that a JavaScript number cannot hold exactly (beyond
 * 2^53 - 1, e.g. 12345678901234567890, which JSON.parse turns into 12345678901234567000), or
 * a number too large for any float (1e400, which would arrive as null), or `undefined`. Strings are
 * skipped; other numbers with a fraction or an exponent are floats by intent and may round.
 */
export function findUnsafeInteger(text: string): string | undefined {
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char === '"') {
			for (index++; index < text.length && text[index] !== '"'; index++) {
				if (text[index] === '\\') index++;
			}
			continue;
		}
		if (char !== '-' && (char < '0' || char > '9')) continue;
		const token = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 400))?.[0] ?? char;
		if (!Number.isFinite(Number(token)) || !integerArrivesExactly(token)) return token;
		index += token.length - 1;
	}
	return undefined;
}

/** The exact integer a JSON number's text denotes (1234, -5e3, 1.5e20), or undefined for a fraction. */
function exactInteger(text: string): bigint | undefined {
	const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
	if (!match) return undefined;
	const [, sign, whole, fraction = '', exponentText = '0'] = match;
	const exponent = Number(exponentText) - fraction.length;
	let digits = whole + fraction;
	if (exponent < 0) {
		if (-exponent > digits.length || /[1-9]/.test(digits.slice(exponent))) return undefined;
		digits = digits.slice(0, exponent) || '0';
	} else {
		if (exponent > 400) return undefined;
		digits += '0'.repeat(exponent);
	}
	return BigInt(`${sign}${digits}`);
}

/**
 * Whether an integer written in JSON arrives as the same integer once n8n has parsed it into a
 * double and written it out again (12345678901234567890 would arrive as 12345678901234567000;
 * 9007199254740992 and 1e300 arrive unchanged). Fractions are left alone.
 */
function integerArrivesExactly(token: string): boolean {
	const exact = exactInteger(token);
	if (exact === undefined) return true;
	return exactInteger(JSON.stringify(Number(token)).replace('e+', 'e')) === exact;
}

/** Refuses JSON text holding an integer that would be sent rounded. */
function assertExactIntegers(text: string, field: string, what: string): void {
	const unsafe = findUnsafeInteger(text);
	if (unsafe === undefined) return;
	throw new VishwaInputError(
		`${what} holds the number ${unsafe}, too large to be sent exactly (it would arrive as ${JSON.stringify(Number(unsafe))})`,
		field,
		`JSON numbers keep integers exactly only up to 9007199254740991 (2^53 - 1). Send it as a string instead: "${unsafe}".`,
	);
}

/**
 * A parameter that must hold one JSON object: JSON text, or an object an expression produced.
 * An empty text is refused rather than read as {}: it is usually an expression that found nothing.
 */
export function parseJsonObject(raw: unknown, field: string, example: string): JsonObject {
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') {
			throw new VishwaInputError(
				`${field} is empty`,
				field,
				`Give a JSON object such as ${example}, or {} for none.`,
			);
		}
		const parsed = parseJsonText(raw);
		if ('problem' in parsed) {
			throw new VishwaInputError(
				`${field} is not valid JSON (${parsed.problem})`,
				field,
				`Give a JSON object such as ${example}.`,
			);
		}
		assertExactIntegers(raw, field, field);
		value = parsed.value;
	}
	if (!isJsonObject(value)) {
		throw new VishwaInputError(
			`${field} must be a JSON object such as ${example}, not ${describeJsonValue(value)}`,
			field,
		);
	}
	return value;
}

/**
 * The value of one field. Text is sent as given (an expression's result keeps its own type, as in
 * n8n's HTTP Request node); JSON text is parsed so `42`, `true` or `{"a": 1}` arrive typed.
 */
export function fieldValue(value: unknown, type: FieldValueType, what: string, field: string): unknown {
	if (type !== 'json' || typeof value !== 'string') return value;
	const parsed = parseJsonText(value);
	if ('problem' in parsed) {
		throw new VishwaInputError(
			`The value of ${what} in ${field} is not valid JSON (${parsed.problem})`,
			field,
			`Fix the JSON, or set the field's Type to Text to send it as a string.`,
		);
	}
	assertExactIntegers(value, field, `The value of ${what} in ${field}`);
	return parsed.value;
}

/**
 * Name/value rows to one object. Names are trimmed; an empty or repeated name is an error rather
 * than a silently dropped value.
 */
export function rowsToObject(
	rows: unknown,
	options: { field: string; keyLabel: string; defaultType: FieldValueType },
): JsonObject {
	const { field, keyLabel, defaultType } = options;
	const list = Array.isArray(rows) ? (rows as NameValueRow[]) : [];
	// A Map, then fromEntries: a name like "__proto__" stays an ordinary key.
	const entries = new Map<string, unknown>();
	const positions = new Map<string, number>();
	list.forEach((row, index) => {
		const position = index + 1;
		const key = row?.name === undefined || row?.name === null ? '' : String(row.name).trim();
		if (key === '') {
			throw new VishwaInputError(`${keyLabel} of entry ${position} in ${field} is empty`, field);
		}
		const earlier = positions.get(key);
		if (earlier !== undefined) {
			throw new VishwaInputError(
				`${keyLabel} "${key}" appears twice in ${field} (entries ${earlier} and ${position})`,
				field,
				'Each name may be given once. Remove or rename one of the entries.',
			);
		}
		const type: FieldValueType = row?.type === 'json' || row?.type === 'text' ? row.type : defaultType;
		entries.set(key, fieldValue(row?.value ?? '', type, `"${key}"`, field));
		positions.set(key, position);
	});
	return Object.fromEntries(entries);
}

/**
 * Deeper than any real flow input, and far below the depth at which serializing the body would
 * exhaust the stack ("Maximum call stack size exceeded", naming nothing).
 */
export const MAX_JSON_DEPTH = 1000;

/** Refuses a value nested more than MAX_JSON_DEPTH levels; walks without recursion. */
export function assertJsonDepth(value: unknown, field: string): void {
	const pending: Array<[unknown, number]> = [[value, 0]];
	while (pending.length > 0) {
		const [current, depth] = pending.pop() as [unknown, number];
		if (current === null || typeof current !== 'object') continue;
		if (depth >= MAX_JSON_DEPTH) {
			throw new VishwaInputError(
				`${field} is nested more than ${MAX_JSON_DEPTH} levels deep`,
				field,
				'Flatten the data, or send the deep part as a JSON string.',
			);
		}
		for (const child of Object.values(current)) pending.push([child, depth + 1]);
	}
}

/**
 * `{...inputs, override_config?}`. override_config is left out when empty. The inputs may carry
 * override_config themselves (a body copied from Vishwa's Integrate panel) only when the Override
 * Config parameter gives none, and it must then be an object too.
 */
export function buildStartRunBody(
	inputs: JsonObject,
	overrideConfig: JsonObject | undefined,
	fields: { inputs: string; overrideConfig: string },
): JsonObject {
	assertJsonDepth(inputs, fields.inputs);
	if (overrideConfig !== undefined) assertJsonDepth(overrideConfig, fields.overrideConfig);
	const body: JsonObject = { ...inputs };
	const embedded = Object.prototype.hasOwnProperty.call(inputs, OVERRIDE_CONFIG_KEY);
	const given = overrideConfig !== undefined && Object.keys(overrideConfig).length > 0;
	if (embedded) {
		if (given) {
			throw new VishwaInputError(
				`${OVERRIDE_CONFIG_KEY} is given twice: in ${fields.inputs} and in ${fields.overrideConfig}`,
				fields.inputs,
				`Remove "${OVERRIDE_CONFIG_KEY}" from ${fields.inputs}, or set Override Config to None.`,
			);
		}
		const value = inputs[OVERRIDE_CONFIG_KEY];
		if (!isJsonObject(value)) {
			throw new VishwaInputError(
				`"${OVERRIDE_CONFIG_KEY}" in ${fields.inputs} must be a JSON object mapping node IDs to values, not ${describeJsonValue(value)}`,
				fields.inputs,
			);
		}
		if (Object.keys(value).length === 0) delete body[OVERRIDE_CONFIG_KEY];
		return body;
	}
	if (given) body[OVERRIDE_CONFIG_KEY] = overrideConfig;
	return body;
}
