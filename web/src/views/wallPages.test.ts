import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/makeSnapshot';
import { SECTIONS } from '@switchboard/shared';
import {
  MAX_TILE_SCALE,
  MIN_PAGE_SECONDS,
  TURN_SECONDS,
  WALL_QUEUE_TILE,
  pageSeconds,
  planWallPages,
  rowLayout,
  tileLayout,
  type WallArea,
} from './wallPages';
import { WALL_QUEUE_ROW } from '../theme/sizes';

/** The area under the header and the instance totals, as Chromium lays the wall out (the view and queue stylesheets). */
const AREAS: Record<string, WallArea> = {
  '1080p': { width: 1868, height: 903, rem: 17.28 },
  '4K': { width: 3736, height: 1808, rem: 34.56 },
};
/** The wall's type stops shrinking at 12 px: a 720p screen has more room in rem than 1080p. */
const AREA_720P: WallArea = { width: 1244, height: 540, rem: 12 };
const everything = new Set(SECTIONS);
const DEFAULT_ROTATE = 15;

describe('the wall pages', () => {
  for (const [name, area] of Object.entries(AREAS)) {
    it(`turns through 250 queues and 1,500 agents in under a minute at ${name}, every queue shown`, () => {
      const snapshot = makeSnapshot({ queues: 250, agents: 1500 });
      const pages = planWallPages({ area, sections: everything, queues: snapshot.queues, hasAgents: true });
      const seconds = pageSeconds(pages.length, DEFAULT_ROTATE);
      expect(pages.length * seconds).toBeLessThan(TURN_SECONDS);
      expect(seconds).toBeGreaterThanOrEqual(MIN_PAGE_SECONDS);
      const shown = pages.flatMap((page) =>
        page.kind === 'queues' || page.kind === 'queue-rows' ? page.queues.map((q) => q.id) : [],
      );
      expect(shown).toEqual(snapshot.queues.map((q) => q.id));
      // However many agents: one page of them (exceptions, longest contacts, counts), not one tile each.
      expect(pages.filter((page) => page.kind === 'agents')).toHaveLength(1);
      expect(pages.filter((page) => page.kind === 'chart')).toHaveLength(1);
    });
  }

  it('keeps queue tiles while they fit two pages, and lines beyond', () => {
    const area = AREAS['1080p'] as WallArea;
    const few = makeSnapshot({ queues: 12 }).queues;
    const kinds = (queues: typeof few) =>
      planWallPages({ area, sections: everything, queues, hasAgents: true }).map((page) => page.kind);
    expect(kinds(few)).toEqual(['queues', 'chart', 'agents']);
    expect(kinds(makeSnapshot({ queues: 30 }).queues)).toEqual(['queues', 'queues', 'chart', 'agents']);
    // Two pages share their queues evenly: 16 are two pages of 8 (drawn larger), not one of 15 and one of 1.
    const sixteen = planWallPages({
      area,
      sections: everything,
      queues: makeSnapshot({ queues: 16 }).queues,
      hasAgents: true,
    });
    expect(sixteen.flatMap((page) => (page.kind === 'queues' ? [page.queues.length] : []))).toEqual([8, 8]);
    expect(tileLayout(area, 8).scale).toBeGreaterThan(1.4);
    const forty = planWallPages({
      area,
      sections: everything,
      queues: makeSnapshot({ queues: 40 }).queues,
      hasAgents: true,
    });
    expect(forty.map((page) => page.kind)).toEqual(['queue-rows', 'chart', 'agents']);
    // Forty lines fit three wide columns of tall lines; 92 need all four narrow ones.
    expect(forty[0]).toMatchObject({ columns: 3 });
    const many = planWallPages({
      area,
      sections: everything,
      queues: makeSnapshot({ queues: 250 }).queues,
      hasAgents: true,
    });
    expect(many[0]).toMatchObject({ kind: 'queue-rows', columns: 4 });
    expect(many[0]?.kind === 'queue-rows' ? many[0].queues.length : 0).toBe(92);
  });

  it("gives a queue's name its room in lines of any height, at every size and however many queues", () => {
    for (const [name, area] of Object.entries({ ...AREAS, '720p': AREA_720P })) {
      for (const count of [30, 40, 60, 92, 150, 250]) {
        const pages = planWallPages({
          area,
          sections: new Set(['queues'] as const),
          queues: makeSnapshot({ queues: count }).queues,
          hasAgents: false,
        });
        for (const page of pages) {
          if (page.kind !== 'queue-rows') continue;
          const where = `${name}, ${count} queues, ${page.queues.length} on the page`;
          const gap = WALL_QUEUE_ROW.gap * area.rem;
          const least = WALL_QUEUE_ROW.height * area.rem;
          // The lines and their heading fit the page's height.
          expect((Math.ceil(page.queues.length / page.columns) + 1) * page.line, where).toBeLessThanOrEqual(
            area.height,
          );
          expect(page.line, where).toBeGreaterThanOrEqual(Math.floor(least));
          expect(page.line, where).toBeLessThanOrEqual(WALL_QUEUE_ROW.maxHeight * area.rem);
          // A column is as wide, for its lines' height, as the least lines' columns: the name grows with its type.
          const width = (area.width + gap) / page.columns - gap;
          expect(width / page.line, where).toBeGreaterThanOrEqual(
            (WALL_QUEUE_ROW.minWidth * area.rem) / least - 0.01,
          );
        }
      }
    }
    // 720p, forty queues: three columns of lines, not four with a few letters of each name.
    expect(rowLayout(AREA_720P, 40, 4)).toMatchObject({ columns: 3 });
  });

  it("lays queue lines out so the page's longest name is whole where any layout allows, else cut the least", () => {
    const area = AREAS['1080p'];
    if (!area) throw new Error('no 1080p area');
    const { rem } = area;
    const gap = WALL_QUEUE_ROW.gap * rem;
    /** The name cell's room and the name's width (with its badge) in a layout, as queues.css draws them. */
    const fit = (layout: { columns: number; line: number }, nameEm: number) => {
      const width = (area.width + gap) / layout.columns - gap;
      const figures = [2, 2.55, 2.15].map((lines) => Math.max(4.2 * rem, lines * layout.line) + 0.6 * rem);
      const room = width - 0.6 * rem - figures.reduce((sum, each) => sum + each, 0);
      return room / (0.52 * layout.line * (nameEm + 0.9) + 0.35 * rem);
    };
    // Forty queues, "Customer Service Retention" (about 13 ems in a bold system font): three columns of the
    // tallest lines cut it; two columns of lines a little shorter have it whole.
    const tallest = rowLayout(area, 40, 4);
    const named = rowLayout(area, 40, 4, 13);
    expect(fit(tallest, 13)).toBeLessThan(1);
    expect(fit(named, 13)).toBeGreaterThanOrEqual(1);
    expect(named.line).toBeGreaterThanOrEqual(Math.floor(WALL_QUEUE_ROW.height * rem));
    // Short names change nothing.
    expect(rowLayout(area, 40, 4, 5)).toEqual(tallest);
    // A name too long for any layout: the widest columns the page's fifty lines allow (two would not fit down
    // the page), at the least height, so the fewest letters are cut.
    const cut = rowLayout(area, 50, 4, 40);
    expect(cut).toEqual({ columns: 3, line: Math.floor(WALL_QUEUE_ROW.height * rem) });
    expect(fit(cut, 40)).toBeGreaterThan(fit(rowLayout(area, 50, 4), 40));
  });

  it('draws a page of few queue tiles larger, to fill the screen, and a full page at about their size', () => {
    for (const [name, area] of Object.entries(AREAS)) {
      const { rem } = area;
      const fits = (layout: ReturnType<typeof tileLayout>) => {
        const gap = WALL_QUEUE_TILE.gap * rem * layout.scale;
        const across =
          layout.columns * WALL_QUEUE_TILE.minWidth * rem * layout.scale + (layout.columns - 1) * gap;
        const down = layout.rows * WALL_QUEUE_TILE.height * rem * layout.scale + (layout.rows - 1) * gap;
        return across <= area.width + 0.01 && down <= area.height + 0.01;
      };
      // A page as full as planWallPages makes one: about the tiles' size.
      const perPage = Math.max(
        ...planWallPages({
          area,
          sections: everything,
          queues: makeSnapshot({ queues: 30 }).queues,
          hasAgents: true,
        }).flatMap((page) => (page.kind === 'queues' ? [page.queues.length] : [])),
      );
      const full = tileLayout(area, perPage);
      expect(fits(full), name).toBe(true);
      expect(full.columns * full.rows, name).toBeGreaterThanOrEqual(perPage);
      expect(full.scale, name).toBeGreaterThanOrEqual(1);
      expect(full.scale, name).toBeLessThan(1.2);
      // Eight queues: four across, two down, half as large again (at their size they took two of three rows).
      const eight = tileLayout(area, 8);
      expect(eight, name).toMatchObject({ columns: 4, rows: 2 });
      expect(eight.scale, name).toBeGreaterThan(1.4);
      expect(fits(eight), name).toBe(true);
      // One queue: as large as allowed.
      expect(tileLayout(area, 1), name).toEqual({ columns: 1, rows: 1, scale: MAX_TILE_SCALE });
      // Every count: every tile placed, and the layout fits.
      for (let count = 1; count <= perPage; count++) {
        const layout = tileLayout(area, count);
        expect(layout.columns * layout.rows, `${name}, ${count}`).toBeGreaterThanOrEqual(count);
        expect(fits(layout), `${name}, ${count}`).toBe(true);
        expect(layout.scale, `${name}, ${count}`).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('shows each page for the chosen time, shortened only so a turn stays under a minute', () => {
    expect(pageSeconds(3, 15)).toBe(15);
    expect(pageSeconds(4, 15)).toBe(14);
    expect(pageSeconds(5, 15)).toBe(11);
    expect(pageSeconds(4, 2)).toBe(2);
    expect(pageSeconds(1, 30)).toBe(30);
    expect(pageSeconds(20, 15)).toBe(MIN_PAGE_SECONDS);
  });

  it('has no agent page without agents or without the section', () => {
    const area = AREAS['1080p'] as WallArea;
    const queues = makeSnapshot({ queues: 3 }).queues;
    expect(
      planWallPages({ area, sections: everything, queues, hasAgents: false }).map((p) => p.kind),
    ).toEqual(['queues', 'chart']);
    expect(
      planWallPages({ area, sections: new Set(['agents'] as const), queues, hasAgents: true }).map(
        (p) => p.kind,
      ),
    ).toEqual(['agents']);
  });
});
