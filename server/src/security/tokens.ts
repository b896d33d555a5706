import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigFileError } from '../config/load.js';
import type { Logger } from '../logger.js';

/**
 * Display and supervisor tokens. The file holds only SHA-256 hashes; the token itself is shown once, when it is
 * created, and exchanged by a screen once for an HttpOnly cookie, so it does not linger in the URL.
 * A session cookie is `<id>.<mac>`, the mac keyed by the token's hash: it survives server restarts and dies
 * with the token (revoke or delete the entry).
 */
export const tokenEntrySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes, e.g. lobby-tv'),
    role: z.enum(['display', 'supervisor']).default('display'),
    /** A supervisor's name as shown on acknowledgements; defaults to the id. */
    name: z.string().min(1).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be the 64-hex-digit SHA-256 of the token'),
    board: z.string().optional(),
    revoked: z.boolean().default(false),
  })
  .strict();
export type TokenEntry = z.infer<typeof tokenEntrySchema>;

export const tokenFileSchema = z.object({ tokens: z.array(tokenEntrySchema).default([]) }).strict();

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function mac(entry: TokenEntry): string {
  return createHmac('sha256', entry.sha256).update(`switchboard-session:${entry.id}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function parseTokenFile(text: string, file: string): TokenEntry[] {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new ConfigFileError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const result = tokenFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigFileError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data.tokens;
}

export class TokenStore {
  private entries: TokenEntry[];

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigFileError(
        `DISPLAY_TOKENS_FILE names ${file}, which cannot be read. Create it with \`pnpm token create --id <screen>\`.`,
      );
    }
    this.entries = parseTokenFile(text, file);
  }

  /** Re-read on change, so revoking a token takes effect within seconds; a broken edit keeps the old list. */
  watch(intervalMs = 1000): void {
    watchFile(this.file, { interval: intervalMs }, () => {
      try {
        this.entries = parseTokenFile(readFileSync(this.file, 'utf8'), this.file);
        this.logger.info({ tokens: this.entries.length }, 'display tokens reloaded');
      } catch (error) {
        this.logger.error(
          { error: (error as Error).message },
          'display token file edit refused; keeping the old list',
        );
      }
    });
  }

  close(): void {
    unwatchFile(this.file);
  }

  /** The live entry for a presented token, or null (unknown or revoked). */
  verifyToken(token: string): TokenEntry | null {
    const hash = hashToken(token);
    return this.entries.find((entry) => !entry.revoked && sameText(entry.sha256, hash)) ?? null;
  }

  sessionFor(entry: TokenEntry): string {
    return `${entry.id}.${mac(entry)}`;
  }

  /** The live entry behind a session cookie, or null. */
  verifySession(session: string): TokenEntry | null {
    const dot = session.indexOf('.');
    if (dot <= 0) return null;
    const id = session.slice(0, dot);
    const entry = this.entries.find((candidate) => candidate.id === id && !candidate.revoked);
    return entry && sameText(session.slice(dot + 1), mac(entry)) ? entry : null;
  }
}
