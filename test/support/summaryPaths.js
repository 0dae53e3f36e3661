'use strict';
const os = require('os');
const path = require('path');

// One folder per Jest run: the reporter (main process) makes it and exports its path before any
// test file starts, so parallel runs of the suite on one machine never clear or count each
// other's figures. A test file run without the reporter falls back to a shared folder.
const ENV_NAME = 'VISHWA_TEST_SUMMARY_DIR';
const FALLBACK = path.join(os.tmpdir(), 'n8n-nodes-vishwa-test-summary');

module.exports = {
	ENV_NAME,
	get SUMMARY_DIR() {
		return process.env[ENV_NAME] || FALLBACK;
	},
};
