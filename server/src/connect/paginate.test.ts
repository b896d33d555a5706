import { describe, expect, it } from 'vitest';
import { MalformedResponseError, mayNameSomethingGone, SnapshotChangedError } from './errors.js';
import { collectPages, MAX_PAGES, type Page } from './paginate.js';

const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 13, 0, second));

/** Pages answered in turn, one list of pages per attempt at the whole pagination; the tokens asked for. */
function pages(...attempts: Page<string>[][]) {
  const asked: (string | undefined)[] = [];
  let attempt = -1;
  let index = 0;
  const fetchPage = async (nextToken: string | undefined): Promise<Page<string>> => {
    asked.push(nextToken);
    if (nextToken === undefined) {
      attempt += 1;
      index = 0;
    }
    const page = attempts[attempt]?.[index];
    index += 1;
    if (!page) throw new Error(`no page ${index} in attempt ${attempt}`);
    return page;
  };
  return { fetchPage, asked };
}

describe('collectPages', () => {
  it("tells a refusal of a later page (its NextToken's) from one of the request itself", async () => {
    const refusal = () =>
      Object.assign(new Error('The request is not valid.'), { name: 'InvalidRequestException' });
    const first = collectPages('GetCurrentUserData', async () => {
      throw refusal();
    });
    const failure = await first.catch((error: unknown) => error);
    expect(mayNameSomethingGone(failure)).toBe(true);
    const later = collectPages('GetCurrentUserData', async (token) => {
      if (token) throw refusal();
      return { items: ['a'], nextToken: 't1' };
    });
    const expired = await later.catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(Error);
    expect(mayNameSomethingGone(expired)).toBe(false);
  });

  it('follows NextToken to the end and gives the moment every page shared', async () => {
    const { fetchPage, asked } = pages([
      { items: ['a', 'b'], nextToken: 't1', dataSnapshotTime: at(1) },
      { items: ['c'], nextToken: 't2', dataSnapshotTime: at(1) },
      { items: ['d'], nextToken: undefined, dataSnapshotTime: at(1) },
    ]);
    const result = await collectPages('GetCurrentMetricData', fetchPage);
    expect(result).toEqual({ items: ['a', 'b', 'c', 'd'], dataSnapshotTime: at(1), calls: 3 });
    expect(asked).toEqual([undefined, 't1', 't2']);
  });

  it('starts again once when pages disagree on DataSnapshotTime, and fails when they disagree again', async () => {
    const mixed: Page<string>[] = [
      { items: ['a'], nextToken: 't1', dataSnapshotTime: at(1) },
      { items: ['b'], nextToken: undefined, dataSnapshotTime: at(3) },
    ];
    const same: Page<string>[] = [
      { items: ['a'], nextToken: 't1', dataSnapshotTime: at(3) },
      { items: ['b'], nextToken: undefined, dataSnapshotTime: at(3) },
    ];
    const again = await collectPages('GetCurrentMetricData', pages(mixed, same).fetchPage);
    expect(again).toEqual({ items: ['a', 'b'], dataSnapshotTime: at(3), calls: 4 });
    await expect(collectPages('GetCurrentMetricData', pages(mixed, mixed).fetchPage)).rejects.toBeInstanceOf(
      SnapshotChangedError,
    );
  });

  it('takes a page without DataSnapshotTime (optional in the response) as of no other moment', async () => {
    // Connect's response model marks DataSnapshotTime optional: its absence is not a second moment.
    const { fetchPage } = pages([
      { items: ['a'], nextToken: 't1', dataSnapshotTime: at(1) },
      { items: ['b'], nextToken: 't2' },
      { items: ['c'], nextToken: undefined, dataSnapshotTime: null },
    ]);
    expect(await collectPages('GetCurrentMetricData', fetchPage, 0)).toEqual({
      items: ['a', 'b', 'c'],
      dataSnapshotTime: at(1),
      calls: 3,
    });
    // Nor is a time on a later page when the first had none; GetCurrentUserData's pages have none at all.
    const later = pages([
      { items: ['a'], nextToken: 't1' },
      { items: ['b'], nextToken: undefined, dataSnapshotTime: at(2) },
    ]);
    expect((await collectPages('GetCurrentMetricData', later.fetchPage, 0)).dataSnapshotTime).toEqual(at(2));
    const none = pages([
      { items: ['a'], nextToken: 't1' },
      { items: ['b'], nextToken: undefined },
    ]);
    expect((await collectPages('GetCurrentUserData', none.fetchPage, 0)).dataSnapshotTime).toBeNull();
  });

  it('fails, rather than ask for ever, when a NextToken comes back again or never ends', async () => {
    const again = pages([
      { items: ['a'], nextToken: 't1' },
      { items: ['b'], nextToken: 't2' },
      { items: ['c'], nextToken: 't1' },
    ]);
    const failure = collectPages('ListQueues', again.fetchPage);
    await expect(failure).rejects.toBeInstanceOf(MalformedResponseError);
    await expect(failure).rejects.toThrow(/the same NextToken again after 3 pages/);
    expect(again.asked).toEqual([undefined, 't1', 't2']);

    let n = 0;
    const endless = async (): Promise<Page<string>> => ({ items: [], nextToken: `t${(n += 1)}` });
    await expect(collectPages('SearchUsers', endless)).rejects.toThrow(
      `a NextToken still after ${MAX_PAGES} pages`,
    );
    expect(n).toBe(MAX_PAGES);
  });
});
