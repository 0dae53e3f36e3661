/**
 * Vishwa's answers as the node may show them: a server that echoes the API key (in an error's
 * detail, an HTML error page, a failed run's `error`) must not get it into an output item or a
 * message. The raw answer text is checked once with revealsKey (any spelling the redirect checks
 * detect: percent-encoded, case-folded, punctuation dropped, a piece of 8 letters/digits); only an
 * answer that reveals it is walked, and only the strings that reveal it are changed.
 */
import { revealsKey } from './redirects';

export const REDACTED = '[redacted]';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with the key replaced by "[redacted]": its plain and percent-encoded spellings (any case)
 * first; a word (between spaces) that still reveals it is replaced whole, and if the key still shows
 * (spread over several words), the whole text is.
 */
export function maskKey(text: string, apiKey: string): string {
	if (!revealsKey(text, apiKey)) return text;
	const spellings = [...new Set([apiKey, encodeURIComponent(apiKey)])].filter((spelling) => spelling !== '');
	let masked = text.replace(new RegExp(spellings.map(escapeRegExp).join('|'), 'gi'), REDACTED);
	if (!revealsKey(masked, apiKey)) return masked;
	masked = masked.replace(/\S+/g, (word) => (revealsKey(word, apiKey) ? REDACTED : word));
	return revealsKey(masked, apiKey) ? REDACTED : masked;
}

/** A parsed answer (or text) with every string and key that reveals the key masked; unchanged otherwise. */
export function maskKeyDeep(value: unknown, apiKey: string): unknown {
	if (typeof value === 'string') return maskKey(value, apiKey);
	if (Array.isArray(value)) return value.map((entry) => maskKeyDeep(entry, apiKey));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [maskKey(key, apiKey), maskKeyDeep(entry, apiKey)]),
		);
	}
	return value;
}

/**
 * An answer's body, masked when its raw text (`raw`, or the body itself as JSON) reveals the key:
 * one check per answer, and the walk only when it does.
 */
export function answerWithoutKey(body: unknown, raw: string | undefined, apiKey: unknown): unknown {
	if (typeof apiKey !== 'string' || apiKey === '' || body === undefined) return body;
	const text = raw ?? (typeof body === 'string' ? body : JSON.stringify(body));
	if (text === undefined || !revealsKey(text, apiKey)) return body;
	return maskKeyDeep(body, apiKey);
}
