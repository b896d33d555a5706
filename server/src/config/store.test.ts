import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { ConfigStore } from './store.js';

const boards = (ids: string[]) => `boards:\n${ids.map((id) => `  - id: ${id}\n    title: ${id}\n`).join('')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the configuration file, watched', () => {
  it('is applied once an edit written in place is whole, never the empty file half way', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), 'wallboard.yaml');
    writeFileSync(file, boards(['sales', 'lobby']));
    const store = await ConfigStore.open(file, createLogger('silent'));
    const applied: string[][] = [];
    store.onChange((config) => {
      applied.push(config.boards.map((board) => board.id));
      return null;
    });
    store.watch(20, 300);
    try {
      await sleep(100);
      // An editor saving in place (nano, `cat >`): the file is emptied, then written; a slow disk or a large file
      // leaves it empty for a moment. An empty file is a valid configuration: the defaults, every board gone.
      writeFileSync(file, '');
      await sleep(100);
      writeFileSync(file, boards(['sales', 'lobby', 'support']));
      await sleep(1000);
      expect(applied).toEqual([['sales', 'lobby', 'support']]);
      expect(store.current.boards.map((board) => board.id)).toEqual(['sales', 'lobby', 'support']);
    } finally {
      store.close();
    }
  });
});
