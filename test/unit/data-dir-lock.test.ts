import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataDirLockedError,
  LOCK_FILE_NAME,
  lockDataDir,
  restrictTree,
} from '../../src/database/data-dir-lock.js';

describe('the DATA_DIR lock', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'contacts-lock-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the folder 0700 and a 0600 lock file with the pid; a second lock fails naming it', async () => {
    const dir = path.join(root, 'a');
    const lock = await lockDataDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const file = path.join(dir, LOCK_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(String(process.pid));
    const second = lockDataDir(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(`pid ${process.pid}`);
    await lock.release();
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('takes over a lock of a process that is gone, of this pid from an earlier run, or left empty', async () => {
    const dir = path.join(root, 'b');
    const file = path.join(dir, LOCK_FILE_NAME);
    for (const content of ['2147483000\n', `${process.pid}\n`, '']) {
      await lockDataDir(dir).then((lock) => lock.release());
      await writeFile(file, content);
      const lock = await lockDataDir(dir);
      expect((await readFile(file, 'utf8')).trim()).toBe(String(process.pid));
      await lock.release();
    }
  });

  it('does not take a lock held by another live process', async () => {
    const dir = path.join(root, 'c');
    await lockDataDir(dir).then((lock) => lock.release());
    // pid 1 always exists (init, or this container's first process).
    await writeFile(path.join(dir, LOCK_FILE_NAME), '1\n');
    await expect(lockDataDir(dir)).rejects.toThrow('pid 1');
  });

  it('restrictTree makes folders 0700 and files 0600, all the way down', async () => {
    const dir = path.join(root, 'tree');
    await mkdir(path.join(dir, 'base', '1'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(dir, 'base', '1', '1259'), 'x', { mode: 0o644 });
    await writeFile(path.join(dir, 'PG_VERSION'), '17', { mode: 0o666 });
    await restrictTree(dir);
    for (const [file, mode] of [
      [dir, 0o700],
      [path.join(dir, 'base', '1'), 0o700],
      [path.join(dir, 'base', '1', '1259'), 0o600],
      [path.join(dir, 'PG_VERSION'), 0o600],
    ] as const) {
      expect((await stat(file)).mode & 0o777, file).toBe(mode);
    }
  });
});
