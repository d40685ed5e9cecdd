/**
 * A lock between processes on one machine: a directory, since mkdir is atomic, holding its owner's pid. Used
 * where parallel test files share one thing on disk that only one may write at a time (the Synapse virtualenv,
 * the built package).
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

const POLL_MS = 500;

export interface DirectoryLockOptions {
  /** A lock older than this belongs to an owner that cannot still be making progress. */
  staleMs: number;
  /** Called once, when another process holds the lock and this one starts waiting. */
  onWait?: () => void;
}

/** Runs `work` holding the lock `lockDir` (created and removed here; its parent must exist). */
export async function withDirectoryLock<T>(lockDir: string, options: DirectoryLockOptions, work: () => Promise<T>): Promise<T> {
  await acquire(lockDir, options);
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function acquire(lockDir: string, options: DirectoryLockOptions): Promise<void> {
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockDir, options.staleMs)) {
      // Renaming first means only one of several waiters that judged the lock stale gets to remove it.
      const grave = `${lockDir}.stale-${process.pid}-${Date.now()}`;
      await rename(lockDir, grave).then(
        () => rm(grave, { recursive: true, force: true }),
        () => undefined,
      );
      continue;
    }
    if (!announced) {
      options.onWait?.();
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  try {
    const pid = Number(await readFile(path.join(lockDir, 'pid'), 'utf8'));
    if (pid > 0 && !isAlive(pid)) return true;
    return Date.now() - (await stat(lockDir)).mtimeMs > staleMs;
  } catch {
    // The owner creates the directory before writing its pid; give it a moment unless the lock is old.
    try {
      return Date.now() - (await stat(lockDir)).mtimeMs > 10_000;
    } catch {
      return false; // the lock vanished; the next mkdir attempt decides
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
