import { ProgramSchema } from './program-entity.js';
import { SessionSchema } from './session-entity.js';
import { SessionSetSchema } from './session-set-entity.js';

export const entities = [ProgramSchema, SessionSchema, SessionSetSchema];
export type { ProgramEntity } from './program-entity.js';
export type { SessionEntity } from './session-entity.js';
export type { SessionSetEntity } from './session-set-entity.js';
