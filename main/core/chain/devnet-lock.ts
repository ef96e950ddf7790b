/**
 * The devnet folder's single-writer lock.
 *
 * Only one in-process network may execute requests against a devnet folder: two would each append
 * to the journal from their own state and fork it. The first process to open the folder creates
 * `lock.json` exclusively (O_EXCL); while it holds the lock it may serve the devnet over HTTP and
 * writes the server URL into the lock, so other processes (the CLI while the app runs, or the
 * reverse) talk to that server instead of opening the folder themselves. A lock left by a process
 * that died on this host is reclaimed; a lock from another host (a shared folder) is never
 * presumed stale.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openSync, writeSync, closeSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** Contents of `lock.json`. */
export interface DevnetLockInfo {
  pid: number;
  hostname: string;
  /** Unix seconds. */
  createdAt: number;
  /** http://127.0.0.1:port of the JSON-RPC server of the holder, or null when it does not serve. */
  url: string | null;
}

/** File name of the lock inside the devnet folder. */
export const LOCK_FILE = 'lock.json';

/** The lock's contents, or null when there is no lock or it is unreadable (being created). */
export function readDevnetLock(dir: string): DevnetLockInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as DevnetLockInfo;
    return typeof info.pid === 'number' && typeof info.hostname === 'string' ? info : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock's holder is known to be gone (same host, no such process). */
export function isStale(info: DevnetLockInfo): boolean {
  return info.hostname === hostname() && info.pid !== process.pid && !processAlive(info.pid);
}

/** A held lock. */
export class DevnetLock {
  readonly dir: string;
  #info: DevnetLockInfo;
  #released = false;

  private constructor(dir: string, info: DevnetLockInfo) {
    this.dir = dir;
    this.#info = info;
  }

  /**
   * Takes the lock of `dir`, reclaiming a stale one.
   * @returns the lock, or `{ heldBy }` describing the live holder.
   */
  static acquire(dir: string): DevnetLock | { heldBy: DevnetLockInfo } {
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      const info: DevnetLockInfo = { pid: process.pid, hostname: hostname(), createdAt: Math.floor(Date.now() / 1000), url: null };
      try {
        const fd = openSync(path, 'wx');
        try {
          writeSync(fd, JSON.stringify(info));
        } finally {
          closeSync(fd);
        }
        return new DevnetLock(dir, info);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readDevnetLock(dir);
      if (holder === null) {
        // Being written by its creator right now, or garbage from a crash during creation: give
        // the creator a moment, then treat an unreadable lock as stale.
        if (attempt === 0) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
          continue;
        }
      } else if (!isStale(holder)) {
        return { heldBy: holder };
      }
      // Re-read right before removing so a lock re-taken meanwhile by a live process survives
      // (the window left is two syscalls wide, and only after a crash).
      const again = readDevnetLock(dir);
      if (again === null || holder === null || (again.pid === holder.pid && again.createdAt === holder.createdAt)) {
        try {
          unlinkSync(path);
        } catch {
          // someone else reclaimed it first; retry
        }
      }
    }
    const holder = readDevnetLock(dir);
    if (holder !== null) return { heldBy: holder };
    throw new Error(`cannot take the devnet lock in ${dir}`);
  }

  get info(): DevnetLockInfo {
    return { ...this.#info };
  }

  /** Publishes (or withdraws, with null) the URL of this holder's JSON-RPC server. */
  setUrl(url: string | null): void {
    if (this.#released) return;
    this.#info = { ...this.#info, url };
    const tmp = join(this.dir, `${LOCK_FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(this.#info));
    renameSync(tmp, join(this.dir, LOCK_FILE));
  }

  /** Removes the lock file (only if it is still ours). Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const current = readDevnetLock(this.dir);
    if (current !== null && current.pid === this.#info.pid && current.createdAt === this.#info.createdAt) {
      try {
        unlinkSync(join(this.dir, LOCK_FILE));
      } catch {
        // already gone
      }
    }
  }
}
