import { describe, expect, it } from 'vitest';
import { wallboardConfigSchema } from './config/schema.js';
import { parseEnv } from './env.js';
import { contactCentreTimeZone, reloadWaits, serviceLevelThresholds } from './instances.js';

describe('what the poller fetches follows the configuration file', () => {
  it('fetches every service-level threshold the screens draw or the rules watch', () => {
    const config = wallboardConfigSchema.parse({
      serviceLevel: { thresholdSeconds: 30 },
      thresholds: { defaults: { SERVICE_LEVEL_60: { warn: 90, critical: 80, direction: 'below' } } },
      alerts: [{ id: 'sl', metric: 'SERVICE_LEVEL_120', value: 50, direction: 'below', clearAt: 60 }],
    });
    expect(serviceLevelThresholds(parseEnv({}), config)).toEqual([20, 30, 60, 120]);
    expect(serviceLevelThresholds(parseEnv({ SERVICE_LEVEL_THRESHOLDS: '15' }), config)).toEqual([
      15, 30, 60, 120,
    ]);
  });

  it("takes the contact centre's time zone from TIME_ZONE, else from the file", () => {
    const config = wallboardConfigSchema.parse({ timeZone: 'Europe/London' });
    expect(contactCentreTimeZone(parseEnv({}), config)).toBe('Europe/London');
    expect(contactCentreTimeZone(parseEnv({ TIME_ZONE: 'America/New_York' }), config)).toBe(
      'America/New_York',
    );
  });

  it("says a reload's time zone waits for a restart only where the embedded simulator keeps its own", () => {
    const config = wallboardConfigSchema.parse({ timeZone: 'Europe/London' });
    expect(reloadWaits(parseEnv({}), config, null)).toBeNull();
    expect(reloadWaits(parseEnv({}), config, 'Europe/London')).toBeNull();
    expect(reloadWaits(parseEnv({}), config, 'UTC')).toMatch(
      /timeZone: the embedded simulator keeps simulating a day in UTC until a restart/,
    );
    // TIME_ZONE in the environment is in force over the file: the simulator runs in it, nothing waits.
    expect(reloadWaits(parseEnv({ TIME_ZONE: 'UTC' }), config, 'UTC')).toBeNull();
  });
});
