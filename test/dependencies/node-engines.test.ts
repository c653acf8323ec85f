import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/*
 * `npm ci` warns (EBADENGINE) for every installed package whose `engines.node`
 * the running Node does not satisfy. The README promises that the lowest Node
 * package.json accepts is enough, so every package the lockfile installs must
 * accept that version. A dev tool that wants a newer Node gets pinned to an
 * older release in package.json `overrides`.
 */
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

const ROOT = process.cwd();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('Node engines', () => {
  const lowest = semver.minVersion(pkg.engines.node)!.version;

  it('package.json names a lowest Node 20 release', () => {
    expect(lowest).toMatch(/^20\./);
  });

  it('every package in package-lock.json accepts the lowest Node package.json allows', () => {
    const refused = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => !semver.satisfies(lowest, (entry.engines as { node: string }).node))
      .map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${(entry.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });
});
