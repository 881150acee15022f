/**
 * `npm run doctor`: checks the configuration `npm start` would run with (the same environment,
 * read by the same parseEnv) against the platforms, one line per backend and one for the shared
 * store, and exits 1 when anything fails. The only part of the doctor that touches process.
 */
import { ConfigError } from '../../adapters/errors.js';
import { createUpstreamFetch } from '../../transport/node-fetch.js';
import { parseEnv } from '../env.js';
import { createLogger } from '../logging/logger.js';
import { openNodeStore } from '../store/open-node.js';
import { runDoctor } from './doctor.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let config;
  try {
    config = parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say(`FAIL  configuration: ${error.message}`);
    return 1;
  }
  // The report is the output; the gateway's own log lines (warnings, failed calls) would only repeat it.
  const log = createLogger({ level: 'silent' });
  // A store that cannot be opened is one failed line: the backends are still checked.
  let store;
  let storeProblem: string | undefined;
  try {
    store = await openNodeStore(config.store, log);
  } catch (error) {
    storeProblem = error instanceof Error ? error.message : 'could not be opened';
  }
  const upstream = createUpstreamFetch({ connections: 4 });
  try {
    const lines = await runDoctor(config, { fetch: upstream.fetch, log, store, storeProblem });
    for (const line of lines) say(`${line.ok ? 'ok  ' : 'FAIL'}  ${line.text}`);
    return lines.every((line) => line.ok) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say(`FAIL  configuration: ${error.message}`);
    return 1;
  } finally {
    await Promise.allSettled([upstream.close(), store?.close()]);
  }
}

process.exitCode = await main();
