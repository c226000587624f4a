import { isSupportedCountry } from 'libphonenumber-js';
import { parseCloudinaryUrl } from '../lib/cloudinary-url.js';
import { parseRateLimit, type RateLimitSpec } from '../lib/rate-limit-spec.js';
import { parseTrustProxy } from '../lib/trust-proxy.js';

export type RateLimitName =
  | 'register'
  | 'login'
  | 'me'
  | 'avatar'
  | 'verify'
  | 'resend'
  | 'forgot'
  | 'reset'
  | 'change_password'
  | 'login_account'
  | 'login_account_ip'
  | 'default';

export interface SmtpConfig {
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  secure: boolean;
}

/** The validated, typed, frozen configuration. Code reads this, never `process.env`. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** Undefined until resolved: in development it is generated once and kept in DATA_DIR. */
  jwtSecret: string | undefined;
  accessTokenExpireMinutes: number;
  refreshTokenExpireDays: number;
  /** Absolute lifetime of a login: no refresh extends a session past this many days after sign-in. */
  sessionMaxDays: number;
  publicUrl: string;
  smtp: SmtpConfig | undefined;
  mailFrom: string;
  corsOrigins: string[];
  cloudinaryUrl: string | undefined;
  avatarMaxBytes: number;
  avatarAdminOnly: boolean;
  adminEmails: string[];
  requireEmailVerification: boolean;
  passwordHashIterations: number;
  defaultPhoneRegion: string;
  appTimezone: string;
  /** Fastify's `trustProxy`: false, the number of proxy hops, or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  rateLimitEnabled: boolean;
  rateLimits: Record<RateLimitName, RateLimitSpec>;
  /** How long a database call may take before the request fails with 503. */
  databaseTimeoutMs: number;
  /** GET /metrics (Prometheus) is served only when true. */
  metricsEnabled: boolean;
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** A mail is given up (marked failed) after this many attempts. */
  outboxMaxAttempts: number;
  /** Statement timeout while migrations run (they may build indexes on big tables); 0 means none. */
  migrationTimeoutMs: number;
  /** Worker processes sharing the port (node:cluster); more than one needs DATABASE_URL. */
  webConcurrency: number;
  /** On SIGTERM, how long requests in flight may take to finish before the process exits anyway. */
  shutdownGraceMs: number;
  /** Longest a client may take to send a whole request (headers and body); slower ones are cut off (408). */
  requestTimeoutMs: number;
  /** Most simultaneous connections one process accepts; further ones are closed at once. */
  maxConnections: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const RATE_LIMIT_DEFAULTS: Record<RateLimitName, string> = {
  register: '5/minute',
  login: '10/minute',
  me: '10/minute',
  avatar: '5/minute',
  verify: '10/minute',
  resend: '3/minute',
  forgot: '3/minute',
  reset: '5/minute',
  change_password: '5/minute',
  // Failed logins per account (any IP) and per account from one IP: a success resets the second.
  login_account: '100/day',
  login_account_ip: '10/day',
  default: '600/minute',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads one variable at a time and collects every problem, so start-up lists them all at once. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(
        `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
      return undefined;
    }
  }

  cloudinaryUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !parseCloudinaryUrl(value)) {
      this.problems.push(`${name} must look like cloudinary://<api_key>:<api_secret>@<cloud_name>`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the configuration from environment variables (a `.env` file is loaded by the caller).
 * Throws a ConfigError naming every bad variable.
 */
export function loadConfig(env: Env): Readonly<Config> {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = read.int('PORT', 8000, 0, 65535);

  const jwtSecret = read.raw('JWT_SECRET');
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    read.problems.push('JWT_SECRET must be at least 32 bytes long');
  } else if (jwtSecret === undefined && nodeEnv === 'production') {
    read.problems.push('JWT_SECRET is required when NODE_ENV=production (at least 32 bytes)');
  }

  const smtpHost = read.raw('SMTP_HOST');
  const smtpSecure = read.bool('SMTP_SECURE', false);
  const smtpPort = read.int('SMTP_PORT', smtpSecure ? 465 : 587, 1, 65535);

  const rateLimits = {} as Record<RateLimitName, RateLimitSpec>;
  for (const [name, fallback] of Object.entries(RATE_LIMIT_DEFAULTS) as [RateLimitName, string][]) {
    const variable = `RATE_LIMIT_${name.toUpperCase()}`;
    const spec = parseRateLimit(read.string(variable, fallback));
    if (spec === undefined) {
      read.problems.push(`${variable} must look like N/second, N/minute, N/hour or N/day`);
      rateLimits[name] = parseRateLimit(fallback)!;
    } else {
      rateLimits[name] = spec;
    }
  }

  const defaultPhoneRegion = read.string('DEFAULT_PHONE_REGION', 'UA').toUpperCase();
  // A well-formed but unknown code (UK instead of GB) would silently make every national number invalid.
  if (!isSupportedCountry(defaultPhoneRegion)) {
    read.problems.push('DEFAULT_PHONE_REGION must be a two-letter country code such as UA or US');
  }
  const appTimezone = read.string('APP_TIMEZONE', 'UTC');
  if (!isValidTimeZone(appTimezone)) {
    read.problems.push(`APP_TIMEZONE must be an IANA time zone (got "${appTimezone}")`);
  }

  const publicUrl = read.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;

  const config: Config = {
    nodeEnv,
    port,
    host: read.string('HOST', '0.0.0.0'),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: read.string('DATA_DIR', './data'),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    accessTokenExpireMinutes: read.int('ACCESS_TOKEN_EXPIRE_MINUTES', 30, 1, 60 * 24 * 30),
    refreshTokenExpireDays: read.int('REFRESH_TOKEN_EXPIRE_DAYS', 7, 1, 365),
    sessionMaxDays: read.int('SESSION_MAX_DAYS', 30, 1, 3650),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    smtp:
      smtpHost === undefined
        ? undefined
        : {
            host: smtpHost,
            port: smtpPort,
            user: read.raw('SMTP_USER'),
            password: read.raw('SMTP_PASSWORD'),
            secure: smtpSecure,
          },
    mailFrom: read.string('MAIL_FROM', 'Contacts API <noreply@localhost>'),
    corsOrigins: read.list('CORS_ORIGINS'),
    cloudinaryUrl: read.cloudinaryUrl('CLOUDINARY_URL'),
    avatarMaxBytes: read.int('AVATAR_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    avatarAdminOnly: read.bool('AVATAR_ADMIN_ONLY', false),
    adminEmails: read.list('ADMIN_EMAILS').map((email) => email.toLowerCase()),
    requireEmailVerification: read.bool('REQUIRE_EMAIL_VERIFICATION', true),
    passwordHashIterations: read.int('PASSWORD_HASH_ITERATIONS', 600_000, 1000, 10_000_000),
    defaultPhoneRegion,
    appTimezone,
    trustProxy: parseTrustProxy(read.raw('TRUST_PROXY'), read.problems),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    rateLimitEnabled: read.bool('RATE_LIMIT_ENABLED', true),
    rateLimits,
    databaseTimeoutMs: read.int('DATABASE_TIMEOUT_MS', 5000, 100, 120_000),
    metricsEnabled: read.bool('METRICS_ENABLED', false),
    metricsToken: read.raw('METRICS_TOKEN'),
    outboxMaxAttempts: read.int('OUTBOX_MAX_ATTEMPTS', 10, 1, 1000),
    migrationTimeoutMs: read.int('MIGRATION_TIMEOUT_MS', 30 * 60_000, 0, 24 * 3600_000),
    webConcurrency: read.int('WEB_CONCURRENCY', 1, 1, 64),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    requestTimeoutMs: read.int('REQUEST_TIMEOUT_MS', 60_000, 1000, 600_000),
    maxConnections: read.int('MAX_CONNECTIONS', 10_000, 1, 1_000_000),
  };
  if (config.webConcurrency > 1 && !config.databaseUrl) {
    read.problems.push(
      'WEB_CONCURRENCY greater than 1 needs DATABASE_URL: the embedded database can only be opened by one process',
    );
  }

  // A published port would hand process and traffic details to anyone: production metrics need a token.
  if (config.metricsEnabled && !config.metricsToken && nodeEnv === 'production') {
    read.problems.push('METRICS_TOKEN is required when METRICS_ENABLED=true and NODE_ENV=production');
  }

  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze(config);
}
