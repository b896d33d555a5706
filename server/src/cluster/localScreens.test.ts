import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ScreenReport } from '@switchboard/shared';
import { describe, expect, it, vi } from 'vitest';
import { DisplayRegistry } from '../displays/registry.js';
import { createLogger } from '../logger.js';
import { LocalScreenStore, SCREENS_FILE_NAME } from './localScreens.js';
import { screenReport } from '../../test/support/screenReport.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const TV = 'b:reception-tv-000000000000';

const report = (overrides: Partial<ScreenReport> = {}) =>
  screenReport({ id: 'reception-tv-000000000000', ...overrides });

/** The lines a logger wrote, parsed. */
function capturedLogger() {
  const lines: { level: number; msg: string; file?: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger('info', { destination }), lines };
}

/** One process's registry on the screens file of `dir`, on a clock the test moves. */
function replicaOn(dir: string, clock: { now: number }, logger = createLogger('silent')) {
  const store = new LocalScreenStore({ file: join(dir, SCREENS_FILE_NAME), logger });
  const displays = new DisplayRegistry({
    store,
    logger,
    clock: () => clock.now,
    intervalMs: 10_000,
    staleAfterMs: 15_000,
    serverBuild: 'v2',
    serverStartedAt: clock.now,
  });
  return { store, displays };
}

const DOWN = { id: 'screen-down', states: ['disconnected' as const], minutes: 5, level: 'critical' as const };

describe('the single replica’s screens file', () => {
  it('keeps the screens, their names and when they went dark across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const clock = { now: T0 };
    const before = replicaOn(dir, clock);
    await before.displays.start();
    const close = before.displays.streamOpened(TV, 'sales', () => undefined);
    before.displays.report(TV, 'browser', 'reception-tv-000000000000', report());
    await before.displays.rename(TV, 'Reception TV');
    // A page closed before its first report: known by its stream alone.
    before.displays.streamOpened('b:closed-early-000000000000', null, () => undefined)();
    clock.now += 5_000;
    close();
    // Within the ten minutes a page that never reported is kept.
    clock.now += 300_000;
    await before.displays.stop();
    // Written whole, by a rename: no temporary file is left beside it.
    expect(readdirSync(dir)).toEqual([SCREENS_FILE_NAME]);

    clock.now += 30_000;
    const after = replicaOn(dir, clock);
    await after.displays.start();
    expect(after.displays.list().map((s) => [s.key, s.name, s.state, s.since])).toEqual([
      // Worst first, the longest in its state first.
      ['b:closed-early-000000000000', null, 'disconnected', new Date(T0).toISOString()],
      [TV, 'Reception TV', 'disconnected', new Date(T0 + 5_000).toISOString()],
    ]);
    // A screen alert rule on every named screen still watches it, dark for the whole time.
    expect(after.displays.observe(DOWN)).toEqual([{ key: TV, seconds: 330 }]);
    await after.displays.stop();
  });

  it('counts a screen connected when the last process died as disconnected from the restart, not before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const clock = { now: T0 };
    const before = replicaOn(dir, clock);
    await before.displays.start();
    before.displays.streamOpened(TV, 'sales', () => undefined);
    await before.displays.rename(TV, 'Reception TV');
    clock.now += 20_000;
    // The process dies: the store had written what it knew, the registry never closed its stream.
    await before.store.stop();

    clock.now += 600_000;
    const after = replicaOn(dir, clock);
    await after.displays.start();
    clock.now += 3_000;
    const [screen] = after.displays.list();
    expect(screen).toMatchObject({ key: TV, state: 'disconnected', streamOpen: false });
    // The ten minutes the server was down are not the screen's.
    expect(after.displays.observe(DOWN)).toEqual([{ key: TV, seconds: 3 }]);
    await after.displays.stop();
  });

  it('counts a screen connected when the server stopped as disconnected from the restart, one dark before from then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const clock = { now: T0 };
    const before = replicaOn(dir, clock);
    await before.displays.start();
    // The lobby TV is connected until the server stops; the reception TV went dark a minute before.
    before.displays.streamOpened('b:lobby-tv-00000000000000000', 'sales', () => undefined);
    await before.displays.rename('b:lobby-tv-00000000000000000', 'Lobby TV');
    const close = before.displays.streamOpened(TV, 'sales', () => undefined);
    await before.displays.rename(TV, 'Reception TV');
    clock.now += 60_000;
    close();
    clock.now += 60_000;
    await before.displays.stop();

    // An upgrade of ten minutes.
    clock.now += 600_000;
    const after = replicaOn(dir, clock);
    await after.displays.start();
    clock.now += 5_000;
    expect(after.displays.observe(DOWN)).toEqual(
      expect.arrayContaining([
        { key: 'b:lobby-tv-00000000000000000', seconds: 5 },
        { key: TV, seconds: 665 },
      ]),
    );
    expect(after.displays.observe(DOWN)).toHaveLength(2);
    // Each on the board it showed, the one connected through the stop too (a supervisor limited to the board
    // still sees it, and its alert goes with that board).
    expect(after.displays.list().map((screen) => [screen.name, screen.board])).toEqual(
      expect.arrayContaining([
        ['Lobby TV', 'sales'],
        ['Reception TV', 'sales'],
      ]),
    );
    await after.displays.stop();
  });

  it('keeps a screen that never came back after an upgrade dark from that upgrade, across the next restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const clock = { now: T0 };
    const first = replicaOn(dir, clock);
    await first.displays.start();
    first.displays.streamOpened(TV, 'sales', () => undefined);
    await first.displays.rename(TV, 'Reception TV');
    clock.now += 60_000;
    await first.displays.stop();
    clock.now += 60_000;
    const second = replicaOn(dir, clock);
    await second.displays.start();
    clock.now += 3_600_000;
    expect(second.displays.observe(DOWN)).toEqual([{ key: TV, seconds: 3600 }]);
    await second.displays.stop();
    clock.now += 60_000;
    const third = replicaOn(dir, clock);
    await third.displays.start();
    clock.now += 5_000;
    expect(third.displays.observe(DOWN)).toEqual([{ key: TV, seconds: 3665 }]);
    await third.displays.stop();
  });

  it('does not bring back a forgotten screen, nor its name, after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const clock = { now: T0 };
    const before = replicaOn(dir, clock);
    await before.displays.start();
    before.displays.streamOpened(TV, 'sales', () => undefined)();
    await before.displays.rename(TV, 'Retired TV');
    clock.now += 8 * 24 * 3600 * 1000;
    expect(before.displays.list()).toEqual([]);
    await before.displays.stop();
    expect(JSON.parse(readFileSync(join(dir, SCREENS_FILE_NAME), 'utf8'))).toEqual({
      version: 1,
      records: {},
      streams: {},
      names: {},
    });

    const after = replicaOn(dir, clock);
    await after.displays.start();
    expect(after.displays.has(TV)).toBe(false);
    expect(after.displays.observe(DOWN)).toEqual([]);
    await after.displays.stop();
  });

  it('writes a name and a forget at once rather than with the other changes, up to a minute later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const file = join(dir, SCREENS_FILE_NAME);
    const running = replicaOn(dir, { now: T0 });
    await running.displays.start();
    running.displays.report(TV, 'browser', 'reception-tv-000000000000', report());
    await running.displays.rename(TV, 'Reception TV');
    await vi.waitFor(
      () =>
        expect((JSON.parse(readFileSync(file, 'utf8')) as { names: object }).names).toEqual({
          [TV]: 'Reception TV',
        }),
      { timeout: 2000 },
    );
    // A supervisor's Forget alike: a crash in the next minute does not bring the screen back.
    expect(await running.displays.remove(TV)).toBe(true);
    await vi.waitFor(
      () => expect((JSON.parse(readFileSync(file, 'utf8')) as { records: object }).records).toEqual({}),
      { timeout: 2000 },
    );
    await running.displays.stop();
  });

  it('writes screens forgotten by age with the minute’s changes, not each at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const file = join(dir, SCREENS_FILE_NAME);
    const clock = { now: T0 };
    const first = replicaOn(dir, clock);
    await first.displays.start();
    // Five unnamed screens heard last a few minutes apart (kiosks that came back with new ids, laptops closed).
    for (let i = 0; i < 5; i += 1) {
      clock.now = T0 + i * 300_000;
      const id = `passing-screen-${i}-0000000000`;
      first.displays.report(`b:${id}`, 'browser', id, screenReport({ id }));
    }
    await first.displays.stop();
    const written = readFileSync(file, 'utf8');
    const restarted = replicaOn(dir, clock);
    await restarted.displays.start();
    // A day later each is forgotten in its turn as the registry is read (the Screens page, the rules).
    clock.now = T0 + 24 * 3600_000;
    for (let i = 0; i < 5; i += 1) {
      clock.now += 300_000;
      restarted.displays.list();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(restarted.displays.list()).toEqual([]);
    // Not one whole-file write for each: none before the minute is up (the stop writes them).
    expect(readFileSync(file, 'utf8')).toBe(written);
    await restarted.displays.stop();
    expect((JSON.parse(readFileSync(file, 'utf8')) as { records: object }).records).toEqual({});
  });

  it('removes the temporary files of writes cut short, but not those of a process still running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const file = join(dir, SCREENS_FILE_NAME);
    // A crash between writing a copy and renaming it over the file, by a process long gone, and by this one's
    // id before (a container's process 1); and a write under way in a process that runs (the parent).
    const gone = `${file}.999999999.0b1e5c1e-0000-4000-8000-000000000000.tmp`;
    const ours = `${file}.${process.pid}.0b1e5c1e-0000-4000-8000-000000000001.tmp`;
    const live = `${file}.${process.ppid}.0b1e5c1e-0000-4000-8000-000000000002.tmp`;
    for (const path of [gone, ours, live]) writeFileSync(path, '{"version":1}');
    const running = replicaOn(dir, { now: T0 });
    await running.displays.start();
    expect(readdirSync(dir).sort()).toEqual([live.slice(dir.length + 1)]);
    await running.displays.stop();
  });

  it('starts with no screens, and says why, when the file is not one it wrote or cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    const file = join(dir, SCREENS_FILE_NAME);
    for (const text of ['{"version":1,"records":', '{"version":7}', 'null']) {
      writeFileSync(file, text);
      const { logger, lines } = capturedLogger();
      const store = new LocalScreenStore({ file, logger });
      await expect(store.start(() => undefined)).resolves.toEqual({ records: {}, streams: {}, names: {} });
      expect(lines).toEqual([
        expect.objectContaining({ level: 40, file, msg: expect.stringMatching(/^the screens file is not/) }),
      ]);
      await store.stop();
    }
    // A first start: no file, nothing to say.
    const { logger, lines } = capturedLogger();
    const first = new LocalScreenStore({ file: join(dir, 'none', SCREENS_FILE_NAME), logger });
    await expect(first.start(() => undefined)).resolves.toEqual({ records: {}, streams: {}, names: {} });
    expect(lines).toEqual([]);
  });

  it('logs a file it cannot write once, goes on in memory, and writes it once it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-screens-'));
    // The data directory's place is taken by a file: nothing can be written under it.
    const blocked = join(dir, 'data');
    writeFileSync(blocked, '');
    const file = join(blocked, SCREENS_FILE_NAME);
    const { logger, lines } = capturedLogger();
    const store = new LocalScreenStore({ file, logger });
    await store.start(() => undefined);
    store.send({ type: 'name', key: TV, value: 'Reception TV' });
    await expect(store.stop()).resolves.toBeUndefined();
    store.send({ type: 'name', key: TV, value: 'Lobby TV' });
    await store.stop();
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, 'cannot read the screens file; starting with no screens'],
      [50, 'cannot write the screens file; a restart would forget the screens until it can'],
    ]);
    // The operator's problem by its code and message, not the server's stack.
    for (const line of lines) {
      expect(line).toMatchObject({ file, code: 'ENOTDIR', reason: expect.stringContaining('ENOTDIR:') });
      expect(JSON.stringify(line)).not.toMatch(/stack|localScreens/);
    }

    rmSync(blocked);
    store.send({ type: 'record', key: TV, value: '{}' });
    await store.stop();
    expect(lines.at(-1)).toMatchObject({ level: 30, file, msg: 'the screens file is written again' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      records: { [TV]: '{}' },
      streams: {},
      names: { [TV]: 'Lobby TV' },
    });
  });
});
