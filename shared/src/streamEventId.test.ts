import { describe, expect, it } from 'vitest';
import { isResumePoint, parseStreamEventId, resumedGeneration, streamEventId } from './streamEventId.js';

describe('stream event ids', () => {
  const instance = '11111111-2222-3333-4444-555555555555';

  it('name the generation and the instance, and resume only in that instance', () => {
    const id = streamEventId({ generation: 1796390152535, instanceId: instance });
    expect(id).toBe(`1796390152535@${instance}`);
    expect(resumedGeneration(id, instance)).toBe(1796390152535);
    expect(resumedGeneration(id, '66666666-7777-8888-9999-000000000000')).toBeNull();
  });

  it("name the board's revision, and resume only under that revision", () => {
    const id = streamEventId({ generation: 42, instanceId: instance }, 'Ab3_-x9Qz0Lk');
    expect(id).toBe(`42@${instance}~Ab3_-x9Qz0Lk`);
    expect(parseStreamEventId(id)).toEqual({
      generation: 42,
      instanceId: instance,
      revision: 'Ab3_-x9Qz0Lk',
    });
    expect(resumedGeneration(id, instance, 'Ab3_-x9Qz0Lk')).toBe(42);
    // Projected under another configuration of the board, or resumed from a view that names none (a poll).
    expect(resumedGeneration(id, instance, 'Zz9_-x9Qz0Lk')).toBeNull();
    expect(resumedGeneration(id, instance)).toBeNull();
    expect(resumedGeneration(`42@${instance}`, instance, 'Ab3_-x9Qz0Lk')).toBeNull();
    expect(isResumePoint(id)).toBe(true);
    for (const text of [`42@${instance}~`, `42@${instance}~a b`, `42@${instance}~a~b`])
      expect(isResumePoint(text), text).toBe(false);
  });

  it('send the view whole for a bare generation (a page of an older build) or anything else', () => {
    for (const id of ['1796390152535', '', '12@', `@${instance}`, `x@${instance}`, `1 @${instance}`, `1@a b`])
      expect(resumedGeneration(id, instance), id).toBeNull();
    expect(resumedGeneration(`99999999999999999@${instance}`, instance)).toBeNull();
  });

  it('accept as a resume point an event id or a bare generation, nothing else', () => {
    expect(isResumePoint(`7@${instance}`)).toBe(true);
    expect(isResumePoint('7')).toBe(true);
    for (const text of ['soon', '7@', '7@a@b', '7@a\nb', '-1']) expect(isResumePoint(text), text).toBe(false);
  });
});
