import js from '@eslint/js';
import globals from 'globals';

// Lint config for everything that never ships: tests, the Vishwa stand-in, e2e, benchmarks, scripts
// and the root config files. The shipped code (credentials/, nodes/, package.json) is linted by
// eslint.config.mjs, which must stay n8n's template unchanged (`n8n-node lint` checks it in strict
// mode). n8n's community-node rules mean nothing for plain Node.js scripts, so these files get
// ESLint's recommended rules with Node's globals (and Jest's in test files).
export default [
	{ ignores: ['dist/**', 'test-artifacts/**', '**/node_modules/**'] },
	{
		files: ['**/*.{js,cjs,mjs}'],
		...js.configs.recommended,
		languageOptions: {
			ecmaVersion: 2023,
			sourceType: 'commonjs',
			globals: { ...globals.node },
		},
		linterOptions: { reportUnusedDisableDirectives: 'error' },
	},
	{
		files: ['**/*.mjs'],
		languageOptions: { sourceType: 'module' },
	},
	{
		files: ['test/**/*.js', 'jest.config.js'],
		languageOptions: { globals: { ...globals.node, ...globals.jest } },
	},
];
