import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const SECRET = 'x'.repeat(32);

/** The problems loadConfig reports for an environment, or [] when it accepts it. */
function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('is frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('serves on 0.0.0.0:8000 in development', () => {
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:8000',
      databaseUrl: undefined,
      redisUrl: undefined,
      jwtSecret: undefined,
      smtp: undefined,
      corsOrigins: [],
      adminEmails: [],
      logLevel: 'info',
    });
  });

  it('has the documented security and locale defaults', () => {
    expect(config).toMatchObject({
      passwordHashIterations: 600_000,
      requireEmailVerification: true,
      defaultPhoneRegion: 'UA',
      appTimezone: 'UTC',
      rateLimitEnabled: true,
    });
  });

  it('has a rate limit for every endpoint group', () => {
    expect(config.rateLimits.register).toEqual({ points: 5, durationSeconds: 60 });
    expect(config.rateLimits.login).toEqual({ points: 10, durationSeconds: 60 });
    expect(config.rateLimits.default).toEqual({ points: 600, durationSeconds: 60 });
    expect(config.rateLimits.change_password).toEqual({ points: 5, durationSeconds: 60 });
    expect(loadConfig({ RATE_LIMIT_CHANGE_PASSWORD: '2/hour' }).rateLimits.change_password).toEqual({
      points: 2,
      durationSeconds: 3600,
    });
  });

  it('does not trust X-Forwarded-For unless told how many proxies or which ones', () => {
    expect(config.trustProxy).toBe(false);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['off', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.168.1.7 ,fd00::/8', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
    ['::1,127.0.0.1/32', ['::1', '127.0.0.1/32']],
    ['loopback,Uniquelocal', ['loopback', 'uniquelocal']],
  ])('reads %j as %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['true', 'TRUE', 'yes', 'on'])(
    'refuses %j, naming the variable and what to set instead',
    (value) => {
      const problems = problemsFor({ TRUST_PROXY: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^TRUST_PROXY=true is refused/);
      expect(problems[0]).toContain('number of proxies');
    },
  );

  it.each([
    '21',
    '-1',
    '1.5',
    '10.0.0.300',
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0.0/8/1',
    'proxy.internal',
    ',',
    '10.0.0.1,,x',
  ])('refuses %j', (value) => {
    const problems = problemsFor({ TRUST_PROXY: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('TRUST_PROXY');
  });
});

describe('loadConfig values', () => {
  it('derives publicUrl from PORT unless PUBLIC_URL is set, without a trailing slash', () => {
    expect(loadConfig({ PORT: '3000' }).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '3000', PUBLIC_URL: 'https://api.example.com/' }).publicUrl).toBe(
      'https://api.example.com',
    );
  });

  it('splits CORS_ORIGINS and ADMIN_EMAILS on commas, trims them and lower-cases emails', () => {
    const config = loadConfig({
      CORS_ORIGINS: ' https://a.example , https://b.example,, ',
      ADMIN_EMAILS: 'Admin@Example.com , ops@example.com ,',
    });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.adminEmails).toEqual(['admin@example.com', 'ops@example.com']);
  });

  it('configures SMTP only when SMTP_HOST is set', () => {
    expect(loadConfig({ SMTP_PORT: '2525', SMTP_USER: 'u' }).smtp).toBeUndefined();
    expect(loadConfig({ SMTP_HOST: 'mail.example.com' }).smtp).toEqual({
      host: 'mail.example.com',
      port: 587,
      user: undefined,
      password: undefined,
      secure: false,
    });
    expect(
      loadConfig({ SMTP_HOST: 'mail.example.com', SMTP_SECURE: 'true', SMTP_USER: 'u', SMTP_PASSWORD: 'p' })
        .smtp,
    ).toEqual({ host: 'mail.example.com', port: 465, user: 'u', password: 'p', secure: true });
  });

  it('accepts valid overrides', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      DATABASE_URL: 'postgres://user:pw@db:5432/contacts',
      REDIS_URL: 'redis://cache:6379',
      RATE_LIMIT_LOGIN: '20/hour',
      REQUIRE_EMAIL_VERIFICATION: 'no',
      APP_TIMEZONE: 'Europe/Kyiv',
      DEFAULT_PHONE_REGION: 'us',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      jwtSecret: SECRET,
      databaseUrl: 'postgres://user:pw@db:5432/contacts',
      redisUrl: 'redis://cache:6379',
      requireEmailVerification: false,
      appTimezone: 'Europe/Kyiv',
      defaultPhoneRegion: 'US',
      logLevel: 'debug',
    });
    expect(config.rateLimits.login).toEqual({ points: 20, durationSeconds: 3600 });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', LOG_LEVEL: '' })).toMatchObject({ port: 8000, logLevel: 'info' });
  });
});

describe('loadConfig problems', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['RATE_LIMIT_LOGIN', { RATE_LIMIT_LOGIN: 'lots' }],
    ['REQUIRE_EMAIL_VERIFICATION', { REQUIRE_EMAIL_VERIFICATION: 'maybe' }],
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Mars/Base' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['REDIS_URL', { REDIS_URL: 'http://x' }],
    ['JWT_SECRET', { JWT_SECRET: 'short' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DEFAULT_PHONE_REGION', { DEFAULT_PHONE_REGION: 'Ukraine' }],
    // Two letters, but the ISO code is GB: libphonenumber would reject every national number.
    ['DEFAULT_PHONE_REGION', { DEFAULT_PHONE_REGION: 'UK' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'localhost:8000' }],
  ])('names %s for %j', (variable, env) => {
    const problems = problemsFor(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(variable);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsFor({
      PORT: 'abc',
      RATE_LIMIT_LOGIN: 'lots',
      APP_TIMEZONE: 'Mars/Base',
      LOG_LEVEL: 'loud',
      JWT_SECRET: 'short',
    });
    expect(problems).toHaveLength(5);
    for (const variable of ['PORT', 'RATE_LIMIT_LOGIN', 'APP_TIMEZONE', 'LOG_LEVEL', 'JWT_SECRET']) {
      expect(problems.some((problem) => problem.includes(variable))).toBe(true);
    }
  });

  it('puts the problems in the error message too', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/Invalid configuration:\n {2}- PORT/);
  });
});
