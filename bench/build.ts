import { execFile } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './settings.js';

/** The compiled service entry, relative to the repository root. */
export const SERVICE_ENTRY = 'dist/src/server.js';

/**
 * Compiles the service as `npm run build` does (tsc -p tsconfig.build.json → dist/), so it runs on
 * plain node like in production. The compiled migrator looks for migrations next to dist/src, in
 * dist/drizzle, so the committed ones are copied there. Type errors elsewhere in a tree being edited
 * do not stop tsc from emitting; they are reported and the run goes on.
 */
export async function buildService(log: (line: string) => void): Promise<string> {
  rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT });
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? error);
    if (!existsSync(path.join(ROOT, SERVICE_ENTRY))) throw new Error(`build failed:\n${output}`);
    log(`build: tsc reported errors, running what it emitted:\n${output.split('\n').slice(0, 5).join('\n')}`);
  }
  cpSync(path.join(ROOT, 'drizzle'), path.join(ROOT, 'dist/drizzle'), { recursive: true });
  return SERVICE_ENTRY;
}
