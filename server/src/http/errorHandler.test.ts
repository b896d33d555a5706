import { describe, expect, it } from 'vitest';
import { problem } from './errorHandler.js';

describe('problem details', () => {
  it('carries extension members beside the standard ones, which an extension never replaces', () => {
    expect(
      problem(404, 'not_recorded', 'Nothing was recorded then.', {
        at: '2026-12-04T10:00:00.000Z',
        before: null,
        status: 200,
        detail: 'other words',
      }),
    ).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'not_recorded',
      detail: 'Nothing was recorded then.',
      at: '2026-12-04T10:00:00.000Z',
      before: null,
    });
  });
});
