import { alertSentence, metricLabel, type Alert } from '@switchboard/shared';
import { memo, useEffect, useId, useRef, useState } from 'react';
import { AcknowledgeError, useAcknowledge } from '../../api/alerts';
import { Elapsed } from '../../components/Elapsed';
import { useFormat } from '../../format';
import './alerts.css';

/** The server's refusal for want of a name (an open wallboard, which knows nobody). */
const wantsName = (error: unknown) => error instanceof AcknowledgeError && error.code === 'name_required';

const NAME_KEY = 'switchboard.supervisorName';

/** What an alert is about: its subject where the server named one (a screen), else its queue's name. */
function subjectOf(alert: Alert, queueName: (queueId: string | null) => string): string | null {
  return alert.subject ?? (alert.queueId ? queueName(alert.queueId) : null);
}

function storedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Active alerts, open before acknowledged, worst then newest first, each acknowledged by a named supervisor; the server records who and when. */
export const AlertsPanel = memo(function AlertsPanel({
  alerts,
  queueName,
  readOnly = false,
}: {
  alerts: readonly Alert[];
  queueName: (queueId: string | null) => string;
  readOnly?: boolean;
}) {
  const format = useFormat();
  const [name, setName] = useState(storedName);
  const nameInput = useRef<HTMLInputElement>(null);
  const nameNeededId = useId();
  const acknowledge = useAcknowledge();
  // Acknowledged with no name where the server knows none (an open wallboard; signed in, it takes the
  // supervisor's): it records who acknowledged, so the page asks for the name, in its own words.
  const needName = wantsName(acknowledge.error) && name.trim() === '';
  // The alert acknowledged from this page: once the figures say so its button is gone, and the keyboard's place
  // goes to the words that replace it rather than back to the top of the page.
  const list = useRef<HTMLUListElement>(null);
  const focusAfter = useRef<string | null>(null);
  useEffect(() => {
    const id = focusAfter.current;
    if (id === null) return;
    // Only where the keyboard was lost with the button: not from wherever the user has gone since.
    const active = document.activeElement;
    if (active && active !== document.body && !list.current?.contains(active)) {
      focusAfter.current = null;
      return;
    }
    const item = [...(list.current?.children ?? [])].find(
      (child) => child instanceof HTMLElement && child.dataset.alertId === id,
    );
    const done = item?.querySelector<HTMLElement>('.acknowledged');
    if (!done) return;
    focusAfter.current = null;
    done.focus();
  });
  const sorted = [...alerts].sort(
    (a, b) =>
      Number(a.acknowledgedAt !== null) - Number(b.acknowledgedAt !== null) ||
      Number(b.level === 'critical') - Number(a.level === 'critical') ||
      b.since.localeCompare(a.since),
  );
  const rememberName = (value: string) => {
    setName(value);
    // A refusal for want of a name is answered by typing one.
    if (needName && value.trim() !== '') acknowledge.reset();
    try {
      localStorage.setItem(NAME_KEY, value);
    } catch {
      // Private mode: the name is kept for this page only.
    }
  };
  return (
    <section className="alerts-panel" aria-label="Alerts" data-testid="alerts-panel">
      <h2>
        Alerts <span className="count">{alerts.filter((a) => a.acknowledgedAt === null).length} open</span>
      </h2>
      {!readOnly ? (
        <label className="ack-name">
          Acknowledge as{' '}
          <input
            ref={nameInput}
            value={name}
            onChange={(event) => rememberName(event.target.value)}
            placeholder="Your name"
            maxLength={100}
            autoComplete="name"
            aria-invalid={needName || undefined}
            aria-describedby={needName ? nameNeededId : undefined}
          />
        </label>
      ) : null}
      {needName ? (
        <p className="error" role="alert" id={nameNeededId}>
          Type your name in “Acknowledge as” first: each acknowledgement is recorded with who made it.
        </p>
      ) : acknowledge.error ? (
        <p className="error" role="alert">
          {acknowledge.error.message}
        </p>
      ) : null}
      {sorted.length === 0 ? (
        <p className="empty">No alerts: every watched figure is within its limits.</p>
      ) : (
        <ul className="alert-list" ref={list}>
          {sorted.map((alert) => (
            <li key={alert.id} className="alert" data-alert-id={alert.id} data-state={alert.level}>
              <span className="state-badge" aria-hidden="true">
                {alert.level === 'critical' ? '!!' : '!'}
              </span>
              <span className="alert-text">
                <strong>{alert.level === 'critical' ? 'Critical' : 'Warning'}:</strong>{' '}
                {alertSentence(alert, subjectOf(alert, queueName), format)}, for{' '}
                <Elapsed since={alert.since} />
              </span>
              {alert.acknowledgedAt ? (
                <span className="acknowledged" tabIndex={-1}>
                  Acknowledged by {alert.acknowledgedBy} at {format.clock(Date.parse(alert.acknowledgedAt))}
                </span>
              ) : readOnly ? null : (
                <button
                  type="button"
                  disabled={acknowledge.isPending}
                  onClick={() => {
                    focusAfter.current = alert.id;
                    acknowledge.mutate(
                      { alertId: alert.id, by: name.trim() },
                      {
                        onError: (error) => {
                          focusAfter.current = null;
                          if (wantsName(error)) nameInput.current?.focus();
                        },
                      },
                    );
                  }}
                  aria-label={`Acknowledge ${metricLabel(alert.metric)} alert${alert.queueId ? ` on ${subjectOf(alert, queueName)}` : ''}`}
                >
                  Acknowledge
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
