import type { TypePolicies } from '@apollo/client';
import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { typePolicies } from '../../src/client/type-policies.js';
import { buildSchema } from '../../src/graphql/schema.js';

/**
 * The shipped Apollo Client type policies name exactly the list fields whose
 * items are normalised objects, on the types a cache normalises: what the
 * schema says now, so a new list field fails here until the module has it.
 */
const schema = buildSchema();
const hasId = (t: GraphQLObjectType) => 'id' in t.getFields();
const isList = (f: GraphQLField<unknown, unknown>) => isListType(isNonNullType(f.type) ? f.type.ofType : f.type);

function listsOfIdentifiedObjects(): Record<string, string[]> {
  const expected: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_') || type.name === 'Mutation') continue;
    if (!hasId(type) && type !== schema.getQueryType()) continue;
    const fields = Object.values(type.getFields()).filter((f) => {
      const item = getNamedType(f.type);
      return isList(f) && isObjectType(item) && hasId(item) && !f.name.startsWith('_');
    });
    if (fields.length) expected[type.name] = fields.map((f) => f.name).sort();
  }
  return expected;
}

describe('src/client/type-policies.ts', () => {
  it('is a TypePolicies for Apollo Client', () => {
    const policies: TypePolicies = typePolicies;
    expect(Object.keys(policies).length).toBeGreaterThan(0);
  });

  it('replaces every list of objects with ids on a normalised type, and nothing else', () => {
    const shipped = Object.fromEntries(Object.entries(typePolicies).map(([type, policy]) => [type, Object.keys(policy.fields).sort()]));
    expect(shipped).toEqual(listsOfIdentifiedObjects());
  });

  it('only replaces (merge: false): it changes no data a default cache would store', () => {
    for (const policy of Object.values(typePolicies)) for (const field of Object.values(policy.fields)) expect(field).toEqual({ merge: false });
  });
});
