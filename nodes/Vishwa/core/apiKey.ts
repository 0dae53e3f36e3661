/**
 * Whether the API key can be sent as the XP-API-Key header as it is. Node's HTTP client accepts a
 * header value of tab, space, visible ASCII and Latin-1 (Node's own rule for header values); other
 * characters (Cyrillic, €, emoji) are dropped on the way by n8n's HTTP client, and a line break is
 * refused, so a key holding them would reach Vishwa changed and be refused with a puzzling 401.
 */
export function apiKeyFitsHeader(apiKey: string): boolean {
	return !/[^\t\x20-\x7e\x80-\xff]/.test(apiKey);
}

/** The message for a key that does not fit (never showing the key or any part of it). */
export const API_KEY_UNSENDABLE =
	'holds characters that cannot be sent in an HTTP header (only Latin-1 characters can: letters, digits, punctuation, no line breaks)';
