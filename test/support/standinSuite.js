'use strict';
// One stand-in for a test file: started before its tests, reset before each, closed after them.
const { startStandin } = require('../standin/server');

/**
 * Registers the file's hooks and answers the stand-in. The answer stands for the server started in
 * beforeAll (a test file's top level runs before it), so tests use it as they would the server.
 */
function useStandin(options) {
	let live;
	beforeAll(async () => {
		live = await startStandin(options);
	});
	afterAll(async () => live.close());
	beforeEach(() => live.reset());
	return new Proxy(
		{},
		{
			get(_, name) {
				if (!live) throw new Error(`The stand-in is not started yet (read of "${String(name)}" outside a test)`);
				const value = Reflect.get(live, name, live);
				return typeof value === 'function' ? value.bind(live) : value;
			},
			has: (_, name) => Boolean(live) && name in live,
		},
	);
}

module.exports = { useStandin };
