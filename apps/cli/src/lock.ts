// An exclusive lock per run directory, so two `contrastive run --out D` never train the same jobs
// or interleave metrics.jsonl. A small O_EXCL lock file holding the owner's pid rather than
// `proper-lockfile`: that library detects stale locks by mtime (a holder must keep touching the
// file, and a dead one is noticed only after `stale` ms) and does not record who holds the lock,
// while here a dead holder is known at once (`kill(pid, 0)` → ESRCH) and the message names the pid.
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** What the lock file holds. */
interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  command?: string;
}

/** Another live process holds the run directory. */
export class RunLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `${dir} is in use by another contrastive process (pid ${holder.pid}${holder.hostname !== hostname() ? ` on ${holder.hostname}` : ''}, since ${holder.startedAt}${holder.command ? `: ${holder.command}` : ''}); ` +
        `wait for it to finish or stop it, or choose another --out`,
    );
    this.name = 'RunLockedError';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the lock `<dir>/.lock` (the directory must exist): writes this process's pid to a temp file
 * and hard-links it to `.lock`, which fails with EEXIST like O_EXCL but never shows a half-written
 * lock file to another process. A lock whose holder is dead (same host, no such pid, or the pid
 * reused by a process started later) is taken over; one held by a live process (this one included:
 * two runs of one directory in one process), or by a process on another host (liveness unknown), is
 * a `RunLockedError`.
 * Returns `release`, which is also run at process exit.
 */
export function lockRunDir(dir: string, command?: string): { release: () => void } {
  const path = join(dir, '.lock');
  const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), ...(command ? { command } : {}) };
  const tmp = `${path}.${process.pid}.tmp`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      writeFileSync(tmp, JSON.stringify(info));
      linkSync(tmp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        rmSync(tmp, { force: true });
        throw new Error(`cannot create the lock file ${path} (${code}): ${(e as Error).message}`, { cause: e });
      }
      const holder = readHolder(path);
      if (holder === 'gone') continue; // released between our link and read: try again
      if (!isStale(holder)) {
        rmSync(tmp, { force: true });
        throw new RunLockedError(dir, holder!);
      }
      // Stale (dead holder, or an unreadable file). Take it over under a second, short-lived lock,
      // re-checking under it: two processes taking over at once must not remove each other's fresh lock.
      const takeover = `${path}.takeover`;
      try {
        linkSync(tmp, takeover);
      } catch {
        // Another process is taking over (or died doing so: its takeover file goes after 10 s).
        if (ageMs(takeover) > 10_000) rmSync(takeover, { force: true });
        sleep(20);
        continue;
      }
      try {
        const again = readHolder(path);
        if (again !== 'gone' && isStale(again)) rmSync(path, { force: true });
      } finally {
        rmSync(takeover, { force: true });
      }
      continue;
    }
    rmSync(tmp, { force: true });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      // Only remove our own lock (a takeover after we were presumed dead must not be undone).
      const holder = readHolder(path);
      if (holder && holder !== 'gone' && holder.pid === process.pid && holder.startedAt === info.startedAt) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { release };
  }
  rmSync(tmp, { force: true });
  throw new Error(`cannot take the lock ${path}: it keeps changing (another process is taking it over)`);
}

/**
 * A lock nobody holds any more: unreadable, or its pid is dead on this host, or that pid now belongs
 * to a process that started after the lock was taken (the pid was reused). A lock of another host
 * is never stale (its processes cannot be checked).
 */
function isStale(holder: LockInfo | undefined): boolean {
  if (holder === undefined) return true;
  if (holder.hostname !== hostname()) return false;
  if (!alive(holder.pid)) return true;
  const started = processStartMs(holder.pid);
  const locked = Date.parse(holder.startedAt);
  // 1 s of slack: /proc start times have clock-tick resolution and the lock is taken after start-up.
  return started !== undefined && Number.isFinite(locked) && started > locked + 1000;
}

/** When process `pid` started (ms since the epoch), from /proc on Linux; undefined elsewhere. */
function processStartMs(pid: number): number | undefined {
  if (pid === process.pid) return Date.now() - process.uptime() * 1000;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks after boot); fields are counted after the ")" ending the command name.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // USER_HZ is 100 on every Linux ABI Node runs on.
    return Number.isFinite(ticks) && Number.isFinite(btime) ? btime * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The lock's holder; undefined for a torn/unreadable file (treated as stale), 'gone' when it vanished. */
function readHolder(path: string): LockInfo | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.hostname === 'string'
      ? (v as LockInfo)
      : undefined;
  } catch {
    return undefined;
  }
}
