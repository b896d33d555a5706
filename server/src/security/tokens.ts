import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigFileError } from '../config/load.js';
import type { Logger } from '../logger.js';

/**
 * Display and supervisor tokens. The file holds only SHA-256 hashes; the token itself is shown once, when it is
 * created, and exchanged by a screen once for an HttpOnly session cookie (sessions.ts), so it does not linger in
 * the URL.
 */
const boardId = z
  .string({ error: 'a board id must be a string, e.g. sales-floor' })
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a board id is lower-case letters, digits and dashes, e.g. sales-floor');

export const tokenEntrySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes, e.g. lobby-tv'),
    role: z.enum(['display', 'supervisor']).default('display'),
    /** A supervisor's name as shown on acknowledgements; defaults to the id. */
    name: z.string().min(1).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be the 64-hex-digit SHA-256 of the token'),
    /** A display token's home board: where the screen opens, and (without `boards`) the one board it may read. */
    board: boardId.optional(),
    /** The boards the token may read; unset means every board (or only `board`, when that is set). */
    boards: z
      .array(boardId, { error: 'boards must be a list of board ids, e.g. [sales-floor, lobby]' })
      .min(1, 'boards must list at least one board id; leave it out to allow every board')
      .optional(),
    revoked: z.boolean().default(false),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.board !== undefined && entry.boards && !entry.boards.includes(entry.board))
      ctx.addIssue({
        code: 'custom',
        path: ['board'],
        message: `board ${entry.board} is not among boards (${entry.boards.join(', ')}): add it to boards, or leave board out`,
      });
  });
export type TokenEntry = z.infer<typeof tokenEntrySchema>;

/**
 * The boards a token's holder may read, or null for every board: its `boards`, else its home `board`, else all.
 * Read from the live entry on every request, so an edit of the file applies to screens already signed in.
 */
export function tokenBoards(entry: TokenEntry): readonly string[] | null {
  return entry.boards ?? (entry.board !== undefined ? [entry.board] : null);
}

export const tokenFileSchema = z.object({ tokens: z.array(tokenEntrySchema).default([]) }).strict();

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
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
  private list: TokenEntry[];
  /** Why the last edit of the file was refused (the last good list stays in force), or null. */
  error: string | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigFileError(
        `DISPLAY_TOKENS_FILE names ${file}, which cannot be read. Create it with \`npx -y pnpm@12.21.0 tokens create --id <screen>\`.`,
      );
    }
    this.list = parseTokenFile(text, file);
  }

  get entries(): readonly TokenEntry[] {
    return this.list;
  }

  /**
   * Re-read on change, so revoking a token takes effect within seconds. A deleted file means no tokens: every
   * screen is cut off. A broken edit keeps the last good list, with the error on /readyz and in the log.
   */
  watch(intervalMs = 1000): void {
    watchFile(this.file, { interval: intervalMs }, () => this.reload());
  }

  /** Called after each reload of the file (a revocation, a narrower scope, a deleted file; or no change at all). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reload(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      // Gone (or unreadable): fail closed rather than keep tokens someone meant to remove.
      this.list = [];
      this.error = null;
      this.logger.warn(
        { file: this.file, code: (error as NodeJS.ErrnoException).code },
        'display token file is gone; no token is valid',
      );
      this.changed();
      return;
    }
    try {
      this.list = parseTokenFile(text, this.file);
      this.error = null;
      this.logger.info({ tokens: this.list.length }, 'display tokens reloaded');
      this.changed();
    } catch (error) {
      this.error = `${(error as Error).message}; the last good list of tokens stays in force.`;
      this.logger.error(
        { error: (error as Error).message },
        'display token file edit refused; keeping the last good list',
      );
    }
  }

  close(): void {
    unwatchFile(this.file);
    this.listeners.clear();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** The live entry for a presented token, or null (unknown or revoked). */
  verifyToken(token: string): TokenEntry | null {
    const hash = hashToken(token);
    return this.list.find((entry) => !entry.revoked && sameText(entry.sha256, hash)) ?? null;
  }
}
