import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env.js';

describe('parseEnv', () => {
  it('defaults to port 8080 on loopback with the embedded simulator', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', POLL_INTERVAL_MS: 2000 });
    expect(env.CONNECT_INSTANCE_ID).toBeUndefined();
  });

  it('names the variable, the value and the fix for a bad port', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(
      /PORT="eighty": PORT must be a number, e.g. PORT=8080/,
    );
  });

  it('asks for the region when an instance is configured', () => {
    expect(() => parseEnv({ CONNECT_INSTANCE_ID: 'abc-123' })).toThrow(/AWS_REGION is not set/);
  });

  it('refuses an instance ARN where the id is expected', () => {
    expect(() =>
      parseEnv({ CONNECT_INSTANCE_ID: 'arn:aws:connect:eu-west-2:1:instance/abc', AWS_REGION: 'eu-west-2' }),
    ).toThrow(/CONNECT_INSTANCE_ID must be the instance id/);
  });
});
