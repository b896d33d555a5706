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
  queueIds = null,
}: {
  alerts: readonly Alert[];
  queueName: (queueId: string | null) => string;
  readOnly?: boolean;
  /**
   * The queues the page below shows (a queue drilled into, a queue filter): other queues' alerts are counted, not
   * listed, until asked for. The whole centre's and the screens' alerts are always listed.
   */
  queueIds?: ReadonlySet<string> | null;
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
  // The keyboard then goes on to the next open alert (the one below it, else above), which has taken its place in
  // the list; with none open, to the words that replace the button. A status line says it was acknowledged.
  const list = useRef<HTMLUListElement>(null);
  const focusAfter = useRef<{ acknowledged: string; next: string | null } | null>(null);
  const [announced, setAnnounced] = useState('');
  useEffect(() => {
    const after = focusAfter.current;
    // Not while the request is out: every button is disabled until it answers (the figures may say it first).
    if (after === null || acknowledge.isPending) return;
    // Only where the keyboard was lost with the button: not from wherever the user has gone since.
    const active = document.activeElement;
    if (active && active !== document.body && !list.current?.contains(active)) {
      focusAfter.current = null;
      return;
    }
    const item = (id: string) =>
      [...(list.current?.children ?? [])].find(
        (child): child is HTMLElement => child instanceof HTMLElement && child.dataset.alertId === id,
      );
    const done = item(after.acknowledged)?.querySelector<HTMLElement>('.acknowledged');
    if (!done) return;
    focusAfter.current = null;
    const next = after.next === null ? null : item(after.next)?.querySelector<HTMLElement>('button');
    (next ?? done).focus();
  });
  const [showOthers, setShowOthers] = useState(false);
  const elsewhere = (alert: Alert) =>
    queueIds !== null && alert.queueId !== null && alert.subject == null && !queueIds.has(alert.queueId);
  const folded = queueIds === null ? [] : alerts.filter(elsewhere);
  const others = folded.length;
  const othersOpen = folded.filter((alert) => alert.acknowledgedAt === null).length;
  const sorted = [...alerts]
    .filter((alert) => showOthers || !elsewhere(alert))
    .sort(
      (a, b) =>
        Number(a.acknowledgedAt !== null) - Number(b.acknowledgedAt !== null) ||
        Number(b.level === 'critical') - Number(a.level === 'critical') ||
        b.since.localeCompare(a.since),
    );
  const nextOpen = (id: string): string | null => {
    const open = sorted.filter((alert) => alert.acknowledgedAt === null);
    const at = open.findIndex((alert) => alert.id === id);
    return (open[at + 1] ?? open[at - 1])?.id ?? null;
  };
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
      <p className="sr-only" role="status">
        {announced}
      </p>
      {others > 0 ? (
        <p className="alerts-elsewhere" data-testid="alerts-elsewhere">
          {showOthers
            ? 'Listing the alerts of every queue, not only of those shown below.'
            : `${others} more on queues not shown below (${othersOpen} open).`}{' '}
          <button type="button" onClick={() => setShowOthers(!showOthers)}>
            {showOthers ? 'List only the queues shown' : 'List them too'}
          </button>
        </p>
      ) : null}
      {sorted.length === 0 ? (
        <p className="empty">
          {others > 0
            ? 'No alerts on the queues shown below.'
            : 'No alerts: every watched figure is within its limits.'}
        </p>
      ) : (
        // At most a few alerts high: a busy afternoon's thirty scroll here, not push the queues off the screen.
        <ul className="alert-list" ref={list} tabIndex={0} aria-label="Alert list">
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
                    focusAfter.current = { acknowledged: alert.id, next: nextOpen(alert.id) };
                    acknowledge.mutate(
                      { alertId: alert.id, by: name.trim() },
                      {
                        onSuccess: () =>
                          setAnnounced(
                            `Acknowledged: ${alertSentence(alert, subjectOf(alert, queueName), format)}.`,
                          ),
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
