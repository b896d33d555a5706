import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelIcon, channelWord } from './ChannelIcon';

afterEach(cleanup);

describe('ChannelIcon', () => {
  it('names email as a channel of its own, with the envelope', () => {
    render(<ChannelIcon channel="EMAIL" />);
    const icon = screen.getByTitle('Email');
    expect(icon.dataset.channel).toBe('EMAIL');
    expect(icon.querySelector('svg path')?.getAttribute('d')).toBe('M2 3.5h12v9H2zM2 4l6 5 6-5');
  });

  it('draws every channel without a font glyph: a browser with no emoji font shows no empty box', () => {
    for (const channel of ['VOICE', 'CHAT', 'TASK', 'EMAIL', 'OTHER'] as const) {
      const { container, unmount } = render(<ChannelIcon channel={channel} />);
      // The only text is the word for screen readers; the icon is a drawing in the text's colour.
      expect(container.textContent).toBe(channelWord(channel));
      expect(container.querySelector('svg')?.getAttribute('stroke')).toBe('currentColor');
      unmount();
    }
  });

  it("shows a channel newer than this build as other, with Connect's own name for it", () => {
    render(<ChannelIcon channel="OTHER" raw="VIDEO" />);
    expect(screen.getByTitle('Other channel (VIDEO)').dataset.channel).toBe('OTHER');
  });
});
