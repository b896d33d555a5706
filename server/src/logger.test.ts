import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormatFor } from './logger.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-distinctive-secret' };

describe('createLogger', () => {
  it('writes one JSON object a line, with credentials redacted', () => {
    const out = capture();
    const logger = createLogger('info', { format: 'json', destination: out.stream });
    logger.info(
      { aws: credentials, req: { headers: { authorization: 'Bearer abc123' } } },
      'calling Connect',
    );
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'calling Connect',
      aws: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: '[redacted]' },
      req: { headers: { authorization: '[redacted]' } },
    });
    expect(out.text()).not.toContain('distinctive-secret');
  });

  it('writes readable lines in the pretty format, with credentials redacted there too', () => {
    const out = capture();
    const logger = createLogger('info', { format: 'pretty', destination: out.stream });
    logger.info(
      { aws: credentials, session: { sessionToken: 'FwoGZX-distinctive-token' } },
      'calling Connect',
    );
    logger.warn({ boardId: 'sales' }, 'webhook backlog full');
    const text = out.text();
    expect(text).toMatch(/INFO.*calling Connect/);
    expect(text).toMatch(/WARN.*webhook backlog full/);
    expect(text).toContain('[redacted]');
    expect(text).toContain('AKIAEXAMPLE');
    expect(text).not.toContain('distinctive-secret');
    expect(text).not.toContain('distinctive-token');
    // Not JSON: a person reads it.
    expect(() => JSON.parse(text.split('\n')[0] ?? '') as unknown).toThrow();
    // No colour codes into a stream that is not a terminal.
    expect(text).not.toContain('\u001b[');
  });

  it('honours the level in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const out = capture();
      const logger = createLogger('warn', { format, destination: out.stream });
      logger.info('not shown');
      expect(out.text(), format).toBe('');
    }
  });
});

describe('logFormatFor', () => {
  it('is pretty on a terminal and JSON elsewhere, unless LOG_FORMAT says which', () => {
    expect(logFormatFor(undefined, true)).toBe('pretty');
    expect(logFormatFor(undefined, false)).toBe('json');
    expect(logFormatFor('json', true)).toBe('json');
    expect(logFormatFor('pretty', false)).toBe('pretty');
  });
});
