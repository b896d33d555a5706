import type { SnapshotChannel } from '@switchboard/shared';

/**
 * Each channel drawn as a line icon in the text's colour, one em square: a kiosk browser often has no emoji
 * font (Debian's Chromium has none by default), and a glyph it lacks is drawn as an empty box on the wall. Voice
 * is a handset, chat a speech balloon, a task a check mark, email the envelope; OTHER is a channel Connect added
 * after this build.
 */
const PATHS: Record<SnapshotChannel, string> = {
  VOICE:
    'M4.5 1.75h2l1 3.25-1.5 1.25a7.5 7.5 0 0 0 3.75 3.75L11 8.5l3.25 1v2a1.75 1.75 0 0 1-1.75 1.75A10.75 10.75 0 0 1 2.75 3.5 1.75 1.75 0 0 1 4.5 1.75z',
  CHAT: 'M2 2.75h12v8.5H7.25L4.5 14v-2.75H2z',
  TASK: 'M2.75 8.5l3.5 3.5 7-7.5',
  EMAIL: 'M2 3.5h12v9H2zM2 4l6 5 6-5',
  OTHER: 'M8 1.75L14.25 8 8 14.25 1.75 8z',
};
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
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        width="1em"
        height="1em"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
        strokeLinecap="round"
        style={{ verticalAlign: '-0.125em' }}
      >
        <path d={PATHS[channel]} />
      </svg>
      <span className="sr-only">{word}</span>
    </span>
  );
}
