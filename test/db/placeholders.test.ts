import fc from 'fast-check';
import '../domain/fast-check-setup.js';
import { numberedPlaceholders, PlaceholderError } from '../../src/db/placeholders.js';

describe('numberedPlaceholders', () => {
  it('numbers placeholders in order', () => {
    expect(numberedPlaceholders('select * from t where a = ? and b = any(?::uuid[])', 2)).toBe('select * from t where a = $1 and b = any($2::uuid[])');
  });

  it('leaves a ? inside literals, quoted identifiers and comments alone', () => {
    const sql = `select '?', 'it''s ?', "odd?name", ? -- trailing ?\n, ? /* ? */`;
    expect(numberedPlaceholders(sql, 2)).toBe(`select '?', 'it''s ?', "odd?name", $1 -- trailing ?\n, $2 /* ? */`);
  });

  it('turns \\? into a literal ? (jsonb operators)', () => {
    expect(numberedPlaceholders(`select doc \\? 'key' from t where id = ?`, 1)).toBe(`select doc ? 'key' from t where id = $1`);
  });

  it('refuses a count mismatch and knex identifier bindings, naming the statement', () => {
    expect(() => numberedPlaceholders('select ?', 2, 'myLabel')).toThrow(new PlaceholderError('myLabel: 1 placeholder(s) in the SQL but 2 parameter(s)'));
    expect(() => numberedPlaceholders('select ?? from t', 1)).toThrow(PlaceholderError);
  });

  it('numbers exactly the placeholders outside quoted text, whatever surrounds them', () => {
    // Quote- and comment-free filler, so the segments below stay what they claim to be.
    const filler = fc.stringMatching(/^[a-z0-9 ,=()\n:[\]]{0,8}$/);
    const quotedBody = fc.stringMatching(/^[a-z ?$]{0,6}$/);
    const segment = fc.oneof(
      filler.map((text) => ({ text, out: text, placeholders: 0 })),
      fc.constant({ text: '?', out: '', placeholders: 1 }),
      quotedBody.map((b) => ({ text: `'${b}'`, out: `'${b}'`, placeholders: 0 })),
      quotedBody.map((b) => ({ text: `'${b}''${b}'`, out: `'${b}''${b}'`, placeholders: 0 })),
      quotedBody.map((b) => ({ text: `"${b}"`, out: `"${b}"`, placeholders: 0 })),
      quotedBody.map((b) => ({ text: `/* ${b} */`, out: `/* ${b} */`, placeholders: 0 })),
      quotedBody.map((b) => ({ text: `-- ${b}\n`, out: `-- ${b}\n`, placeholders: 0 })),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), (segments) => {
        // Separate segments by a space so that no two of them fuse (e.g. `?` `?` → `??`, `-` `-`).
        let n = 0;
        const sql = segments.map((s) => s.text).join(' ');
        const expected = segments.map((s) => (s.placeholders ? `$${++n}` : s.out)).join(' ');
        expect(numberedPlaceholders(sql, n)).toBe(expected);
      }),
    );
  });
});
