import type { Alert } from '@switchboard/shared';
import { useEffect, useRef } from 'react';

/** A short two-note tone from the Web Audio API: no sound file to fetch, nothing the CSP must allow. */
function playTone(): void {
  const AudioContextClass = window.AudioContext as typeof AudioContext | undefined;
  if (!AudioContextClass) return;
  const context = new AudioContextClass();
  const gain = context.createGain();
  gain.gain.value = 0.2;
  gain.connect(context.destination);
  [880, 660].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start(context.currentTime + index * 0.25);
    oscillator.stop(context.currentTime + index * 0.25 + 0.2);
  });
  setTimeout(() => void context.close(), 1000);
}

/**
 * On the wall, a board with `sound: true` sounds a tone when a new critical alert is raised (not for the alerts
 * already open when the page loads). Browsers allow sound without a click only where the kiosk permits
 * autoplay (Chromium: --autoplay-policy=no-user-gesture-required).
 */
export function useAlertTone(alerts: readonly Alert[] | undefined, enabled: boolean, play = playTone): void {
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!alerts) return;
    const critical = alerts.filter((alert) => alert.level === 'critical').map((alert) => alert.id);
    const seen = known.current;
    known.current = new Set(critical);
    if (!seen || !enabled) return;
    if (critical.some((id) => !seen.has(id))) play();
  }, [alerts, enabled, play]);
}
