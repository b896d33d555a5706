import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

describe('wallboard.example.yaml', () => {
  it('is a valid configuration, so the documented example always works', () => {
    const file = new URL('../../../wallboard.example.yaml', import.meta.url);
    const config = parseConfig(readFileSync(file, 'utf8'), 'wallboard.example.yaml');
    expect(config.boards.map((b) => b.id)).toEqual(['all', 'sales-floor']);
    expect(config.alerts.map((a) => a.id)).toEqual([
      'long-queue',
      'old-contact',
      'low-service-level',
      'forecast-at-risk',
    ]);
    expect(config.screenAlerts.map((a) => a.id)).toEqual(['screen-down', 'lobby-stale']);
  });
});
