import type { SnapshotChannel } from '@switchboard/shared';

// Chat is a speech balloon and email the envelope; OTHER is a channel Connect added after this build.
const GLYPHS: Record<SnapshotChannel, string> = { VOICE: '☎', CHAT: '💬', TASK: '✓', EMAIL: '✉', OTHER: '◇' };
const WORDS: Record<SnapshotChannel, string> = {
  VOICE: 'Voice',
  CHAT: 'Chat',
  TASK: 'Task',
  EMAIL: 'Email',
  OTHER: 'Other channel',
};

export function channelWord(channel: SnapshotChannel): string {
  return WORDS[channel];
}

/** `raw` is Connect's own name for a channel shown as OTHER, so a supervisor can still tell what it is. */
export function ChannelIcon({ channel, raw }: { channel: SnapshotChannel; raw?: string | undefined }) {
  const word = channel === 'OTHER' && raw ? `${WORDS.OTHER} (${raw})` : WORDS[channel];
  return (
    <span className="channel-icon" data-channel={channel} title={word}>
      <span aria-hidden="true">{GLYPHS[channel]}</span>
      <span className="sr-only">{word}</span>
    </span>
  );
}
