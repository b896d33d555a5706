import { describe, expect, it } from 'vitest';
import { clockSkewMs, observeServerTime, serverNow } from './clock';

describe('server clock', () => {
  it('corrects this browser clock by the skew seen in the last snapshot', () => {
    const browserNow = Date.now();
    observeServerTime(new Date(browserNow + 90_000).toISOString(), browserNow);
    expect(clockSkewMs()).toBe(90_000);
    expect(serverNow() - Date.now()).toBeGreaterThanOrEqual(89_990);
    observeServerTime('not a time');
    expect(clockSkewMs()).toBe(90_000);
    observeServerTime(new Date(browserNow).toISOString(), browserNow);
    expect(clockSkewMs()).toBe(0);
  });
});
