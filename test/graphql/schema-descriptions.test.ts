import { isEnumType, isInputObjectType, isObjectType, isScalarType, isSpecifiedScalarType, type GraphQLNamedType } from 'graphql';
import { buildSchema } from '../../src/graphql/schema.js';

/** Federation's own types and fields come without descriptions; ours must all have one. */
const FEDERATION = /^(_|link__|federation__|join__)/;

function undocumented(type: GraphQLNamedType): string[] {
  if (type.name.startsWith('__') || FEDERATION.test(type.name) || (isScalarType(type) && isSpecifiedScalarType(type))) return [];
  const missing = type.description ? [] : [type.name];
  if (isObjectType(type) || isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (FEDERATION.test(field.name)) continue;
      if (!field.description) missing.push(`${type.name}.${field.name}`);
      if ('args' in field) for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
    }
  }
  if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  return missing;
}

describe('the SDL', () => {
  it('describes every type, field, argument and enum value', () => {
    const schema = buildSchema();
    const missing = Object.values(schema.getTypeMap()).flatMap(undocumented);
    expect(missing).toEqual([]);
  });
});
