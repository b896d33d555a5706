import type { Channel } from '@switchboard/shared';

const GLYPHS: Record<Channel, string> = { VOICE: '☎', CHAT: '✉', TASK: '✓' };
const WORDS: Record<Channel, string> = { VOICE: 'Voice', CHAT: 'Chat', TASK: 'Task' };

export function channelWord(channel: Channel): string {
  return WORDS[channel];
}

export function ChannelIcon({ channel }: { channel: Channel }) {
  return (
    <span className="channel-icon" data-channel={channel} title={WORDS[channel]}>
      <span aria-hidden="true">{GLYPHS[channel]}</span>
      <span className="sr-only">{WORDS[channel]}</span>
    </span>
  );
}
