'use strict';
// Asset > Upload with n8n's binary data in the "filesystem" mode (files in n8n's store on disk, streamed); the cases are in node.upload.suite.js.
const { defineUploadSuite } = require('./node.upload.suite');

defineUploadSuite('filesystem');
