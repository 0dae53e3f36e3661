/**
 * The editor's pick lists (Run ID and Flow ID "From list"): turning listing pages into labelled
 * choices, filtering them by what the user typed, and the paging token n8n hands back for the next
 * page. Pure: the n8n side (requests, errors) is in ../methods/listSearch.ts.
 *
 * Both listings page with `limit` and `offset` and are newest first (runs) or in the server's order
 * (flows). Runs are pushed in at the top while the user scrolls, which moves the entries already
 * shown down into the next page: the token remembers the last run shown, and runs that started
 * after it are not shown twice.
 */
import { extractRunId, extractRunStatus, isJsonObject } from './responses';
import { runStartMs } from './triggerState';

export interface Choice {
	name: string;
	value: string;
}

/** Where the next page starts, and the last run shown (for skipping runs pushed down into it). */
export interface PageCursor {
	offset: number;
	lastStartMs?: number;
	lastId?: string;
	/**
	 * The newest ids shown, at most SHOWN_IDS_KEPT: runs that share a start time (second-resolution
	 * clocks) or have none cannot be told apart by time when newer runs push them down a page.
	 */
	shownIds?: string[];
}

const SHOWN_IDS_KEPT = 100;

export function encodeCursor(cursor: PageCursor): string {
	return JSON.stringify([cursor.offset, cursor.lastStartMs ?? null, cursor.lastId ?? null, cursor.shownIds ?? []]);
}

/** A token n8n gave back; anything unreadable starts from the top rather than failing the list. */
export function decodeCursor(token: unknown): PageCursor {
	if (typeof token !== 'string' || token === '') return { offset: 0 };
	let parsed: unknown;
	try {
		parsed = JSON.parse(token);
	} catch {
		return { offset: 0 };
	}
	if (!Array.isArray(parsed) || !Number.isSafeInteger(parsed[0]) || (parsed[0] as number) < 0) return { offset: 0 };
	const [offset, lastStartMs, lastId, shownIds] = parsed as [number, unknown, unknown, unknown];
	return {
		offset,
		lastStartMs: typeof lastStartMs === 'number' && Number.isFinite(lastStartMs) ? lastStartMs : undefined,
		lastId: typeof lastId === 'string' ? lastId : undefined,
		shownIds: Array.isArray(shownIds) ? shownIds.filter((id): id is string => typeof id === 'string').slice(-SHOWN_IDS_KEPT) : [],
	};
}

/** Case-insensitive "contains" on the label, the way n8n's own lists filter. */
export function matchesSearch(label: string, filter: string | undefined): boolean {
	const wanted = (filter ?? '').trim().toLowerCase();
	return wanted === '' || label.toLowerCase().includes(wanted);
}

const TWO = (n: number) => String(n).padStart(2, '0');

/**
 * A start time as "2026-11-30 04:22:12" in the workflow's time zone (n8n's setting), so it reads
 * like the times the user sees elsewhere in n8n. An unknown zone falls back to UTC, marked as such.
 */
export function formatStartTime(ms: number, timeZone: string | undefined): string {
	const date = new Date(ms);
	if (timeZone) {
		try {
			const parts = new Intl.DateTimeFormat('en-US', {
				timeZone,
				year: 'numeric',
				month: '2-digit',
				day: '2-digit',
				hour: '2-digit',
				minute: '2-digit',
				second: '2-digit',
				hourCycle: 'h23',
			}).formatToParts(date);
			const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
			return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
		} catch {
			// An unknown zone name: say the time is UTC rather than fail the list.
		}
	}
	return `${date.getUTCFullYear()}-${TWO(date.getUTCMonth() + 1)}-${TWO(date.getUTCDate())} ${TWO(date.getUTCHours())}:${TWO(date.getUTCMinutes())}:${TWO(date.getUTCSeconds())} UTC`;
}

/** "2026-11-30 04:22:12 · completed · run_17": start time and status first, the id to tell runs apart. */
export function runLabel(entry: unknown, timeZone: string | undefined): string | undefined {
	const id = extractRunId(entry);
	if (id === undefined) return undefined;
	const ms = runStartMs(entry);
	const rawStart = isJsonObject(entry) && typeof entry.run_start_time === 'string' ? entry.run_start_time : undefined;
	const when = ms !== undefined ? formatStartTime(ms, timeZone) : (rawStart ?? 'start time unknown');
	const status = extractRunStatus(entry) ?? 'status unknown';
	return `${when} · ${status} · ${id}`;
}

export interface RunPage {
	choices: Choice[];
	/** Entries of the page that were new (not shown on an earlier page). */
	fresh: number;
	/** The cursor after this page: its offset moves by the whole page, shown or not. */
	next: PageCursor;
}

/**
 * One listing page as choices: entries without a run id are left out (nothing to pick), entries
 * already shown (pushed down by newer runs since the last page) are skipped, the rest are kept when
 * they match the search.
 */
export function runChoices(
	entries: unknown[],
	cursor: PageCursor,
	filter: string | undefined,
	timeZone: string | undefined,
): RunPage {
	const choices: Choice[] = [];
	let fresh = 0;
	let { lastStartMs, lastId } = cursor;
	let pastLast = cursor.lastId === undefined;
	const shown = new Set(cursor.shownIds ?? []);
	const shownIds = [...(cursor.shownIds ?? [])];
	for (const entry of entries) {
		const id = extractRunId(entry);
		if (id === undefined) continue;
		if (shown.has(id)) continue; // on an earlier page (or twice on this one)
		const ms = runStartMs(entry);
		if (!pastLast) {
			// Runs newer than the last one shown, and the last one itself, were on an earlier page.
			if (id === cursor.lastId) {
				pastLast = true;
				continue;
			}
			if (ms !== undefined && cursor.lastStartMs !== undefined && ms > cursor.lastStartMs) continue;
			pastLast = true;
		}
		fresh++;
		lastStartMs = ms ?? lastStartMs;
		lastId = id;
		shown.add(id);
		shownIds.push(id);
		const label = runLabel(entry, timeZone) as string;
		if (matchesSearch(label, filter)) choices.push({ name: label, value: id });
	}
	return {
		choices,
		fresh,
		next: { offset: cursor.offset + entries.length, lastStartMs, lastId, shownIds: shownIds.slice(-SHOWN_IDS_KEPT) },
	};
}

/** A flow listing entry's id: `id`, else `workflow_id`, `flow_id` or `_id` (ASSUMED shapes). */
export function extractFlowId(entry: unknown): string | undefined {
	if (!isJsonObject(entry)) return undefined;
	for (const key of ['id', 'workflow_id', 'flow_id', '_id']) {
		const value = entry[key];
		if (typeof value === 'string' && value.trim() !== '') return value;
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	}
	return undefined;
}

/** The flows of a flow listing answer: a bare array, or under `workflows`, `flows`, `data` or `items`. */
export function extractFlowList(body: unknown): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	if (!isJsonObject(body)) return undefined;
	for (const key of ['workflows', 'flows', 'data', 'items']) {
		const value = body[key];
		if (Array.isArray(value)) return value;
	}
	return undefined;
}

/** "Invoice reader (6650c1f2)": the flow's name, with its id so two flows of one name differ. */
export function flowLabel(entry: unknown): string | undefined {
	const id = extractFlowId(entry);
	if (id === undefined || !isJsonObject(entry)) return undefined;
	for (const key of ['name', 'title', 'workflow_name', 'flow_name']) {
		const value = entry[key];
		if (typeof value === 'string' && value.trim() !== '') return `${value.trim()} (${id})`;
	}
	return id;
}

export function flowChoices(entries: unknown[], filter: string | undefined): Choice[] {
	const choices: Choice[] = [];
	for (const entry of entries) {
		const label = flowLabel(entry);
		const id = extractFlowId(entry);
		if (label === undefined || id === undefined) continue;
		if (matchesSearch(label, filter)) choices.push({ name: label, value: id });
	}
	return choices;
}

/**
 * Whether more entries may follow a page: a short page ends the listing, and so does a `total`
 * that the pages read have reached. A page longer than asked means the server ignores `limit`
 * (and likely `offset`): it was the whole listing.
 */
export function hasMorePages(body: unknown, pageLength: number, limit: number, nextOffset: number): boolean {
	if (pageLength === 0 || pageLength < limit || pageLength > limit) return false;
	const total = isJsonObject(body) ? body.total : undefined;
	if (typeof total === 'number' && Number.isFinite(total) && nextOffset >= total) return false;
	return true;
}
