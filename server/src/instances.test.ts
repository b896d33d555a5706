import { describe, expect, it } from 'vitest';
import { wallboardConfigSchema } from './config/schema.js';
import { parseEnv } from './env.js';
import { contactCentreTimeZone, serviceLevelThresholds } from './instances.js';

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
});
