/**
 * Reading numeric options (timeouts, intervals, Maximum Wait, Concurrency, page sizes). The editor's
 * min/max only constrain typed values: an expression can hand the node "abc", -1, 0, 1.5 or 1e309,
 * so every numeric option goes through `readNumberOption` before any request is made. A bad value is
 * a VishwaInputError naming the field (the node adds the item index).
 */
import { VishwaInputError } from './errors';

export interface NumberRule {
	/** Display name, as the editor shows it. */
	field: string;
	/** Whole numbers only (counts, milliseconds). */
	integer: boolean;
	/** Smallest accepted value (inclusive). */
	min: number;
	/** Largest accepted value (inclusive). */
	max: number;
	/** 'milliseconds', 'seconds' or '' (a count), for messages. */
	unit: 'milliseconds' | 'seconds' | '';
}

/**
 * The longest timer Node.js honours: a longer setTimeout fires at once (with a warning), which would
 * turn a huge timeout into an immediate one.
 */
export const MAX_TIMER_MS = 2147483647;

export const NUMBER_RULES = {
	requestTimeout: {
		field: 'Request Timeout (Ms)',
		integer: true,
		min: 1,
		max: MAX_TIMER_MS,
		unit: 'milliseconds',
	},
	concurrency: { field: 'Concurrency', integer: true, min: 1, max: 50, unit: '' },
} satisfies Record<string, NumberRule>;

/** A rule for a duration in seconds (decimals allowed), from `min` up to the longest timer. */
export function secondsRule(field: string, min = 0.001): NumberRule {
	return { field, integer: false, min, max: Math.floor(MAX_TIMER_MS / 1000), unit: 'seconds' };
}

/** A value as a message shows it: 1e309 is "Infinity", not JSON's "null". */
export function shown(raw: unknown): string {
	if (typeof raw === 'number' && !Number.isFinite(raw)) return String(raw);
	try {
		return JSON.stringify(raw) ?? String(raw);
	} catch {
		return String(raw);
	}
}

/** What the rule accepts, for messages: "a whole number of milliseconds from 1 to 2147483647". */
function accepted(rule: NumberRule): string {
	if (rule.integer) {
		return `a whole number${rule.unit === '' ? '' : ` of ${rule.unit}`} from ${rule.min} to ${rule.max}`;
	}
	return `a number of ${rule.unit} from ${rule.min} to ${rule.max}`;
}

/**
 * The option's value, checked against `rule`; `undefined` when it is not set (absent, null or empty
 * text), so the caller uses its default. Numbers given as text (an expression's result) are read;
 * anything else that is not a finite number in range is refused, never clamped or defaulted.
 */
export function readNumberOption(raw: unknown, rule: NumberRule): number | undefined {
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw === 'string' && raw.trim() === '') return undefined;
	// Decimal text only: Number() would also take "0x10" (16) or "0b1".
	const decimal = typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim());
	const value = typeof raw === 'number' ? raw : decimal ? Number((raw as string).trim()) : Number.NaN;
	const fits =
		Number.isFinite(value) && (!rule.integer || Number.isInteger(value)) && value >= rule.min && value <= rule.max;
	if (fits) return value;
	// "positive number of seconds" for the common mistakes (0, negative, not a number), the range otherwise.
	const message =
		!rule.integer && !(Number.isFinite(value) && value > 0)
			? `${rule.field} must be a positive number of ${rule.unit}`
			: `${rule.field} must be ${accepted(rule)}`;
	throw new VishwaInputError(
		`${message} (got ${shown(raw)})`,
		rule.field,
		`Give ${accepted(rule)}. If the value comes from an expression, check what it returns for this item.`,
	);
}
