import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const compose = await readFile('docker-compose.yml', 'utf8');
const dockerfile = await readFile('Dockerfile', 'utf8');

/** `KEY: value` lines of the compose file (its environment blocks are flat maps). */
function settingOf(name: string): string | undefined {
  return new RegExp(`^\\s+${name}:\\s*(.+)$`, 'm').exec(compose)?.[1]?.trim();
}

describe('docker-compose.yml and Dockerfile', () => {
  it('requires JWT_SECRET from the environment, with no fallback value', () => {
    const secret = settingOf('JWT_SECRET');
    expect(secret).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    // No `${VAR:-default}` or `${VAR-default}` for any secret.
    expect(compose).not.toMatch(/\$\{(JWT_SECRET|METRICS_TOKEN|SMTP_PASSWORD)-/);
    expect(compose).not.toMatch(/\$\{(JWT_SECRET|SMTP_PASSWORD):-/);
  });

  it('does not serve /metrics openly on the published port', () => {
    const enabled = settingOf('METRICS_ENABLED');
    const token = settingOf('METRICS_TOKEN');
    // Off by default; turned on, the service refuses production without a token (config test).
    expect(enabled).toMatch(/^(\$\{METRICS_ENABLED:-false\}|"?false"?)$/);
    expect(token).toBeDefined();
  });

  it('pins every image to an exact version', () => {
    const images = [...compose.matchAll(/^\s+image:\s*(\S+)$/gm)].map((match) => match[1]!);
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of [...images, ...[...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!)]) {
      const tag = /:([^@]+)$/.exec(image)?.[1] ?? '';
      // major.minor.patch somewhere in the tag (15.10-bookworm, v1.20.0, 20.19.5-bookworm-slim), or a digest.
      expect(image.includes('@sha256:') || /\d+\.\d+(\.\d+)?/.test(tag), image).toBe(true);
      expect(tag, image).not.toMatch(/^(latest|\d+|\d+-[a-z-]+)$/);
    }
  });
});
