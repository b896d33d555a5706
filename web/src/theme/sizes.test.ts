import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_TILE, SIZE_TOKENS, writeSizeTokens } from './sizes';

function stylesheets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? stylesheets(join(dir, entry.name))
      : entry.name.endsWith('.css')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );
}

describe('size tokens', () => {
  it('writes each size onto the root in rem', () => {
    const root = document.createElement('div');
    writeSizeTokens(root);
    expect(root.style.getPropertyValue('--agent-tile-h')).toBe(`${AGENT_TILE.height}rem`);
    for (const name of Object.keys(SIZE_TOKENS)) expect(root.style.getPropertyValue(name)).toMatch(/rem$/);
  });

  it('every size a stylesheet reads is written, and every size written is read', () => {
    const css = stylesheets(join(__dirname, '..')).join('\n');
    const read = new Set([...css.matchAll(/var\((--[a-z-]+)/g)].map((m) => m[1] ?? ''));
    for (const name of Object.keys(SIZE_TOKENS)) expect(read, name).toContain(name);
    const sized = [...read].filter((name) => /-(h|w|gap)(-min)?$/.test(name) && name !== '--queue-row-h');
    for (const name of sized) expect(Object.keys(SIZE_TOKENS), name).toContain(name);
  });
});
