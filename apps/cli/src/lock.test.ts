// The run-directory lock: exclusive, names the holder, takes over a dead holder's (or a reused pid's) lock.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockRunDir, RunLockedError } from './lock';

const fresh = () => mkdtempSync(join(tmpdir(), 'contrastive-lock-'));
const writeLock = (dir: string, pid: number, startedAt: string, host = hostname()) =>
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid, hostname: host, startedAt }));

async function deadPid(): Promise<number> {
  const child = spawn('sleep', ['30']);
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('lockRunDir', () => {
  it('is exclusive (also within one process), names the holder, and is released', () => {
    const dir = fresh();
    const lock = lockRunDir(dir, 'contrastive run x');
    expect(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      command: 'contrastive run x',
    });
    let error: unknown;
    try {
      lockRunDir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toContain(`${dir} is in use by another contrastive process (pid ${process.pid}`);
    expect((error as Error).message).toContain('contrastive run x');
    lock.release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    lockRunDir(dir).release();
  });

  it("takes over a dead process's lock, an unreadable one, and one whose pid was reused by a later process", async () => {
    const dir = fresh();
    writeLock(dir, await deadPid(), new Date().toISOString());
    lockRunDir(dir).release();
    writeFileSync(join(dir, '.lock'), '\u0000torn');
    lockRunDir(dir).release();
    const later = spawn('sleep', ['30']);
    await new Promise((r) => later.on('spawn', r));
    try {
      writeLock(dir, later.pid!, new Date(Date.now() - 3_600_000).toISOString()); // taken an hour before that process started
      const lock = lockRunDir(dir);
      expect(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      later.kill('SIGKILL');
    }
  });

  it('refuses a live holder and a holder on another host', async () => {
    const dir = fresh();
    const live = spawn('sleep', ['30']);
    await new Promise((r) => live.on('spawn', r));
    try {
      writeLock(dir, live.pid!, new Date(Date.now() + 60_000).toISOString());
      expect(() => lockRunDir(dir)).toThrow(`pid ${live.pid}`);
    } finally {
      live.kill('SIGKILL');
    }
    writeLock(dir, await deadPid(), new Date().toISOString(), 'elsewhere');
    expect(() => lockRunDir(dir)).toThrow(/pid \d+ on elsewhere/);
  });
});
