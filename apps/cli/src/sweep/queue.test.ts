// The queue engine's pure parts: the Redis URL, the one-line messages for Redis failures, the
// version comparison. (The engine itself runs against a real redis-server in test/sweep-queue.e2e.)
import { describe, expect, it } from 'vitest';
import { bullJobId, packageVersions, parseQueueUrl, redisProblem, versionMismatch } from './queue';

describe('parseQueueUrl', () => {
  it('reads host, port, database and credentials, and hides the password in what it shows', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380, db: 0, display: 'redis://127.0.0.1:6380/0' });
    expect(parseQueueUrl('redis://:p%40ss@h.example/3')).toEqual({
      host: 'h.example',
      port: 6379,
      db: 3,
      password: 'p@ss',
      display: 'redis://:***@h.example/3',
    });
    expect(parseQueueUrl('redis://alice:pw@[::1]:7000')).toMatchObject({ host: '::1', port: 7000, username: 'alice', password: 'pw' });
    expect(parseQueueUrl('redis://alice:pw@[::1]:7000').display).toBe('redis://alice:***@[::1]:7000/0');
  });

  it('rejects what is not a redis:// URL, naming the flag and the expected form', () => {
    for (const bad of ['localhost:6379', 'http://h:6379', 'redis://', 'redis://h:6379/x', 'redis://h:6379/0?x=1', 'redis://h:99999'])
      expect(() => parseQueueUrl(bad), bad).toThrow(/^--queue: /);
    expect(() => parseQueueUrl('redis://h:6379/x')).toThrow(/the database must be a number/);
  });
});

describe('redisProblem', () => {
  const url = parseQueueUrl('redis://:secret@db.example:6390/2');
  const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
  it('names the URL (password hidden) and the problem in one line', () => {
    const cases: Array<[Error, RegExp]> = [
      [err('connect ECONNREFUSED 10.0.0.1:6390', 'ECONNREFUSED'), /connection refused: is redis-server running on db\.example:6390\?/],
      [err('connect ETIMEDOUT'), /no answer from db\.example:6390 \(timed out\)/],
      [err('connect EHOSTUNREACH', 'EHOSTUNREACH'), /host db\.example is unreachable \(EHOSTUNREACH\)/],
      [err('getaddrinfo ENOTFOUND db.example', 'ENOTFOUND'), /unknown host 'db\.example'/],
      [err('WRONGPASS invalid username-password pair or user is disabled.'), /wrong password/],
      [err('NOAUTH Authentication required.'), /requires a password/],
      [err("OOM command not allowed when used memory > 'maxmemory'."), /Redis is full .*OOM command not allowed/],
      [err('ERR DB index is out of range'), /no database 2 on this Redis/],
      [err('Connection is closed.'), /lost the connection to db\.example:6390/],
    ];
    for (const [e, re] of cases) {
      const line = redisProblem(url, e);
      expect(line, e.message).toMatch(/^redis:\/\/:\*\*\*@db\.example:6390\/2: /);
      expect(line, e.message).toMatch(re);
      expect(line).not.toMatch(/secret|\n/);
    }
  });
});

describe('versionMismatch', () => {
  it('lists every package whose version differs, and nothing when they agree', () => {
    const mine = packageVersions();
    expect(mine['@contrastive/train']).toMatch(/^\d+\.\d+\.\d+/);
    expect(mine['@tensorflow/tfjs-core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(versionMismatch(mine, { ...mine }, 'w')).toBeUndefined();
    expect(versionMismatch({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' }, 'worker w:1')).toBe(
      'b 2 here, 3 on worker w:1; c missing here, 4 on worker w:1',
    );
  });
});

it('bullJobId has no colon (BullMQ refuses custom ids with one)', () => {
  expect(bullJobId('masking-phase', '0123456789abcdef-seed0')).toBe('masking-phase.0123456789abcdef-seed0');
});
