import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvError, parseEnv, pathsNote } from './env.js';

describe('parseEnv', () => {
  it('defaults to port 8080 on loopback with the embedded simulator', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', POLL_INTERVAL_MS: 2000 });
    expect(env.CONNECT_INSTANCE_ID).toBeUndefined();
  });

  it('reads a variable of spaces alone as not set, as an empty one: PORT=" " is the default port, not port 0', () => {
    expect(parseEnv({ PORT: ' ' }).PORT).toBe(8080);
    expect(parseEnv({ PORT: '\t ', POLL_INTERVAL_MS: '  ' })).toMatchObject({
      PORT: 8080,
      POLL_INTERVAL_MS: 2000,
    });
    expect(parseEnv({ PORT: '' }).PORT).toBe(8080);
  });

  it('names the variable, the value and the fix for a bad port', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(
      /PORT="eighty": PORT must be a number, e.g. PORT=8080/,
    );
  });

  it('refuses an interval too long for a timer, naming the variable and its range, rather than polling without pause', () => {
    // Node runs a timer of more than 2^31 - 1 ms at once: 3e9 ms would poll Connect as fast as the budget allows.
    for (const name of [
      'POLL_INTERVAL_MS',
      'HISTORY_INTERVAL_MS',
      'DISCOVERY_INTERVAL_MS',
      'LEASE_MS',
      'STALE_AFTER_MS',
    ]) {
      expect(() => parseEnv({ [name]: '3000000000' }), name).toThrow(
        new RegExp(`${name} must be at most \\d+`),
      );
      expect(() => parseEnv({ [name]: '2.5e4' }), name).not.toThrow();
      expect(() => parseEnv({ [name]: '20000.5' }), name).toThrow(
        new RegExp(`${name} must be a whole number`),
      );
    }
    expect(parseEnv({ POLL_INTERVAL_MS: '3600000' }).POLL_INTERVAL_MS).toBe(3_600_000);
  });

  it('takes LOG_FORMAT json or pretty, leaves it unset by default, and names the choices for anything else', () => {
    expect(parseEnv({}).LOG_FORMAT).toBeUndefined();
    expect(parseEnv({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(parseEnv({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => parseEnv({ LOG_FORMAT: 'text' })).toThrow(
      /LOG_FORMAT="text": LOG_FORMAT must be json .* or pretty/,
    );
  });

  it('asks for the region when an instance is configured', () => {
    expect(() => parseEnv({ CONNECT_INSTANCE_ID: 'abc-123' })).toThrow(/AWS_REGION is not set/);
  });

  it("keeps the embedded simulator's history at least a day, since today needs the last 24 hours", () => {
    expect(parseEnv({})).toMatchObject({ SIMULATOR_HISTORY_DAYS: 3, SIMULATOR_CALL_LOG: 5000 });
    expect(parseEnv({ SIMULATOR_HISTORY_DAYS: '1', SIMULATOR_CALL_LOG: '0' })).toMatchObject({
      SIMULATOR_HISTORY_DAYS: 1,
      SIMULATOR_CALL_LOG: 0,
    });
    expect(() => parseEnv({ SIMULATOR_HISTORY_DAYS: '0' })).toThrow(
      /SIMULATOR_HISTORY_DAYS="0": SIMULATOR_HISTORY_DAYS must be between 1 and 7/,
    );
    expect(() => parseEnv({ SIMULATOR_CALL_LOG: 'lots' })).toThrow(/SIMULATOR_CALL_LOG="lots"/);
  });

  it('refuses an instance ARN where the id is expected', () => {
    expect(() =>
      parseEnv({ CONNECT_INSTANCE_ID: 'arn:aws:connect:eu-west-2:1:instance/abc', AWS_REGION: 'eu-west-2' }),
    ).toThrow(/CONNECT_INSTANCE_ID must be the instance id/);
  });
});

describe('parseEnv access modes', () => {
  it('refuses to listen beyond loopback with no access mode, and says how to choose one', () => {
    expect(() => parseEnv({ HOST: '0.0.0.0' })).toThrow(
      /Refusing to start: HOST=0.0.0.0 .* Set ACCESS_MODE=tokens/,
    );
    expect(parseEnv({ HOST: '0.0.0.0', ACCESS_MODE: 'open' }).ACCESS_MODE).toBe('open');
  });

  it('asks for the token file or the proxy addresses that a mode needs', () => {
    expect(() => parseEnv({ ACCESS_MODE: 'tokens' })).toThrow(/DISPLAY_TOKENS_FILE is not set/);
    expect(() => parseEnv({ ACCESS_MODE: 'proxy' })).toThrow(/TRUSTED_PROXIES is not set/);
    expect(() => parseEnv({ ACCESS_MODE: 'proxy', TRUSTED_PROXIES: 'not-an-ip' })).toThrow(
      /TRUSTED_PROXIES must list IP/,
    );
    expect(() => parseEnv({ FRAME_ANCESTORS: 'intranet' })).toThrow(/FRAME_ANCESTORS must list origins/);
  });
});

describe('parseEnv quotas', () => {
  it("reads Connect's quotas per operation, and names the operation and the fix when one is wrong", () => {
    expect(parseEnv({}).CONNECT_QUOTAS).toEqual({});
    expect(parseEnv({ CONNECT_QUOTAS: 'GetCurrentUserData=5/8, SearchUsers = 4/6' }).CONNECT_QUOTAS).toEqual({
      GetCurrentUserData: { perSecond: 5, burst: 8 },
      SearchUsers: { perSecond: 4, burst: 6 },
    });
    expect(() => parseEnv({ CONNECT_QUOTAS: 'GetCurrentUserData:5' })).toThrow(
      /CONNECT_QUOTAS must list Operation=rate\/burst, comma-separated, e\.g\. CONNECT_QUOTAS=GetCurrentUserData=5\/8/,
    );
    expect(() => parseEnv({ CONNECT_QUOTAS: 'StartChatContact=5/8' })).toThrow(
      /CONNECT_QUOTAS names StartChatContact, which the wallboard does not call: it calls GetCurrentMetricData/,
    );
    expect(() => parseEnv({ CONNECT_QUOTAS: 'ListUsers=0/1' })).toThrow(/ListUsers needs a rate above 0/);
  });

  it('refuses an operation named twice, and one spelt in the wrong case, saying which to write', () => {
    // Two quotas for one operation: which one Connect has is not for the wallboard to guess.
    expect(() =>
      parseEnv({ CONNECT_QUOTAS: 'GetCurrentUserData=5/8,SearchUsers=5/8,GetCurrentUserData=2/5' }),
    ).toThrow(/CONNECT_QUOTAS names GetCurrentUserData twice \(5\/8 and 2\/5\): give each operation once/);
    expect(() => parseEnv({ CONNECT_QUOTAS: 'getCurrentUserData=5/8' })).toThrow(
      /CONNECT_QUOTAS names getCurrentUserData: operation names are case-sensitive, write GetCurrentUserData=5\/8/,
    );
  });

  it('still reads the old group variables, and takes a 12-digit account id', () => {
    const env = parseEnv({ CONNECT_RATE_OTHER: '3/6', CONNECT_ACCOUNT_ID: '111122223333' });
    expect(env.CONNECT_RATE_OTHER).toEqual({ perSecond: 3, burst: 6 });
    expect(env.CONNECT_RATE_METRICS).toBeUndefined();
    expect(() => parseEnv({ CONNECT_ACCOUNT_ID: '1111-2222' })).toThrow(
      /CONNECT_ACCOUNT_ID must be the 12-digit AWS account id/,
    );
  });
});

describe('parseEnv errors', () => {
  it.each([
    ['SESSION_SECRET', 'hunter2-too-short', 'hunter2-too-short'],
    ['METRICS_TOKEN', 'shortscrape', 'shortscrape'],
    ['REDIS_URL', 'redis://:S3cretPassw0rd@redis.internal:63a79', 'S3cretPassw0rd'],
    ['REDIS_URL', 'http://admin:S3cretPassw0rd@redis.internal:6379', 'S3cretPassw0rd'],
    ['REDIS_URL', 'redis://:Zm9v/YmFy+cXV4@redis.internal:6379', 'Zm9v/YmFy+cXV4'],
    ['REDIS_URL', 'redis://:p@ssw0rd@redis.internal:63a79', 'ssw0rd'],
    ['REDIS_URL', 'redis://user:x%zzSecret@127.0.0.1:6379', 'zzSecret'],
  ])('name %s and what is wrong with it, but never print its secret', (name, value, secret) => {
    let message = '';
    try {
      parseEnv({ [name]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(name);
    expect(message).not.toContain(secret);
  });

  it('refuses a REDIS_URL whose password the client could not decode, saying how to write a %', () => {
    expect(() => parseEnv({ REDIS_URL: 'redis://user:x%zz@127.0.0.1:6379' })).toThrow(
      /REDIS_URL.*holds a % not followed by two hex digits; write % in them as %25/,
    );
    // A value that is no URL is said to be one thing wrong, not two.
    expect(() => parseEnv({ REDIS_URL: 'not a url' })).toThrow(
      /^Invalid environment:\n {2}REDIS_URL="not a url": REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL, e\.g\. redis:\/\/127\.0\.0\.1:6379$/,
    );
    expect(parseEnv({ REDIS_URL: 'redis://user:x%25zz@127.0.0.1:6379' }).REDIS_URL).toBe(
      'redis://user:x%25zz@127.0.0.1:6379',
    );
  });

  it('names the variable and a good value where the schema has no words of its own', () => {
    const said = (variables: Record<string, string>) => {
      try {
        parseEnv(variables);
      } catch (error) {
        return (error as Error).message.split('\n').slice(1);
      }
      return [];
    };
    expect(said({ POLL_INTERVAL_MS: 'abc' })).toEqual([
      '  POLL_INTERVAL_MS="abc": POLL_INTERVAL_MS must be a number, e.g. POLL_INTERVAL_MS=2000',
    ]);
    // A variable's own words are kept; zod's are replaced, a whole number said as such.
    expect(said({ PORT: '80.5' })).toEqual(['  PORT="80.5": PORT must be a whole number, e.g. PORT=8080']);
    expect(said({ STALE_AFTER_MS: '1500.5' })).toEqual([
      '  STALE_AFTER_MS="1500.5": STALE_AFTER_MS must be a whole number, e.g. STALE_AFTER_MS=15000',
    ]);
    expect(said({ API_READS_PER_MINUTE: '0' })).toEqual([
      '  API_READS_PER_MINUTE="0": API_READS_PER_MINUTE must be at least 1, e.g. API_READS_PER_MINUTE=600',
    ]);
    expect(said({ LOG_LEVEL: 'loud' })).toEqual([
      '  LOG_LEVEL="loud": LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, e.g. LOG_LEVEL=info',
    ]);
    // A list's bad entry: the variable by its own name, and which entry.
    expect(said({ FRAME_ANCESTORS: 'javascript:x' })).toEqual([
      expect.stringMatching(
        /^ {2}FRAME_ANCESTORS="javascript:x" \(entry 1\): FRAME_ANCESTORS must list origins/,
      ),
    ]);
  });

  it('still quotes a value that is no secret, so the mistake can be seen', () => {
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud"/);
    expect(() => parseEnv({ REDIS_URL: 'redis://redis.internal:63a79' })).toThrow(
      /REDIS_URL="redis:\/\/redis.internal:63a79"/,
    );
  });
});

describe('the space history keeps free', () => {
  it('is 200 MB unless set, 0 keeps none, and below 0 is refused with the fix', () => {
    expect(parseEnv({}).HISTORY_MIN_FREE_MB).toBe(200);
    expect(parseEnv({ HISTORY_MIN_FREE_MB: '0' }).HISTORY_MIN_FREE_MB).toBe(0);
    expect(() => parseEnv({ HISTORY_MIN_FREE_MB: '-5' })).toThrow(
      'HISTORY_MIN_FREE_MB="-5": HISTORY_MIN_FREE_MB must be 0 (none kept) or more',
    );
  });
});

describe('paths in the environment', () => {
  it('are read from the directory the command was typed in, as the tokens command reads --file', () => {
    const typedIn = mkdtempSync(join(tmpdir(), 'switchboard-typed-'));
    const env = parseEnv({
      INIT_CWD: typedIn,
      DATA_DIR: 'state',
      HISTORY_DIR: '/var/lib/switchboard/history',
      DISPLAY_TOKENS_FILE: 'tokens.yaml',
      WALLBOARD_CONFIG: '../wallboard.yaml',
    });
    expect(env.DATA_DIR).toBe(join(typedIn, 'state'));
    expect(env.HISTORY_DIR).toBe('/var/lib/switchboard/history');
    expect(env.DISPLAY_TOKENS_FILE).toBe(join(typedIn, 'tokens.yaml'));
    expect(env.WALLBOARD_CONFIG).toBe(join(dirname(typedIn), 'wallboard.yaml'));
    expect(pathsNote(env)).toBeNull();
    // Not started through pnpm: from the working directory, as before.
    expect(parseEnv({ DATA_DIR: 'state' }).DATA_DIR).toBe(join(process.cwd(), 'state'));
  });

  it('read where an older build read them while nothing is there from where the command was typed, and say so', () => {
    const typedIn = mkdtempSync(join(tmpdir(), 'switchboard-typed-'));
    // `pnpm start` runs the server in server/, where an older build read relative paths.
    const serverDir = mkdtempSync(join(tmpdir(), 'switchboard-server-'));
    const fresh = parseEnv({ INIT_CWD: typedIn, DATA_DIR: 'data-8081' }, serverDir);
    expect(fresh.DATA_DIR).toBe(join(typedIn, 'data-8081'));
    expect(pathsNote(fresh)).toBeNull();
    mkdirSync(join(serverDir, 'data'));
    mkdirSync(join(serverDir, 'data-8081'));
    writeFileSync(join(serverDir, 'tokens.yaml'), 'tokens: []\n');
    const kept = parseEnv(
      { INIT_CWD: typedIn, DATA_DIR: 'data-8081', DISPLAY_TOKENS_FILE: 'tokens.yaml' },
      serverDir,
    );
    expect(kept.DATA_DIR).toBe(join(serverDir, 'data-8081'));
    expect(kept.DISPLAY_TOKENS_FILE).toBe(join(serverDir, 'tokens.yaml'));
    expect(pathsNote(kept)).toBe(
      "Read from the server's directory, as an older build did, since nothing is there from where the command was " +
        `typed: DATA_DIR=data-8081 at ${join(serverDir, 'data-8081')}, DISPLAY_TOKENS_FILE=tokens.yaml at ` +
        `${join(serverDir, 'tokens.yaml')}. Move it there, or give an absolute path, to keep it.`,
    );
    // DATA_DIR's default alike.
    const unset = parseEnv({ INIT_CWD: typedIn }, serverDir);
    expect(unset.DATA_DIR).toBe(join(serverDir, 'data'));
    expect(pathsNote(unset)).toMatch(/DATA_DIR \(unset: data\) at /);
    // Once it exists where the command was typed, that is used.
    mkdirSync(join(typedIn, 'data'));
    const moved = parseEnv({ INIT_CWD: typedIn }, serverDir);
    expect(moved.DATA_DIR).toBe(join(typedIn, 'data'));
    expect(pathsNote(moved)).toBeNull();
  });
});
