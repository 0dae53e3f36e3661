/**
 * Runs `worker` over `items` with at most `limit` in flight and returns results in input order.
 * A worker must not throw for a single item's failure (return it as a value instead), so one
 * item never cancels the others.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
	const runLane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await worker(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: lanes }, runLane));
	return results;
}
