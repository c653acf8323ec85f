import { isUuid } from '../domain/uuid.js';
import type { SessionModel } from '../models/read-models.js';
import type { SessionCursor } from '../store/session-store.js';

/** Opaque page cursors: base64url of `<startedAt ISO>|<id>`, the keyset of the newest-first order. */
export function encodeSessionCursor(session: Pick<SessionModel, 'startedAt' | 'id'>): string {
  return Buffer.from(`${session.startedAt.toISOString()}|${session.id}`).toString('base64url');
}

export function decodeSessionCursor(cursor: string): SessionCursor | null {
  if (cursor.length > 200) return null;
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !at || !id || !isUuid(id)) return null;
  const startedAt = new Date(at);
  return Number.isNaN(startedAt.getTime()) ? null : { startedAt, id };
}
