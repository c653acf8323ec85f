import fc from 'fast-check';
import './fast-check-setup.js';
import { normaliseName } from '../../src/domain/normalise-name.js';

describe('normaliseName', () => {
  it.each([
    ['Bench Press', 'bench press'],
    ['  Bench   Press  ', 'bench press'],
    ['Bench\tPress\n', 'bench press'],
    ['Bench\u00a0Press', 'bench press'], // non-breaking space
    ['Ｂｅｎｃｈ　Ｐｒｅｓｓ', 'bench press'], // full-width letters and ideographic space
    ['ﬂye', 'flye'], // ligature
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['ÉLAN', 'élan'],
    ['E\u0301lan', 'élan'], // decomposed accent
    ['Istanbul', 'istanbul'], // not the Turkish dotless ı, whatever the locale
    ['\u01f0', '\u01f0'], // ǰ: case mapping decomposes it, the second NFKC composes it again
    ['J\u030c', '\u01f0'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it('is idempotent, so it can key a map', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (s) => {
        const once = normaliseName(s);
        expect(normaliseName(once)).toBe(once);
      }),
    );
  });

  it('leaves no leading, trailing or repeated whitespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\t', '\n', '\u00a0', '\u3000', 'é') }), (s) => {
        const n = normaliseName(s);
        expect(n).toBe(n.trim());
        expect(n).not.toMatch(/\s\s|[^\S ]/u);
      }),
    );
  });

  it('ignores case and the amount of whitespace between words', () => {
    const word = fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(...'abcXYZäÖ0') });
    const gap = fc.string({ minLength: 1, maxLength: 3, unit: fc.constantFrom(' ', '\t', '\u00a0') });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), gap, (words, spacing) => {
        expect(normaliseName(words.join(spacing).toUpperCase())).toBe(normaliseName(words.join(' ').toLowerCase()));
      }),
    );
  });

  it('still tells different words apart', () => {
    const word = fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(...'abcdefgh') });
    fc.assert(
      fc.property(word, word, (a, b) => {
        fc.pre(a !== b);
        expect(normaliseName(a)).not.toBe(normaliseName(b));
      }),
    );
  });
});
