import { describe, expect, it } from 'vitest';
import { parseViewParams } from './url';

describe('parseViewParams', () => {
  it('reads the moment replayed as an ISO 8601 time with its offset, a + arriving as a space among them', () => {
    const at = Date.parse('2026-12-06T12:00:00Z');
    expect(parseViewParams('?at=2026-12-06T12:00:00Z')).toMatchObject({ at, badAt: null });
    expect(parseViewParams('?at=2026-12-06T13:00:00%2B01:00')).toMatchObject({ at, badAt: null });
    expect(parseViewParams('?at=2026-12-06T13:00:00+01:00')).toMatchObject({ at, badAt: null });
    expect(parseViewParams('')).toMatchObject({ at: null, badAt: null });
  });

  it('keeps an unreadable moment aside, to say so, rather than guess', () => {
    for (const value of [
      'yesterday',
      '2026-12-06T12:00:00',
      '2026-12-06',
      '2026-13-45T99:00:00Z',
      '2026-02-31T10:00:00Z',
    ])
      expect(parseViewParams(`?at=${encodeURIComponent(value)}`)).toMatchObject({ at: null, badAt: value });
  });

  it('keeps aside the values it cannot read, with what each takes, and reads the rest', () => {
    const params = parseViewParams('?view=embed&channel=fax&groupBy=team&rotate=abc&theme=light');
    expect(params).toMatchObject({
      view: 'embed',
      channel: null,
      groupBy: 'status',
      rotate: 15,
      theme: 'light',
    });
    expect(params.unread.map((param) => `${param.key}=${param.value}`)).toEqual([
      'rotate=abc',
      'channel=fax',
      'groupBy=team',
    ]);
    expect(parseViewParams('?status=attention')).toMatchObject({ status: 'attention', unread: [] });
    // Absent or empty is no value, not an unread one.
    expect(parseViewParams('?channel=&view=').unread).toEqual([]);
  });
});
