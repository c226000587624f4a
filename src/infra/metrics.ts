import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Where the gauges read their values at scrape time. */
export interface MetricsSources {
  /** Mail not sent yet; may throw (database down), which the scrape survives. */
  outboxDepth(): Promise<number>;
  /** Mail given up (dead letters, not purged yet); may throw like outboxDepth. */
  outboxFailed(): Promise<number>;
  poolStats(): { total: number; idle: number; waiting: number };
}

// Seconds: most answers take milliseconds; hashing a password takes ~0.3 s at production rounds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * several apps in one process (tests) keep separate counts. Request metrics are labelled by the
 * route pattern, never the raw URL, so the number of series stays bounded.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status_code'>;
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly rejections: Counter<'limit'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route pattern, method and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.rejections = new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests refused with 429, by rate limit name',
      labelNames: ['limit'],
      registers,
    });
    new Gauge({
      name: 'mail_outbox_pending',
      help: 'Mails queued and not sent or given up yet (due now or waiting for a retry); NaN when the database is down',
      registers,
      async collect() {
        this.set(await sources.outboxDepth().catch(() => Number.NaN));
      },
    });
    new Gauge({
      name: 'mail_outbox_failed',
      help: 'Mails given up (too many attempts, refused for good, or their link expired) and kept 30 days; NaN when the database is down',
      registers,
      async collect() {
        this.set(await sources.outboxFailed().catch(() => Number.NaN));
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database connections by state (the embedded database has a single one)',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = sources.poolStats();
        this.set({ state: 'in_use' }, stats.total - stats.idle);
        this.set({ state: 'idle' }, stats.idle);
      },
    });
    new Gauge({
      name: 'db_pool_waiting_requests',
      help: 'Queries waiting for a free database connection',
      registers,
      collect() {
        this.set(sources.poolStats().waiting);
      },
    });
  }

  /** Counts one answered request; `route` is the pattern (or 'unmatched'). */
  observeRequest(labels: { method: string; route: string; status_code: number }, seconds: number): void {
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** Counts one request refused by the named rate limit. */
  rateLimited(limit: string): void {
    this.rejections.inc({ limit });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
