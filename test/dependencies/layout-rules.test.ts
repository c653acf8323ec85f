import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * The layout's rules (.dependency-cruiser.cjs, also run by CI as
 * `npm run lint:deps`): no import cycle between modules or folders, and the
 * layers in docs/architecture.md — domain at the bottom, generated GraphQL
 * types only at the API edge, the database layer importing no feature.
 */
const ROOT = process.cwd();

interface CruiseResult {
  summary: {
    violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[];
    ruleSetUsed: { forbidden?: { name: string; scope?: string }[] };
  };
}

async function cruiseSrc(): Promise<CruiseResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'src'],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as CruiseResult;
}

describe('source layout', () => {
  let result: CruiseResult;
  beforeAll(async () => {
    result = await cruiseSrc();
  }, 120_000);

  it('checks module cycles, folder cycles and the layer rules', () => {
    const rules = result.summary.ruleSetUsed.forbidden ?? [];
    expect(rules.map((rule) => rule.name)).toEqual(
      expect.arrayContaining(['no-circular', 'no-folder-cycles', 'domain-is-pure', 'generated-graphql-types-stay-at-the-edge', 'db-imports-no-feature']),
    );
    expect(rules.find((rule) => rule.name === 'no-folder-cycles')?.scope).toBe('folder');
  });

  it('src breaks none of them: no module cycle, no folder cycle, layers depend one way', () => {
    const violations = result.summary.violations.map(
      (v) => `${v.rule.name}: ${v.from} → ${v.cycle ? v.cycle.map((step) => step.name).join(' → ') : v.to}`,
    );
    expect(violations).toEqual([]);
  });
});
