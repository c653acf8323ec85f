import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { isUuid } from '../domain/uuid.js';
import { AppError, ErrorCode } from '../errors.js';

/** Turns a request's headers into the caller's user id (null: anonymous), or refuses the request. */
export type Authenticator = (headers: { get(name: string): string | null | undefined }) => Promise<string | null>;

export function createAuthenticator(config: Pick<Config, 'AUTH_MODE' | 'JWT_SECRET' | 'JWKS_URL' | 'JWT_AUDIENCE' | 'JWT_ISSUER'>): Authenticator {
  if (config.AUTH_MODE === 'dev-header') {
    return async (headers) => {
      const id = headers.get('x-user-id')?.trim();
      if (!id) return null;
      if (!isUuid(id)) throw AppError.unauthenticated('x-user-id must be a UUID');
      return id.toLowerCase();
    };
  }
  const key: Uint8Array | JWTVerifyGetKey = config.JWKS_URL ? remoteKeySet(new URL(config.JWKS_URL)) : new TextEncoder().encode(config.JWT_SECRET);
  const algorithms = config.JWKS_URL ? ['RS256', 'ES256', 'PS256', 'EdDSA'] : ['HS256'];
  return async (headers) => {
    const header = headers.get('authorization');
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw AppError.unauthenticated('Authorization must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        audience: config.JWT_AUDIENCE,
        issuer: config.JWT_ISSUER,
        requiredClaims: ['sub', 'exp'],
      });
      if (!payload.sub || !isUuid(payload.sub)) throw AppError.unauthenticated('token subject must be a user id (UUID)');
      return payload.sub.toLowerCase();
    } catch (error) {
      if (error instanceof AppError) throw error;
      // Not the token's fault: the caller may well be signed in. Refusing as UNAUTHENTICATED would sign everyone out.
      if (error instanceof KeySetUnavailable) {
        throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The keys that verify tokens cannot be fetched right now; retry the request', { retryable: true }, error);
      }
      // jose's messages say what failed (expired, audience, signature) without echoing the token.
      throw AppError.unauthenticated(`invalid token: ${error instanceof Error ? error.message : 'unverifiable'}`);
    }
  };
}

/** The key set could not be had: unreachable, timed out, not 200, not a key set. */
class KeySetUnavailable extends Error {}

/**
 * jose's remote key set, with its failures split in two: no key for the
 * token (its `kid` or algorithm) is the token's problem; anything else comes
 * from fetching the set and says nothing about the token.
 */
function remoteKeySet(url: URL): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(url);
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      throw new KeySetUnavailable(`key set ${url.href} unavailable`, { cause: error });
    }
  };
}
