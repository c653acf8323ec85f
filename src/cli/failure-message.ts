import { NoAnswerError } from '../db/guard-client.js';
import { connectionUnavailability } from '../db/transient-errors.js';

/**
 * One line that says what failed, for an operator: the database that cannot
 * be reached (host:port), the port in use, the login refused — never a stack
 * trace. Used by `npm start` and every command before they exit 1.
 */
export function failureMessage(error: unknown, databaseUrl?: string): string {
  const where = databaseUrl ? hostAndPort(databaseUrl) : 'the database';
  const found = findCause(error);
  const { code, message } = found as { code?: unknown; message?: unknown };
  const text = firstLine(typeof message === 'string' && message ? message : String(found));
  switch (code) {
    case 'EADDRINUSE':
      return `port ${portOf(found)} is in use: stop the process listening there or set another port`;
    case 'EACCES':
      if ((found as { syscall?: unknown }).syscall === 'listen') return `port ${portOf(found)} needs privileges this process does not have`;
      break;
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach the database at ${where} (${code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach the database at ${where}: its host name does not resolve (${code})`;
    case '28P01':
    case '28000':
      return `the database at ${where} refused the login: ${text}`;
    case '3D000':
      return `the database at ${where} says: ${text}`;
  }
  if (code === undefined) {
    switch (connectionUnavailability(found)) {
      case 'no free connection':
        return `no free connection to the database at ${where} within the acquire timeout`;
      case 'connection lost':
        return `lost the connection to the database at ${where}: ${firstLine(connectionErrorOf(found)?.message ?? text)}`;
      case 'no answer': {
        const lost = connectionErrorOf(found);
        const timeoutMs = lost instanceof NoAnswerError ? lost.timeoutMs : undefined;
        return `the database at ${where} stopped answering: no answer to a statement within ${timeoutMs === undefined ? 'the query timeout' : `${timeoutMs} ms`}`;
      }
      case undefined:
        break;
    }
  }
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `the database at ${where} failed: ${text} (SQLSTATE ${code})`;
  return text;
}

/** The innermost error that carries a code: the drivers wrap, node's connect aggregates one error per address. */
function findCause(error: unknown, depth = 0): unknown {
  if (!error || typeof error !== 'object' || depth > 5) return error;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return error;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = findCause(inner, depth + 1);
    if (found && typeof found === 'object' && typeof (found as { code?: unknown }).code === 'string') return found;
  }
  return error;
}

/** What ended the connection a statement ran on (`connectionError` of a lost connection's exception), when known. */
function connectionErrorOf(error: unknown): Error | undefined {
  const lost = (error as { connectionError?: unknown }).connectionError;
  return lost instanceof Error ? lost : undefined;
}

function portOf(error: unknown): string {
  const port = (error as { port?: unknown }).port;
  return port === undefined ? '(unknown)' : String(port);
}

function hostAndPort(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return 'the database';
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
