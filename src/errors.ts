import { GraphQLError } from 'graphql';
import type { Violation } from './domain/program.js';

/** Every error code a client can see. One enum, so clients can switch on it. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /** The operation needs a phase (flag) this deployment or caller is not in. */
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The operation could return more than one request may: refused before it runs. */
  OPERATION_TOO_EXPENSIVE = 'OPERATION_TOO_EXPENSIVE',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.OPERATION_TOO_EXPENSIVE]: 400,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/** An error the client can act on. Its message is safe to show in production; `cause` is for the log only. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
    cause?: Error,
  ) {
    const status = HTTP_STATUS[code];
    super(message, { extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) }, originalError: cause });
    this.name = 'AppError';
  }

  /** Unknown ids and other users' ids look exactly alike: the message names only what was asked for. */
  static notFound(kind: string, id: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${kind} ${JSON.stringify(id)} was not found`, { kind, id });
  }

  static malformedId(kind: string, argument: string, id: string): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, `${argument} ${JSON.stringify(id.slice(0, 80))} is not a valid ${kind} id (a UUID)`, {
      violations: [{ path: argument, code: 'MALFORMED_ID', message: `not a UUID` }],
    });
  }

  /** Every violation at once, so the caller can fix them all in one round trip. */
  static invalid(what: string, violations: readonly Violation[]): AppError {
    const first = violations[0];
    const summary = first ? `: ${first.path}: ${first.message}` : '';
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    return new AppError(ErrorCode.BAD_USER_INPUT, `Invalid ${what}${summary}${more}`, { violations });
  }

  static conflict(message: string, extensions: Record<string, unknown> = {}): AppError {
    return new AppError(ErrorCode.CONFLICT, message, extensions);
  }

  static failedPrecondition(message: string): AppError {
    return new AppError(ErrorCode.FAILED_PRECONDITION, message);
  }

  /** `cost` null: too large to count at all. The message says how to get under the budget. */
  static operationTooExpensive(cost: number | null, budget: number): AppError {
    const what = cost === null ? `operation exceeds the budget of ${budget}: too large to cost` : `operation cost ${cost} exceeds the budget of ${budget}`;
    return new AppError(
      ErrorCode.OPERATION_TOO_EXPENSIVE,
      `${what}; ask for fewer items (\`first\`, date range, representations) or fewer nested lists`,
      { cost, budget },
    );
  }

  static unauthenticated(reason: string): AppError {
    return new AppError(ErrorCode.UNAUTHENTICATED, reason);
  }
}
