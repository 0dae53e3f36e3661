/** A problem with what the user gave the node, found before any request is made. */
export class VishwaInputError extends Error {
	constructor(
		message: string,
		/** Display name of the parameter at fault, so the message can name it. */
		readonly field: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'VishwaInputError';
	}
}
