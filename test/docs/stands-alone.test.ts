import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/*
 * The repository is all a user gets: its docs, schema descriptions and code
 * comments may not send the reader to anything outside it — a design document
 * next to the checkout, a section number of it, an issue tracker — and every
 * relative link in the Markdown must reach a file of the repository.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SELF = relative(ROOT, import.meta.filename);

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(md|ts|js|graphql)$/.test(f) && !f.startsWith('node_modules/') && f !== SELF && existsSync(join(ROOT, f)));

/** What points outside the repository, with what to write instead. */
const OUTSIDE: readonly [RegExp, string][] = [
  [/\.\.\/shared\b|\bshared\/DESIGN/, 'a path outside the repository'],
  [/\bDESIGN\b/, 'the design document (say what it said, or point into docs/)'],
  [/§/, 'a section of a document outside the repository'],
  [/\bissues? #?\d/i, 'an issue of the tracker (say the reason instead)'],
];

describe('the repository stands alone', () => {
  it('has Markdown, schema and source files to check', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/runbook.md', 'schema/schema.graphql', 'src/config.ts']));
  });

  it('names nothing outside it in docs, schema descriptions, code or comments', () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [pattern, what] of OUTSIDE) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('links from its Markdown only to files it has', () => {
    const dead: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const path = resolve(ROOT, dirname(file), target!.split('#')[0]!);
        if (relative(ROOT, path).startsWith('..') || !existsSync(path)) dead.push(`${file}: ${target}`);
      }
    }
    expect(dead).toEqual([]);
  });
});
