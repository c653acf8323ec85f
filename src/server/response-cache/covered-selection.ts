import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * The fields whose values the active program's validator covers, by type: the
 * field's type when it has a selection of its own, null for a leaf. Explicit on
 * purpose: a field added to the schema later is not here, so an operation that
 * selects it executes every time until someone decides the validator covers it.
 * Not here: anything that reads sessions, versions or other programs
 * (`currentVersion`, `versions`, `ExercisePerformance.session`, …), whose
 * changes the validator does not see.
 */
const COVERED: ReadonlyMap<string, ReadonlyMap<string, string | null>> = new Map([
  ['Query', new Map([['activeProgram', 'Program']])],
  [
    'Program',
    new Map<string, string | null>([
      ['id', null],
      ['name', null],
      ['isActive', null],
      ['updatedAt', null],
      ['revision', null],
      ['workouts', 'Workout'],
      ['schedule', 'ScheduleEntry'],
    ]),
  ],
  ['Workout', new Map<string, string | null>([['id', null], ['name', null], ['position', null], ['exercises', 'Exercise']])],
  [
    'Exercise',
    new Map<string, string | null>([
      ['id', null],
      ['name', null],
      ['notes', null],
      ['sets', 'SetPrescription'],
      ['lastPerformance', 'ExercisePerformance'],
    ]),
  ],
  ['SetPrescription', new Map([['id', null], ['reps', null], ['repsMax', null], ['weightKg', null], ['restSeconds', null]])],
  ['ScheduleEntry', new Map<string, string | null>([['id', null], ['dayOfWeek', null], ['workout', 'Workout']])],
  ['ExercisePerformance', new Map<string, string | null>([['id', null], ['exerciseId', null], ['performedAt', null], ['sets', 'PerformedSet']])],
  [
    'PerformedSet',
    new Map([['id', null], ['exerciseId', null], ['exerciseName', null], ['setNumber', null], ['reps', null], ['weightKg', null], ['rpe', null]]),
  ],
]);

/**
 * Whether a query operation selects only covered fields, after its fragments,
 * inline fragments and `@include`/`@skip` (with the coerced `variables`) are
 * resolved; aliases do not matter (the answer is keyed by the document).
 * Anything unsure (an unknown directive, a type condition naming another
 * type, a field with arguments) counts as not covered: it executes as usual.
 */
export function selectsOnlyCoveredFields(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): boolean {
  if (operation.operation !== 'query') return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const visiting = new Set<string>();

  const covered = (type: string, selectionSet: SelectionSetNode): boolean => {
    const fields = COVERED.get(type);
    if (!fields) return false;
    for (const selection of selectionSet.selections) {
      const included = isIncluded(selection.directives ?? [], variables);
      if (included === 'unknown') return false;
      if (!included) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const name = selection.name.value;
          if (name === '__typename') continue;
          if (!fields.has(name) || (selection.arguments?.length ?? 0) > 0) return false;
          const child = fields.get(name)!;
          if (child === null ? selection.selectionSet !== undefined : !selection.selectionSet || !covered(child, selection.selectionSet)) return false;
          break;
        }
        case Kind.INLINE_FRAGMENT:
          if (selection.typeCondition && selection.typeCondition.name.value !== type) return false;
          if (!covered(type, selection.selectionSet)) return false;
          break;
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          // A cycle or a missing fragment is refused by validation; refused here too, rather than looped.
          if (!fragment || fragment.typeCondition.name.value !== type || visiting.has(fragment.name.value)) return false;
          visiting.add(fragment.name.value);
          const ok = covered(type, fragment.selectionSet);
          visiting.delete(fragment.name.value);
          if (!ok) return false;
          break;
        }
      }
    }
    return true;
  };
  return covered('Query', operation.selectionSet);
}

type Directives = NonNullable<OperationDefinitionNode['selectionSet']['selections'][number]['directives']>;

/** `@include`/`@skip` as graphql-js applies them; 'unknown' for any other directive or a value this check cannot read. */
function isIncluded(directives: Directives, variables: Readonly<Record<string, unknown>>): boolean | 'unknown' {
  let included = true;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== 'include' && name !== 'skip') return 'unknown';
    const argument = directive.arguments?.find((a) => a.name.value === 'if');
    const value = argument ? booleanOf(argument.value, variables) : undefined;
    if (value === undefined) return 'unknown';
    if (name === 'include' ? !value : value) included = false;
  }
  return included;
}

function booleanOf(value: ValueNode, variables: Readonly<Record<string, unknown>>): boolean | undefined {
  if (value.kind === Kind.BOOLEAN) return value.value;
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'boolean' ? v : undefined;
  }
  return undefined;
}
