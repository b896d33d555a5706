import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { wallboardConfigSchema, type WallboardConfig } from './schema.js';

export class ConfigFileError extends Error {}

/**
 * Parses the configuration text. Errors name the file, the line and the field, and say what is expected:
 * `wallboard.yaml:12 boards[0].queues: queues must list at least one queue`.
 */
export function parseConfig(text: string, file: string): WallboardConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line;
      return `${file}${line ? `:${line}` : ''} ${error.message.split('\n')[0]}`;
    });
    throw new ConfigFileError(`Invalid configuration file:\n  ${lines.join('\n  ')}`);
  }
  let raw: unknown;
  try {
    // Aliases are resolved here; a dangling one, or an alias bomb past the limit, is an error in the file.
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigFileError(
      `Invalid configuration file:\n  ${file} ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const result = wallboardConfigSchema.safeParse(raw);
  if (result.success) return result.data;

  const lines = result.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // Point at the deepest node that exists: a missing key is reported at its parent.
    let line: number | undefined;
    for (let depth = path.length; depth >= 0 && line === undefined; depth -= 1) {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) line = lineCounter.linePos(node.range[0]).line;
    }
    const field = path.reduce<string>(
      (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
      '',
    );
    return `${file}${line ? `:${line}` : ''} ${field || '(top level)'}: ${issue.message}`;
  });
  throw new ConfigFileError(`Invalid configuration file:\n  ${lines.join('\n  ')}`);
}

export async function loadConfigFile(file: string): Promise<WallboardConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileError(
      code === 'ENOENT'
        ? `WALLBOARD_CONFIG names ${file}, which does not exist. Create it (see wallboard.example.yaml) or unset WALLBOARD_CONFIG.`
        : `Cannot read the configuration file ${file} (${code ?? 'error'}).`,
    );
  }
  return parseConfig(text, file);
}

export const defaultConfig = (): WallboardConfig => wallboardConfigSchema.parse({});
