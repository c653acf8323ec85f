import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { readSideOf } from '../flags/phase.js';
import type { GraphQLContext } from '../graphql/context.js';
import { classifyError } from './classify-error.js';
import type { Metrics } from './metrics.js';

/**
 * One log line and one metric sample per operation, with what an operator
 * needs to follow it up (operation, read path taken, error codes as clients
 * received them); internal errors are logged with their stack. Requests
 * refused before an operation starts (authentication, a malformed HTTP
 * request) are counted by their code too.
 */
export function logRequests(metrics: Metrics, log: Logger): ApolloServerPlugin<GraphQLContext> {
  const logUnexpected = (logger: Logger, error: unknown, path?: readonly (string | number)[]) => {
    const verdict = classifyError(error);
    if (verdict.kind === 'unavailable') logger.warn({ err: verdict.cause, path }, 'dependency unavailable');
    else if (verdict.kind === 'internal') logger.error({ err: verdict.cause, path }, 'internal error');
    return verdict;
  };
  return {
    async contextCreationDidFail({ error }) {
      metrics.errors.inc({ code: logUnexpected(log, error).code });
    },
    async invalidRequestWasReceived({ error }) {
      metrics.errors.inc({ code: classifyError(error).code });
    },
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) logUnexpected(contextValue.log, error, error.path);
        },
        async willSendResponse({ operationName, errors, response }) {
          const verdicts = errors?.map(classifyError) ?? [];
          // Nothing but "retry later" to say: tell HTTP clients and proxies so too.
          if (verdicts.length && verdicts.every((v) => v.kind === 'unavailable')) response.http.status = 503;
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const codes = verdicts.map((v) => v.code);
          // The read side of the request's one phase evaluation (no context: it failed before there was one).
          const path = contextValue.phase ? readSideOf(contextValue.phase) : 'legacy';
          metrics.requests.observe({ operation: operationName ?? 'anonymous', path, outcome: codes.length ? 'error' : 'ok' }, ms / 1000);
          for (const code of codes) metrics.errors.inc({ code });
          contextValue.log.info({ operation: operationName ?? null, path, ms, errors: codes }, 'graphql request');
        },
      };
    },
  };
}
