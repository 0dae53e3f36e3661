'use strict';
const os = require('os');
const path = require('path');

module.exports = { SUMMARY_DIR: path.join(os.tmpdir(), 'n8n-nodes-vishwa-test-summary') };
