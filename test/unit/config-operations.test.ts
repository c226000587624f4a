import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-grade-secret-of-more-than-32-bytes' };

describe('configuration: operations settings', () => {
  it('refuses open metrics in production, and takes them with a token', () => {
    expect(() => loadConfig({ ...production, METRICS_ENABLED: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, METRICS_ENABLED: 'true' })).toThrow(/METRICS_TOKEN is required/);
    expect(
      loadConfig({ ...production, METRICS_ENABLED: 'true', METRICS_TOKEN: 'scrape-me' }).metricsEnabled,
    ).toBe(true);
    // Development keeps the open default (a local scrape needs no token).
    expect(loadConfig({ METRICS_ENABLED: 'true' }).metricsToken).toBeUndefined();
  });

  it('reads OUTBOX_MAX_ATTEMPTS and MIGRATION_TIMEOUT_MS with their defaults and bounds', () => {
    expect(loadConfig({})).toMatchObject({ outboxMaxAttempts: 10, migrationTimeoutMs: 1_800_000 });
    expect(loadConfig({ OUTBOX_MAX_ATTEMPTS: '3', MIGRATION_TIMEOUT_MS: '0' })).toMatchObject({
      outboxMaxAttempts: 3,
      migrationTimeoutMs: 0,
    });
    expect(() => loadConfig({ OUTBOX_MAX_ATTEMPTS: '0' })).toThrow(/OUTBOX_MAX_ATTEMPTS/);
    expect(() => loadConfig({ MIGRATION_TIMEOUT_MS: '-1' })).toThrow(/MIGRATION_TIMEOUT_MS/);
  });
});
