/**
 * The architecture, as rules `npm run lint:deps` checks (dependency-cruiser).
 * docs/architecture.md draws the same layers; when a rule here changes, change
 * the picture there.
 *
 *   graphql/resolvers → reads/{legacy,versioned,shadow} · writes/{legacy,dual,versioned}
 *                     → store/ (SQL and ORM access by table) → db/ (connections, entities, migrations)
 *   everything        → models/ (what reads return) → domain/ (pure rules)
 */
/** Folders that hold features; the database layer imports none of them. */
const FEATURES = '^src/(auth|backfill|cli|client|flags|graphql|models|reads|restore-legacy|seed|server|store|verify|writes)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles between modules. Exception: the MikroORM entities in src/db/entities reference each ' +
        'other both ways, because relations are declared on both sides (Program.versions ↔ ProgramVersion.program); ' +
        'MikroORM resolves them lazily by name, so the cycle is harmless there and nowhere else.',
      from: {},
      to: {
        circular: true,
        viaOnly: { pathNot: '^src/db/entities/' },
      },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      scope: 'folder',
      comment: 'No cycles between folders: a folder is a layer or a feature, and layers depend one way.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain holds the rules as functions of values: it imports nothing else from src.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'models-sit-on-the-domain',
      severity: 'error',
      comment: 'src/models (what both read paths and the writers return) is built from domain types only.',
      from: { path: '^src/models/' },
      to: { path: '^src/', pathNot: '^src/(models|domain)/' },
    },
    {
      name: 'generated-graphql-types-stay-at-the-edge',
      severity: 'error',
      comment:
        'Generated GraphQL types belong to the API edge (src/graphql, src/server) and the client helpers ' +
        '(src/client). Reads, writes and the store speak in src/models and src/domain types.',
      from: { path: '^src/', pathNot: '^src/(graphql|server|client)/' },
      to: { path: '^src/graphql/generated/' },
    },
    {
      name: 'db-imports-no-feature',
      severity: 'error',
      comment: 'src/db (connections, transactions, entities, migrations) sits below every feature folder.',
      from: { path: '^src/db/' },
      to: { path: FEATURES },
    },
    {
      name: 'store-below-reads-and-writes',
      severity: 'error',
      comment: 'src/store (SQL and ORM access by table) uses only db, models and domain.',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|db|models|domain)/|^src/(errors|config)\\.ts$' },
    },
    {
      name: 'reads-and-writes-apart',
      severity: 'error',
      comment: 'Read paths and write paths do not import each other; what they share lives in store/, models/ or domain/.',
      from: { path: '^src/(reads|writes)/' },
      to: { path: '^src/(reads|writes)/', pathNot: '^src/$1/' },
    },
    {
      name: 'paths-below-the-api',
      severity: 'error',
      comment: 'Read and write paths know nothing of GraphQL, HTTP or the commands that call them.',
      from: { path: '^src/(reads|writes|store)/' },
      to: { path: '^src/(graphql|server|cli|verify|backfill|seed)/' },
    },
    {
      name: 'nothing-imports-commands',
      severity: 'error',
      comment: 'src/cli holds entry points (one per npm script); code lives elsewhere and is imported from there.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
