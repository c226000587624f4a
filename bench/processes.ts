import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './settings.js';

const children = new Set<ChildProcess>();
let workDir: string | undefined;

function emptyDir(): string {
  workDir ??= mkdtempSync(path.join(os.tmpdir(), 'contacts-bench-cwd-'));
  return workDir;
}

/** A free loopback port (the kernel picks it; a race with another process is possible but harmless here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines the process wrote (for error messages). */
  output: string[];
}

/**
 * Starts an entry point (compiled .js, or .ts through tsx) with the event-loop probe preloaded, on a free loopback port.
 * node is spawned directly (not through npm), so the pid is the server's own, for RSS and signals.
 */
export async function startServer(
  name: string,
  entry: string,
  env: Record<string, string>,
): Promise<Server & { startMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const probe = path.join(ROOT, 'bench/eventloop-probe.mjs');
  // Compiled JavaScript runs on plain node; TypeScript (the baseline) through the tsx loader.
  const loader = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const child = spawn(process.execPath, [...loader, '--import', probe, path.join(ROOT, entry)], {
    // An empty working directory: the service reads ./.env, and nothing there may leak into the run.
    cwd: emptyDir(),
    // Nothing from the parent's environment but PATH/HOME: the server must not pick up a stray .env value.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    // The IPC channel is the event-loop probe's.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.channel?.unref();
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 30));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const server = { name, url, child, output };
  await waitForHealth(server, 60_000);
  return { ...server, startMs: performance.now() - started };
}

/** Polls GET /health every 20 ms until it answers 200; fails with the server's last output. */
export async function waitForHealth(server: Server, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) break;
    try {
      const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${server.name} did not become healthy:\n${server.output.join('\n')}`);
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone, true when it had to be killed. */
export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(false);
  return new Promise((resolve) => {
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(forced);
    });
    child.kill('SIGTERM');
  });
}

/** Stops every child this run started (each by its own pid). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopProcess(child)));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

/** Last resort on an abrupt exit: SIGKILL whatever is still running. */
export function killAllNow(): void {
  for (const child of children) child.kill('SIGKILL');
}
