import { ConfigError, parseConfig, type Config } from './config/config';
import { createLogger, defaultLogFormat } from './log/logger';
import { startServer, type RunningServer } from './server';

// The process entry point: configuration from the environment, then serve until SIGTERM.

function configOrExit(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const format = config.logFormat ?? defaultLogFormat(config.env, process.stdout.isTTY === true);
  const log = createLogger(config.logLevel, undefined, format);
  let server: RunningServer | undefined = undefined;
  let stopping = false;
  const stop = () => {
    // A signal during start-up is honoured as soon as the server is up.
    if (!server) return;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return; // a second Ctrl-C does not cut the drain short
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests in flight');
    stop();
  };
  // Registered before start-up so an early SIGTERM is not the default kill.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  server = await startServer({ config, log });
  if (stopping) stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`Server failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
