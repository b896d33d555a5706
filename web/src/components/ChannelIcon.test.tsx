import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelIcon } from './ChannelIcon';

afterEach(cleanup);

describe('ChannelIcon', () => {
  it('names email as a channel of its own, with the envelope', () => {
    render(<ChannelIcon channel="EMAIL" />);
    const icon = screen.getByTitle('Email');
    expect(icon.dataset.channel).toBe('EMAIL');
    expect(icon.textContent).toContain('✉');
  });

  it("shows a channel newer than this build as other, with Connect's own name for it", () => {
    render(<ChannelIcon channel="OTHER" raw="VIDEO" />);
    expect(screen.getByTitle('Other channel (VIDEO)').dataset.channel).toBe('OTHER');
  });
});
