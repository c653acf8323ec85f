import { ConfigError, loadConfig } from '../src/config.js';

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
    try {
      loadConfig({ PORT: 'abc', AUTH_MODE: 'jwt', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const paths = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(paths).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'LOG_LEVEL']));
    }
  });

  it('needs a secret or a JWKS URL in JWT mode', () => {
    expect(() => loadConfig({ AUTH_MODE: 'jwt' })).toThrow(/JWT_SECRET or JWKS_URL/);
  });
});
