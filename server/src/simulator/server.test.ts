import { describe, expect, it } from 'vitest';
import { isLoopback } from './server.js';

describe('the fault controls', () => {
  it('answer only callers on this machine', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true]);
    expect(['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '', undefined].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
