'use strict';
// Asset > Upload with n8n's binary data in the "default" mode (files kept in the item as base64); the cases are in node.upload.suite.js.
const { defineUploadSuite } = require('./node.upload.suite');

defineUploadSuite('default');
