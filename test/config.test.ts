import { ConfigError, loadConfig } from '../src/config.js';

/** The problems `loadConfig` reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('configuration', () => {
  it('defaults to dev-header outside production and JWT in production', () => {
    expect(loadConfig({}).AUTH_MODE).toBe('dev-header');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).AUTH_MODE).toBe('jwt');
  });

  it('refuses dev-header in production unless explicitly allowed', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'dev-header' })).toThrow(/ALLOW_DEV_HEADER_IN_PRODUCTION/);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'dev-header', ALLOW_DEV_HEADER_IN_PRODUCTION: 'on' }).AUTH_MODE).toBe('dev-header');
  });

  it('lists every problem in one error', () => {
    const found = problems({ PORT: 'abc', AUTH_MODE: 'jwt', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
    expect(found.map((p) => p.split(' ')[0])).toEqual(['PORT', 'DATABASE_URL', 'LOG_LEVEL']);
  });

  it('needs a secret or a JWKS URL in JWT mode', () => {
    expect(() => loadConfig({ AUTH_MODE: 'jwt' })).toThrow(/JWT_SECRET or JWKS_URL/);
  });

  it('bounds database waits: statement and lock timeouts default to 5000 and 2000 ms', () => {
    expect(loadConfig({})).toMatchObject({ DB_STATEMENT_TIMEOUT_MS: 5000, DB_LOCK_TIMEOUT_MS: 2000, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 10_000 });
    expect(loadConfig({ DB_STATEMENT_TIMEOUT_MS: '800', DB_LOCK_TIMEOUT_MS: '300' })).toMatchObject({ DB_STATEMENT_TIMEOUT_MS: 800, DB_LOCK_TIMEOUT_MS: 300 });
    expect(problems({ DB_LOCK_TIMEOUT_MS: '2s' })).toEqual(['DB_LOCK_TIMEOUT_MS must be a number of milliseconds 10–600000, got "2s"']);
  });
});

describe('configuration messages quote what was typed and list only real problems', () => {
  it('PORT=abc: names the variable, what it must be and the value typed', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT must be a port number 0–65535, got "abc"']);
  });

  it('LEGACY_JSON_WRITES=50%: one problem, the percentage — no false combination problem', () => {
    expect(problems({ LEGACY_JSON_WRITES: '50%' })).toEqual(['LEGACY_JSON_WRITES must be on or off (no percentage), got "50%"']);
  });

  it('PROGRAM_VERSIONING_READS=on alone: quotes the value typed and shows WRITES as unset, not as percentages', () => {
    const [only, ...rest] = problems({ PROGRAM_VERSIONING_READS: 'on' });
    expect(rest).toEqual([]);
    expect(only).toMatch(/^PROGRAM_VERSIONING_READS=on needs PROGRAM_VERSIONING_WRITES at least as high \(it is unset, so off\)/);
    expect(only).not.toMatch(/%/);
    expect(problems({ PROGRAM_VERSIONING_WRITES: '20%', PROGRAM_VERSIONING_READS: '30%' })[0]).toMatch(/^PROGRAM_VERSIONING_READS=30% needs .* \(it is "20%"\)/);
  });

  it('PROGRAM_VERSIONING_WRITES=ON: refused, quoting the value (the documented values are lower case)', () => {
    expect(problems({ PROGRAM_VERSIONING_WRITES: 'ON' })).toEqual(['PROGRAM_VERSIONING_WRITES must be on, off or a percentage such as 25%, got "ON"']);
  });

  it('LEGACY_JSON_WRITES=off too early: names the flags it needs and what they are', () => {
    expect(problems({ PROGRAM_VERSIONING_WRITES: 'on', LEGACY_JSON_WRITES: 'off' })).toEqual([
      'LEGACY_JSON_WRITES=off needs PROGRAM_VERSIONING_WRITES=on and PROGRAM_VERSIONING_READS=on (they are "on" and unset, so off)',
    ]);
  });

  it('never echoes a secret, and masks the password of a URL', () => {
    const found = problems({ AUTH_MODE: 'jwt', JWT_SECRET: 'hunter2', DATABASE_URL: 'postgres//app:s3cret@db' }).join('\n');
    expect(found).toMatch(/JWT_SECRET must be at least 32 characters for HS256, got 7 characters/);
    expect(found).not.toMatch(/hunter2|s3cret/);
  });

  it('masks a URL password that holds "/", ":" or "@" (base64 passwords do), though the URL does not parse', () => {
    for (const password of ['ab/cd+ef', 'a:b/c', 'p@ss/word']) {
      const found = problems({ DATABASE_URL: `postgres//svc:${password}@db:5432/training` }).join('\n');
      expect(found).toMatch(/DATABASE_URL must be a URL/);
      expect(found).toContain('***@db:5432/training');
      expect(found).not.toContain(password);
    }
  });

  it('takes an optional read replica URL, with its bound and retry delay', () => {
    expect(loadConfig({}).DATABASE_READ_URL).toBeUndefined();
    expect(loadConfig({})).toMatchObject({ DATABASE_READ_TIMEOUT_MS: 500, DATABASE_READ_RETRY_MS: 5000 });
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://svc:pw@replica:5432/training', DATABASE_READ_TIMEOUT_MS: '250' })).toMatchObject({
      DATABASE_READ_URL: 'postgres://svc:pw@replica:5432/training',
      DATABASE_READ_TIMEOUT_MS: 250,
    });
    expect(problems({ DATABASE_READ_URL: 'the replica', DATABASE_READ_RETRY_MS: '5s' })).toEqual([
      'DATABASE_READ_URL must be a URL such as postgres://user:password@replica:5432/training, got "the replica"',
      'DATABASE_READ_RETRY_MS must be a number of milliseconds 10–600000, got "5s"',
    ]);
  });
});
