import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EnvError } from '../env.js';
import { makeDirectorySync } from '../files.js';
import type { Logger } from '../logger.js';
import { tokenBoards, type TokenEntry } from './tokens.js';
import { temporaryBeside, writeNewFileSync } from './writeWhole.js';

/**
 * Session cookies of display and supervisor tokens. A cookie is `<id>.<issued>.<nonce>.<mac>`: the mac is an
 * HMAC keyed by a server secret that is not in the token file, over the token's id, the time it was issued, a
 * random nonce and the token's stored hash. So reading the token file is not enough to mint a session; a session
 * dies with its token (revoked, deleted, or created again under the same id) and when it expires; and every
 * renewal gives a new cookie. What a session may read (its boards) is not in the cookie: it is the live entry's,
 * read again on every request like revocation, so narrowing or widening a token's boards in the file applies to
 * the screens already signed in on their next request.
 */
export interface SessionPolicy {
  /** How long a cookie is good for after it was issued. */
  ttlMs: number;
  /** A cookie older than this is replaced by a new one on the next request, so a screen in use never expires. */
  renewAfterMs: number;
}

export interface VerifiedSession {
  entry: TokenEntry;
  issuedAt: number;
  /** The boards the session may read as the token file says now (null: every board); see tokenBoards. */
  boards: readonly string[] | null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Allowance for clocks of replicas that disagree a little. */
const CLOCK_SKEW_MS = 60_000;

export class SessionSigner {
  constructor(
    private readonly secret: Buffer,
    readonly policy: SessionPolicy,
    private readonly clock: () => number = Date.now,
  ) {}

  private mac(entry: TokenEntry, issued: string, nonce: string): string {
    return createHmac('sha256', this.secret)
      .update(`switchboard-session|${entry.id}|${issued}|${nonce}|${entry.sha256}`)
      .digest('base64url');
  }

  /** A new cookie value for a token's entry, issued now (or at `issuedAt`). */
  mint(entry: TokenEntry, issuedAt = this.clock()): string {
    const issued = Math.floor(issuedAt / 1000).toString(36);
    const nonce = randomBytes(9).toString('base64url');
    return `${entry.id}.${issued}.${nonce}.${this.mac(entry, issued, nonce)}`;
  }

  /** The live entry behind a cookie, if the cookie is genuine, unexpired and its token still stands. */
  verify(cookie: string, entries: readonly TokenEntry[]): VerifiedSession | null {
    const parts = cookie.split('.');
    if (parts.length !== 4) return null;
    const [id, issued, nonce, mac] = parts as [string, string, string, string];
    if (!/^[0-9a-z]{1,12}$/.test(issued)) return null;
    const issuedAt = parseInt(issued, 36) * 1000;
    const now = this.clock();
    if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt >= this.policy.ttlMs) return null;
    const entry = entries.find((candidate) => candidate.id === id && !candidate.revoked);
    if (!entry || !sameText(mac, this.mac(entry, issued, nonce))) return null;
    return { entry, issuedAt, boards: tokenBoards(entry) };
  }

  needsRenewal(session: VerifiedSession): boolean {
    return this.clock() - session.issuedAt >= this.policy.renewAfterMs;
  }
}

export interface SecretSource {
  /** Given by the environment (SESSION_SECRET): every replica given the same one. */
  secret: string | undefined;
  /** Otherwise, with Redis, the replicas share one kept there. */
  redisUrl: string | undefined;
  /** Otherwise one generated at first start and kept here, mode 0600. */
  dataDir: string;
}

const REDIS_SECRET_KEY = 'switchboard:session-secret';
export const SECRET_FILE_NAME = 'session-secret';

/** The key of session cookies: from the environment, Redis, or a file of the data directory made at first start. */
export async function loadSessionSecret(source: SecretSource, logger: Logger): Promise<Buffer> {
  if (source.secret) return Buffer.from(source.secret);
  if (source.redisUrl) return secretFromRedis(source.redisUrl);
  return secretFromFile(source.dataDir, logger);
}

async function secretFromRedis(url: string): Promise<Buffer> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
  try {
    await redis.connect();
    // The first replica to start sets it; every other one reads the same.
    await redis.set(REDIS_SECRET_KEY, randomBytes(32).toString('base64url'), 'NX');
    const secret = await redis.get(REDIS_SECRET_KEY);
    if (!secret) throw new Error('the session secret vanished from Redis');
    return Buffer.from(secret);
  } catch (error) {
    throw new Error(
      `Cannot read the session secret from Redis (${(error as Error).message}): set SESSION_SECRET, or start Redis.`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * A new secret, written whole: to a temporary file, flushed to the disk, then linked (first start: a replica
 * starting at the same moment on the same directory keeps the one made first) or renamed (`replace`) to its name,
 * so a crash or power loss never leaves the file empty or cut short.
 */
function writeSecret(file: string, replace: boolean): void {
  const temporary = temporaryBeside(file);
  try {
    writeNewFileSync(temporary, randomBytes(32).toString('base64url'));
    if (replace) renameSync(temporary, file);
    else {
      try {
        linkSync(temporary, file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return;
        // A file system without hard links: renamed, as the only server starting on it.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') renameSync(temporary, file);
        else throw error;
      }
    }
  } finally {
    rmSync(temporary, { force: true });
  }
}

function secretFromFile(dataDir: string, logger: Logger): Buffer {
  try {
    return readOrMakeSecret(dataDir, logger);
  } catch (error) {
    // Said as the history store says it: the variable, the directory, why, and what to do.
    const why = error instanceof Error ? error.message : String(error);
    throw new EnvError(
      `DATA_DIR=${dataDir}: the session secret cannot be kept there (${why}). Set DATA_DIR to a directory the ` +
        'server may create and write, or give every replica the same SESSION_SECRET.',
    );
  }
}

function readOrMakeSecret(dataDir: string, logger: Logger): Buffer {
  const file = join(dataDir, SECRET_FILE_NAME);
  makeDirectorySync(dataDir, 0o700);
  if (!existsSync(file)) {
    writeSecret(file, false);
    logger.info({ file }, 'session secret created');
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    logger.warn({ file }, 'session secret was readable by others; its mode is now 0600');
  }
  let secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) {
    // Cut short by a crash as it was first written (an earlier release wrote it in place): no session was ever
    // signed with it, since no server runs on it, so a new one loses nothing.
    writeSecret(file, true);
    logger.warn({ file }, 'session secret file was empty or cut short; a new one was made');
    secret = readFileSync(file, 'utf8').trim();
  }
  return Buffer.from(secret);
}
