import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Queries built from the schema alone: a root field with every field of every
 * type below it, down to a depth bound. A query the server refuses as too
 * big (cost, tokens, depth) is split into smaller ones that together still
 * select every field, so nothing the schema offers goes unasked.
 */

/** An object-typed field and what is selected under it. */
export interface Selection {
  readonly field: string;
  /** Argument name → variable name. */
  readonly args: Readonly<Record<string, string>>;
  /** A union or interface: its branches are inline fragments. */
  readonly abstract: boolean;
  /** Per concrete type (one entry for an object type, one per possible type for a union or interface). */
  readonly branches: readonly { readonly type: string; /** Scalar and enum fields, `__typename` first. */ readonly leaves: readonly string[]; readonly children: readonly Selection[] }[];
}

export interface Variable {
  readonly name: string;
  readonly type: string;
  readonly argument: GraphQLArgument;
  readonly path: string;
}

/** Builds the selection of `field` (of `parent`) to `depth` levels of objects; variables for every argument it keeps. */
export function selectEverything(schema: GraphQLSchema, parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, depth: number, keepArgument: (arg: GraphQLArgument, path: string) => boolean): { selection: Selection; variables: Variable[] } {
  const variables: Variable[] = [];
  const build = (owner: string, f: GraphQLField<unknown, unknown>, level: number): Selection => {
    const path = `${owner}.${f.name}`;
    const args: Record<string, string> = {};
    for (const arg of f.args) {
      if (!keepArgument(arg, path)) continue;
      const name = `v${variables.length}`;
      variables.push({ name, type: String(arg.type), argument: arg, path: `${path}(${arg.name})` });
      args[arg.name] = name;
    }
    const named = getNamedType(f.type) as GraphQLNamedType;
    const concrete = isAbstractType(named) ? schema.getPossibleTypes(named) : [named as GraphQLObjectType];
    const branches = concrete.map((type) => {
      const fields = Object.values(type.getFields());
      const leaves = fields.filter((c) => isLeafType(getNamedType(c.type)) && c.args.every((a) => !isNonNullType(a.type))).map((c) => c.name);
      const children = level >= depth ? [] : fields.filter((c) => isObjectType(getNamedType(c.type)) || isAbstractType(getNamedType(c.type))).map((c) => build(type.name, c, level + 1));
      return { type: type.name, leaves: ['__typename', ...leaves], children };
    });
    return { field: f.name, args, abstract: isAbstractType(named), branches };
  };
  return { selection: build(parent.name, field, 1), variables };
}

function print(s: Selection): string {
  const args = Object.entries(s.args);
  const head = args.length ? `${s.field}(${args.map(([a, v]) => `${a}: $${v}`).join(', ')})` : s.field;
  const body = (b: Selection['branches'][number]) => [...b.leaves, ...b.children.map((c) => print(c))].join(' ');
  const inner = s.abstract ? `__typename ${s.branches.map((b) => `... on ${b.type} { ${body(b)} }`).join(' ')}` : body(s.branches[0]!);
  return `${head} { ${inner} }`;
}

/** The operation text for one root selection, declaring only the variables it uses. */
export function printQuery(root: Selection, variables: readonly Variable[]): string {
  const text = print(root);
  const used = variables.filter((v) => text.includes(`$${v.name})`) || text.includes(`$${v.name},`));
  const declared = used.length ? `(${used.map((v) => `$${v.name}: ${v.type}`).join(', ')})` : '';
  return `query Everything${declared} { ${text} }`;
}

const IDENTITY = ['__typename', 'id'];

/** At the end of a path, the leaves in two halves, each with the identity fields (cost grows with the leaves times the list bounds above). */
function splitLeaves(s: Selection): Selection[] {
  if (s.branches.length !== 1) return [];
  const branch = s.branches[0]!;
  const rest = branch.leaves.filter((l) => !IDENTITY.includes(l));
  if (rest.length < 2) return [];
  const identity = branch.leaves.filter((l) => IDENTITY.includes(l));
  const half = Math.ceil(rest.length / 2);
  return [rest.slice(0, half), rest.slice(half)].map((leaves) => ({ ...s, branches: [{ ...branch, leaves: [...identity, ...leaves] }] }));
}

/**
 * Two selections that together select what `s` selects, each smaller: the
 * object children of the first level (going down through single children)
 * with more than one are divided in two halves; every piece keeps the leaves on its path.
 * A path without such a level has its last leaves divided. None: it cannot be split.
 */
export function split(s: Selection): Selection[] {
  const children = s.branches.flatMap((b, bi) => b.children.map((c, ci) => ({ bi, ci, c })));
  if (children.length === 0) return splitLeaves(s);
  if (children.length === 1) {
    const only = children[0]!;
    return split(only.c).map((piece) => ({ ...s, branches: s.branches.map((b, bi) => ({ ...b, children: bi === only.bi ? [piece] : [] })) }));
  }
  const half = Math.ceil(children.length / 2);
  return [children.slice(0, half), children.slice(half)].map((group) => ({
    ...s,
    branches: s.branches.map((b, bi) => ({ ...b, children: group.filter((g) => g.bi === bi).map((g) => g.c) })),
  }));
}
