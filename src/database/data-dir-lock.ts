import { chmod, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/** The file in DATA_DIR that says which process has the embedded database open. */
export const LOCK_FILE_NAME = 'contacts-api.lock';

/** DATA_DIR is held by another live process (a running server, or the CLI). */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another process (pid ${pid}): the embedded database can only be opened by one process at a time. Stop that process first, or use another DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held lock; `release()` removes the lock file (idempotent). */
export interface DataDirLock {
  release(): Promise<void>;
}

/** Lock files this process holds: our own pid in a lock file is only stale if it is not one of these. */
const heldHere = new Set<string>();

/**
 * Creates DATA_DIR readable by its owner only (0700; it holds password hashes, the JWT secret and
 * mail with live reset links) and tightens a folder an older version created wider.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700).catch(() => {
    // Not ours to change (a mounted volume owned by root): the files inside are still 0600.
  });
}

/**
 * Makes every folder under `dir` 0700 and every file 0600. PGlite unpacks its initial database
 * with the archive's modes (0644, 0755) whatever the process umask, so the embedded database is
 * tightened once it is open; files it creates later follow the server's umask (0077).
 */
export async function restrictTree(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await restrictTree(full);
    else if (entry.isFile()) await chmod(full, 0o600);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Takes the exclusive lock on DATA_DIR for the embedded database: a lock file created with `wx`
 * (fails if it exists) holding this process's pid. A lock left by a process that is gone (crash,
 * SIGKILL, a container restarted with the same pid) is taken over; a live holder makes this throw
 * DataDirLockedError naming its pid. Two processes cleaning up the same stale lock at the same
 * instant is the one window left; both then race on `wx` again and only one wins.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await prepareDataDir(dataDir);
  const file = path.resolve(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      heldHere.add(file);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          await unlink(file).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    // A file still being written by its creator reads empty: treat it as held, not stale.
    if (holder === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await readHolder(file);
      if (again === undefined) await unlink(file).catch(() => {});
      continue;
    }
    const live = holder === process.pid ? heldHere.has(file) : isAlive(holder);
    if (live) throw new DataDirLockedError(dataDir, holder);
    await unlink(file).catch(() => {});
  }
  const holder = await readHolder(file);
  throw new DataDirLockedError(dataDir, holder ?? 0);
}
