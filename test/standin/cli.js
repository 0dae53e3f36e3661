#!/usr/bin/env node
'use strict';
// `npm run standin -- [--port N] [--api-key K]`: run the Vishwa stand-in until SIGINT/SIGTERM.

const { startStandin } = require('./server');

const USAGE = 'Usage: node test/standin/cli.js [--port N] [--api-key KEY]\n'
  + '  env: VISHWA_STANDIN_PORT, VISHWA_STANDIN_API_KEY (flags win)\n';

function parseArgs(argv, env) {
  const opts = { port: env.VISHWA_STANDIN_PORT, apiKey: env.VISHWA_STANDIN_API_KEY };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      i += 1;
      if (i >= argv.length) throw new Error(`${name} needs a value`);
      return argv[i];
    };
    if (name === '--port' || name === '-p') opts.port = value();
    else if (name === '--api-key' || name === '-k') opts.apiKey = value();
    else if (name === '--help' || name === '-h') opts.help = true;
    else throw new Error(`Unknown argument: ${arg}`);
  }
  if (opts.port === undefined || opts.port === '') opts.port = 0;
  else if (!/^[0-9]+$/.test(String(opts.port)) || Number(opts.port) > 65535) throw new Error(`Invalid port: ${opts.port}`);
  else opts.port = Number(opts.port);
  if (opts.apiKey === undefined || opts.apiKey === '') opts.apiKey = 'standin-key';
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}`);
    process.exit(2);
    return;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  let standin;
  try {
    standin = await startStandin({ port: opts.port, apiKey: opts.apiKey, onError: (err) => process.stderr.write(`stand-in error: ${err && err.stack}\n`) });
  } catch (e) {
    process.stderr.write(`Could not start the Vishwa stand-in: ${e.message}\n`);
    process.exit(1);
    return;
  }
  process.stdout.write(`Vishwa stand-in listening on ${standin.url}\n`);
  process.stdout.write(`API key header: XP-API-Key: ${standin.apiKey}   control API: ${standin.url}/__control (no key)\n`);

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Vishwa stand-in stopping (${signal})\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    standin.close().then(() => process.exit(0), (e) => {
      process.stderr.write(`Error while closing: ${e.message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) main();

module.exports = { parseArgs };
