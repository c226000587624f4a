import { isIP } from 'node:net';

/** proxy-addr's (Fastify's) names for address ranges, accepted in the list as they are. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_HOPS = 20;

/** True for an IPv4/IPv6 address, or one followed by `/prefix` within its family's bit length. */
function isAddressOrCidr(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** What Fastify's `trustProxy` option is given: false, the proxies' addresses, or a hop test. */
export type FastifyTrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/**
 * The `trustProxy` option for Fastify. A hop count becomes a function: Fastify 5.12 ignores a plain
 * number (it "fails closed", trusting nobody), which would make every client behind the proxy one
 * rate-limit identity. Hop 0 is the socket peer, hop 1 the last X-Forwarded-For entry, and so on:
 * the first `hops` of them are the proxies, the next address is the client.
 */
export function fastifyTrustProxy(value: false | number | string[]): FastifyTrustProxy {
  if (typeof value !== 'number') return value;
  const hops = value;
  return (_address, hop) => hop < hops;
}

/**
 * Parses TRUST_PROXY into the value Fastify's `trustProxy` option takes: `false` (the default: the
 * socket address is the client), a number of proxy hops, or a list of the proxies' addresses/CIDRs.
 * `true` is refused: it trusts every hop, so a client picks its own IP (and rate-limit identity)
 * with `X-Forwarded-For`. Problems are pushed to `problems`, naming the variable.
 */
export function parseTrustProxy(value: string | undefined, problems: string[]): false | number | string[] {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (['false', 'no', 'off', '0'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) {
    problems.push(
      'TRUST_PROXY=true is refused: it lets any client choose its IP through X-Forwarded-For. ' +
        'Set the number of proxies in front of the service (e.g. TRUST_PROXY=1) or their addresses/CIDRs',
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= MAX_HOPS) return hops;
    problems.push(`TRUST_PROXY must be a number of proxy hops between 0 and ${MAX_HOPS} (got "${value}")`);
    return false;
  }
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = items.filter((item) => !RANGE_NAMES.has(item.toLowerCase()) && !isAddressOrCidr(item));
  if (items.length === 0 || bad.length > 0) {
    problems.push(
      `TRUST_PROXY must be false, a number of proxy hops, or comma-separated proxy addresses/CIDRs (bad: "${bad.join('", "') || value}")`,
    );
    return false;
  }
  return items.map((item) => (RANGE_NAMES.has(item.toLowerCase()) ? item.toLowerCase() : item));
}
