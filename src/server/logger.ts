import pino, { type Logger } from 'pino';

/** JSON logs on stdout; one line per request carries its id, user, operation and flags. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'training-subgraph' }, timestamp: pino.stdTimeFunctions.isoTime });
}
