import { revealsKey } from './redirects';

/** Longest credential name a message shows whole; longer ones are cut and end with "…". */
export const MAX_CREDENTIAL_NAME_LENGTH = 60;

/**
 * The credential's name as a message may show it, or undefined when it must not be shown (then the
 * message says "the Vishwa API credential"). The name is the user's free text: line breaks and
 * control characters become spaces and invisible characters go (a message stays one readable line
 * that reads as it is shown), a very long name is cut, and a name that shows the API key or a piece
 * of it (someone pasted the key into the name) is not shown at all; that is checked on the whole
 * name, before cutting, so a cut cannot hide a match.
 */
export function credentialNameForMessages(name: unknown, apiKey: string): string | undefined {
	if (typeof name !== 'string') return undefined;
	const oneLine = name
		// Invisible characters are removed: format characters (bidi overrides and isolates that would
		// show the rest of the message reversed, zero-width spaces and joiners, U+FEFF, tags…), lone
		// surrogates and the Hangul fillers, which render as nothing.
		.replace(/[\p{Cf}\p{Cs}\u115f\u1160\u3164\uffa0]+/gu, '')
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ')
		.trim();
	if (!oneLine || revealsKey(oneLine, apiKey) || revealsKey(name, apiKey)) return undefined;
	const chars = Array.from(oneLine); // code points: a cut never splits an emoji or other surrogate pair
	if (chars.length <= MAX_CREDENTIAL_NAME_LENGTH) return oneLine;
	return `${chars.slice(0, MAX_CREDENTIAL_NAME_LENGTH - 1).join('').trimEnd()}…`;
}
