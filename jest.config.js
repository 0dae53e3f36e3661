// Lives here rather than under "jest" in package.json: package.json is published, and n8n's
// community-node lint (no-template-placeholders) rejects "<rootDir>"-style strings in it.
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	testTimeout: 60000,
	modulePathIgnorePatterns: ['<rootDir>/e2e/'],
	// Secret hygiene over everything every test file produces, and the reliability summary line.
	setupFilesAfterEnv: ['<rootDir>/test/support/secretScan.js'],
	reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
