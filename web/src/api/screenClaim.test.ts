import { afterEach, describe, expect, it } from 'vitest';
import { ScreenClaim, type ClaimChannel, type KeyValueStore } from './screenClaim';

/** A Storage of a map. */
function store(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/** The tabs of one browser profile: one localStorage, a BroadcastChannel each, as the page opens them. */
function browser() {
  const local = store();
  const open: ScreenClaim[] = [];
  let made = 0;
  const newId = () => `id-${String((made += 1)).padStart(20, '0')}`;
  return {
    local,
    open,
    tab(session = store(), options: { channel?: ClaimChannel | null } = {}) {
      const claim = new ScreenClaim({
        local,
        session,
        channel:
          options.channel === undefined
            ? (new BroadcastChannel('screen-claim-test') as ClaimChannel)
            : options.channel,
        newId,
        windowMs: 30,
      });
      open.push(claim);
      return { claim, session };
    },
  };
}

const opened: ScreenClaim[][] = [];
afterEach(() => {
  for (const tabs of opened.splice(0)) for (const tab of tabs) tab.close();
});

function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() > end) reject(new Error('timed out'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

describe('a tab’s screen id among the browser’s tabs', () => {
  it('is the browser’s own id in its only tab, and the same after a reload', async () => {
    const b = browser();
    opened.push(b.open);
    const first = b.tab();
    await first.claim.settled;
    const id = first.claim.id();
    expect(b.local.map.get('switchboard.screen')).toBe(id);
    first.claim.close();
    // A reload: the same tab's sessionStorage.
    const again = b.tab(first.session);
    await again.claim.settled;
    expect(again.claim.id()).toBe(id);
  });

  it('gives a second tab its own id, keeps it through the second tab’s reload, and gives it back after a restart', async () => {
    const b = browser();
    opened.push(b.open);
    const one = b.tab();
    await one.claim.settled;
    const two = b.tab();
    await two.claim.settled;
    expect(two.claim.id()).not.toBe(one.claim.id());
    const second = two.claim.id();
    two.claim.close();
    const reloaded = b.tab(two.session);
    await reloaded.claim.settled;
    expect(reloaded.claim.id()).toBe(second);

    // The browser restarts (no tab keeps its sessionStorage): its two ids are handed out again, no third.
    one.claim.close();
    reloaded.claim.close();
    const a = b.tab();
    await a.claim.settled;
    const c = b.tab();
    await c.claim.settled;
    expect(new Set([a.claim.id(), c.claim.id()])).toEqual(new Set([one.claim.id(), second]));
  });

  it('sorts out two tabs that start at once: the later one takes another id and says so', async () => {
    const b = browser();
    opened.push(b.open);
    const one = b.tab();
    const two = b.tab();
    const changes: string[] = [];
    one.claim.onChange(() => changes.push('one'));
    two.claim.onChange(() => changes.push('two'));
    await Promise.all([one.claim.settled, two.claim.settled]);
    await until(() => one.claim.id() !== two.claim.id());
    // Four tabs, four ids.
    const three = b.tab();
    const four = b.tab();
    await Promise.all([three.claim.settled, four.claim.settled]);
    await until(() => new Set(b.open.map((tab) => tab.id())).size === 4);
    expect(changes.length).toBeLessThanOrEqual(3);
  });

  it('settles a duplicated tab (its sessionStorage copied) on an id of its own, the original keeping its id', async () => {
    const b = browser();
    opened.push(b.open);
    const one = b.tab();
    await one.claim.settled;
    const copy = store();
    for (const [key, value] of one.session.map) copy.setItem(key, value);
    const changed: string[] = [];
    one.claim.onChange(() => changed.push('original'));
    const duplicate = b.tab(copy);
    await duplicate.claim.settled;
    await until(() => duplicate.claim.id() !== one.claim.id());
    expect(changed).toEqual([]);
  });

  it('takes the browser’s first id in every tab where there is no channel, as before', async () => {
    const b = browser();
    opened.push(b.open);
    const one = b.tab(store(), { channel: null });
    const two = b.tab(store(), { channel: null });
    await Promise.all([one.claim.settled, two.claim.settled]);
    expect(two.claim.id()).toBe(one.claim.id());
  });

  it('replaces a refused id among the browser’s ids, in that tab only', async () => {
    const b = browser();
    opened.push(b.open);
    const one = b.tab();
    await one.claim.settled;
    const two = b.tab();
    await two.claim.settled;
    const [first, second] = [one.claim.id(), two.claim.id()];
    two.claim.renew();
    expect(two.claim.id()).not.toBe(second);
    expect(one.claim.id()).toBe(first);
    expect(b.local.map.get('switchboard.screen')).toBe(first);
    expect(JSON.parse(b.local.map.get('switchboard.screen.more') ?? '[]')).toEqual([two.claim.id()]);
    one.claim.renew();
    expect(b.local.map.get('switchboard.screen')).toBe(one.claim.id());
    expect(one.claim.id()).not.toBe(first);
  });

  it('keeps at most eight ids for the browser, however many tabs were open', async () => {
    const b = browser();
    opened.push(b.open);
    for (let i = 0; i < 10; i += 1) await b.tab().claim.settled;
    expect(new Set(b.open.map((tab) => tab.id())).size).toBe(10);
    expect(JSON.parse(b.local.map.get('switchboard.screen.more') ?? '[]')).toHaveLength(7);
  });
});
