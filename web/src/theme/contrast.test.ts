import { AGENT_ACTIVITIES } from '@switchboard/shared';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * WCAG 2.1 contrast (AA: 4.5:1 for text) of every text colour against each background it is drawn on, in both
 * schemes, read from the theme's own tokens (theme.css: each `light-dark(light, dark)`), so a token edited out of
 * contrast fails here. The pairs are the ones the stylesheets draw: a new use of a colour on another background
 * belongs in this list.
 */
const css = readFileSync(join(__dirname, 'theme.css'), 'utf8');
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];
type Rgb = readonly [number, number, number];

const tokens = new Map<string, Record<Scheme, Rgb>>();
for (const match of css.matchAll(/--([\w-]+):\s*light-dark\((#[0-9a-f]{3,6}),\s*(#[0-9a-f]{3,6})\)/gi)) {
  const [, name = '', light = '', dark = ''] = match;
  tokens.set(name, { light: hex(light), dark: hex(dark) });
}

function hex(text: string): Rgb {
  const digits = text.slice(1);
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return [0, 2, 4].map((at) => parseInt(full.slice(at, at + 2), 16) / 255) as unknown as Rgb;
}

function token(name: string, scheme: Scheme): Rgb {
  const colour = tokens.get(name)?.[scheme];
  if (!colour) throw new Error(`theme.css has no light-dark token --${name}`);
  return colour;
}

/** `color-mix(in srgb, colour share%, under)`: a tint laid over a background. */
function mix(colour: Rgb, share: number, under: Rgb): Rgb {
  return colour.map((c, i) => c * share + (under[i] ?? 0) * (1 - share)) as unknown as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const STATES = ['ok', 'warn', 'critical'];
/** Every activity an agent can show, each with its colour token. */
const ACTIVITIES: readonly string[] = AGENT_ACTIVITIES;

/** [text token, background, schemes]: what the stylesheets draw on what. */
function pairs(): { text: string; on: string; scheme: Scheme; ratio: number }[] {
  const out: { text: string; on: string; scheme: Scheme; ratio: number }[] = [];
  const add = (text: string, on: string, scheme: Scheme, background: Rgb) =>
    out.push({ text, on, scheme, ratio: contrast(token(text, scheme), background) });
  for (const scheme of SCHEMES) {
    // Body text and secondary text on the page, tiles, and controls (buttons, inputs, selects).
    for (const text of ['text', 'muted'])
      for (const on of ['bg', 'tile', 'tile-raised']) add(text, on, scheme, token(on, scheme));
    // A figure in its state's colour, on a tile and on the page (the summary band, the embed).
    for (const text of STATES) for (const on of ['bg', 'tile']) add(text, on, scheme, token(on, scheme));
    // An agent's activity (its glyph and label) on its tile.
    for (const text of ACTIVITIES) add(text, 'tile', scheme, token('tile', scheme));
    // A state's badge: dark or light glyphs on the state's own colour.
    for (const fill of STATES) add('on-badge', fill, scheme, token(fill, scheme));
    // The chart's legend names each series in its colour, on the chart's tile and on the page.
    for (const text of ['chart-queued', 'chart-handled', 'chart-abandoned', 'chart-sl', 'chart-target'])
      for (const on of ['bg', 'tile']) add(text, on, scheme, token(on, scheme));
  }
  // The wall (always dark): a queue's line tinted by its worst state (queues.css), over the page or a tile.
  for (const on of ['bg', 'tile'])
    for (const [tint, share] of [
      ['warn', 0.12],
      ['critical', 0.18],
    ] as const) {
      const row = mix(token(tint, 'dark'), share, token(on, 'dark'));
      for (const text of ['text', 'muted', ...STATES]) add(text, `${tint} line on ${on}`, 'dark', row);
    }
  return out;
}

describe('theme contrast', () => {
  it('reads every colour the pairs use from theme.css', () => {
    for (const name of ['bg', 'tile', 'tile-raised', 'text', 'muted', 'on-badge', ...STATES, ...ACTIVITIES])
      expect(tokens.has(name), `--${name}`).toBe(true);
  });

  it('gives every text colour at least 4.5:1 against each background it is drawn on, in both schemes', () => {
    const failing = pairs()
      .filter((pair) => pair.ratio < 4.5)
      .map((pair) => `--${pair.text} on ${pair.on} (${pair.scheme}): ${pair.ratio.toFixed(2)}:1`);
    expect(failing).toEqual([]);
  });

  it('measures as WCAG does: black on white is 21:1, a mid grey on white about 4.5:1', () => {
    expect(contrast(hex('#000'), hex('#fff'))).toBeCloseTo(21, 5);
    expect(contrast(hex('#767676'), hex('#ffffff'))).toBeCloseTo(4.54, 2);
  });

  it('gives the stale banner’s dark text on amber at least 4.5:1 (its colours are its own, not tokens)', () => {
    for (const file of ['../features/status/status.css', '../views/embed.css']) {
      const text = readFileSync(join(__dirname, file), 'utf8');
      const banner = /color:\s*(#[0-9a-f]{3,6});\s*background:\s*(#[0-9a-f]{3,6})/i.exec(text);
      expect(banner, file).not.toBeNull();
      expect(contrast(hex(banner?.[1] ?? ''), hex(banner?.[2] ?? ''))).toBeGreaterThanOrEqual(4.5);
    }
  });
});
