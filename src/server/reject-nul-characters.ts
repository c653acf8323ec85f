import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { AppError, ErrorCode } from '../errors.js';

/**
 * PostgreSQL cannot store U+0000 in text or jsonb: a string carrying one would
 * fail deep inside a write as an internal error. Refused here, once, for every
 * argument of every operation, before anything runs.
 */
export function rejectNulCharacters<T extends object>(): ApolloServerPlugin<T> {
  // A parsed document is kept by Apollo per query text and never changes: checked once.
  const checked = new WeakMap<DocumentNode, string | null>();
  const inDocument = (document: DocumentNode) => {
    let path = checked.get(document);
    if (path === undefined) checked.set(document, (path = nulInDocument(document)));
    return path;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const path = nulPath(request.variables ?? {}, 'variables') ?? inDocument(document);
          if (path) {
            throw new AppError(ErrorCode.BAD_USER_INPUT, `${path} contains a NUL character (U+0000), which cannot be stored`, {
              violations: [{ path, code: 'NUL_CHARACTER', message: 'U+0000 is not allowed in any string' }],
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}

function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path}.${JSON.stringify(key)}`;
      const found = nulPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function nulInDocument(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!found && node.value.includes('\u0000')) found = 'query';
    },
  });
  return found;
}
