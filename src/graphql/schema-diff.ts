import { buildSubgraphSchema } from '@apollo/subgraph';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { parse, type GraphQLSchema } from 'graphql';

export type ChangeLevel = 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';

/** One difference between two versions of the subgraph's SDL, as a client of the API would feel it. */
export interface SchemaChange {
  readonly level: ChangeLevel;
  /** graphql-inspector's change type, e.g. `FIELD_REMOVED`. */
  readonly type: string;
  /** Schema coordinate, e.g. `Query.program` or `Program.name`, when the change has one. */
  readonly path: string | null;
  readonly message: string;
  /** Why the change is dangerous or breaking, when graphql-inspector says. */
  readonly reason: string | null;
}

const LEVEL_ORDER: Record<ChangeLevel, number> = { BREAKING: 0, DANGEROUS: 1, NON_BREAKING: 2 };

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'NON_BREAKING',
};

/**
 * graphql-inspector rates a removed or changed `@key` as dangerous; for a
 * subgraph it breaks: other subgraphs reference the entity by that key and the
 * router plans `_entities` calls with it.
 */
const KEY_USAGE = /(^|\.)@key(\.|$)/;
const KEY_BREAKING_TYPES = /^DIRECTIVE_USAGE_(OBJECT|INTERFACE)_REMOVED$|^DIRECTIVE_USAGE_ARGUMENT_REMOVED$/;

function levelOf(change: Change): { level: ChangeLevel; reason: string | null } {
  if (change.path && KEY_USAGE.test(change.path) && KEY_BREAKING_TYPES.test(String(change.type))) {
    return { level: 'BREAKING', reason: 'Other subgraphs and the router fetch this entity by its key: removing or changing a key breaks them. Add the new key beside the old one instead.' };
  }
  return { level: LEVELS[change.criticality.level], reason: change.criticality.reason ?? null };
}

/**
 * Both sides are built as subgraph schemas, so federation's directives resolve
 * and `_entities`/`_service` (what the gateway calls) are compared too.
 */
function subgraphSchema(sdl: string, label: string): GraphQLSchema {
  try {
    return buildSubgraphSchema({ typeDefs: parse(sdl) });
  } catch (error) {
    throw new Error(`the ${label} SDL is not a valid subgraph schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Every change from `oldSdl` to `newSdl`, breaking first, then dangerous, then safe; by path within a level. */
export async function schemaChanges(oldSdl: string, newSdl: string): Promise<SchemaChange[]> {
  const changes = await diff(subgraphSchema(oldSdl, 'old'), subgraphSchema(newSdl, 'new'));
  return changes
    .map((change) => ({ ...levelOf(change), type: String(change.type), path: change.path ?? null, message: change.message }))
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || (a.path ?? '').localeCompare(b.path ?? ''));
}

/** The changes that would break an existing client (removed fields, narrowed types, new required arguments, …). */
export async function breakingChanges(oldSdl: string, newSdl: string): Promise<SchemaChange[]> {
  return (await schemaChanges(oldSdl, newSdl)).filter((change) => change.level === 'BREAKING');
}
