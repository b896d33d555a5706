import type { UnreadParam, ViewPatch } from '../url';

/**
 * The address's values the page could not read, each with what it takes and what the page shows instead, and
 * the way to take them out: a mistyped bookmark is said, not silently shown as something else.
 */
export function UnreadAddress({
  unread,
  update,
}: {
  unread: readonly UnreadParam[];
  update: (patch: ViewPatch) => void;
}) {
  if (unread.length === 0) return null;
  return (
    <p className="address-note address-unread" role="status" data-testid="address-unread">
      Not understood in the address, so not applied:{' '}
      {unread.map((param, i) => (
        <span key={param.key}>
          {i > 0 ? '; ' : ''}
          <code>
            {param.key}={param.value}
          </code>{' '}
          (it takes {param.takes}; showing {param.instead})
        </span>
      ))}
      .{' '}
      <button
        type="button"
        onClick={() => update(Object.fromEntries(unread.map((param) => [param.key, null])) as ViewPatch)}
      >
        Take {unread.length === 1 ? 'it' : 'them'} out of the address
      </button>
    </p>
  );
}
