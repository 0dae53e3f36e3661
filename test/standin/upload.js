'use strict';
// Streaming multipart receiver: every file part in field `files` is piped to its own temp
// file while it is hashed (sha256) and measured. Nothing is buffered whole in memory.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Transform } = require('stream');
const { pipeline } = require('stream/promises');
const busboy = require('busboy');
const { HttpError } = require('./store');

let uniq = 0;

/**
 * @param {import('http').IncomingMessage} req
 * @param {object} o
 * @param {string} o.dir folder for the incoming files
 * @param {string} [o.field='files'] the multipart field holding the files
 * @param {(req) => void} [o.meter] called synchronously right before the body is read
 * @returns {Promise<{parts: Array<{filename: string, mimeType: string, size: number, sha256: string, tmpPath: string}>, ignored: number}>}
 *   rejects with HttpError(400) for a malformed body; temp files of a failed upload are removed.
 */
function receiveUpload(req, { dir, field = 'files', meter }) {
  return new Promise((resolve, reject) => {
    let bb;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8' });
    } catch (e) {
      reject(new HttpError(400, `Invalid multipart/form-data request: ${e.message}`));
      return;
    }
    const parts = [];
    const writes = [];
    const streams = [];
    let ignored = 0;
    let failed = false;

    const removeAll = () => {
      for (const p of parts) fs.rm(p.tmpPath, { force: true }, () => {});
    };

    const fail = (err) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      for (const s of streams) s.destroy();
      bb.destroy();
      // Let the already started writes settle, then remove what they wrote.
      Promise.allSettled(writes).then(removeAll);
      // File-system errors (they carry a syscall) are ours: 500. Anything else is a bad body: 400.
      const ours = err && typeof err.syscall === 'string';
      reject(err instanceof HttpError || ours ? err : new HttpError(400, `Malformed multipart body: ${err && err.message}`));
    };

    bb.on('file', (name, stream, info) => {
      if (failed || name !== field) {
        ignored += 1;
        stream.resume();
        return;
      }
      uniq += 1;
      const rec = {
        filename: info.filename === undefined ? 'unnamed' : info.filename,
        mimeType: info.mimeType || 'application/octet-stream',
        size: 0,
        sha256: null,
        tmpPath: path.join(dir, `upload-${process.pid}-${uniq}.bin`),
      };
      parts.push(rec);
      streams.push(stream);
      const hash = crypto.createHash('sha256');
      const measure = new Transform({
        transform(chunk, _enc, cb) {
          hash.update(chunk);
          rec.size += chunk.length;
          cb(null, chunk);
        },
      });
      writes.push(pipeline(stream, measure, fs.createWriteStream(rec.tmpPath)).then(
        () => { rec.sha256 = hash.digest('hex'); },
        (err) => { fail(err); },
      ));
    });
    bb.on('field', () => { ignored += 1; });
    bb.on('error', fail);
    bb.on('close', () => {
      Promise.all(writes).then(() => {
        if (!failed) resolve({ parts, ignored });
      });
    });
    req.on('close', () => {
      if (!req.complete) fail(new HttpError(400, 'Client aborted the upload'));
    });
    req.on('error', fail);
    if (meter) meter(req);
    req.pipe(bb);
  });
}

module.exports = { receiveUpload };
