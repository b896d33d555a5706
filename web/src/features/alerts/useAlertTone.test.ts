import type { Alert } from '@switchboard/shared';
import { renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useAlertTone } from './useAlertTone';

const alert = (id: string, level: Alert['level']): Alert => ({
  id,
  ruleId: 'r',
  metric: 'CONTACTS_IN_QUEUE',
  queueId: null,
  level,
  since: '2026-03-02T10:00:00Z',
  value: 12,
  threshold: 10,
  acknowledgedBy: null,
  acknowledgedAt: null,
});

describe('useAlertTone', () => {
  it('sounds once for a newly raised critical alert, not for those open at load nor for warnings', () => {
    const play = vi.fn();
    const { rerender } = renderHook(({ alerts }) => useAlertTone(alerts, true, play), {
      initialProps: { alerts: [alert('a', 'critical')] },
    });
    expect(play).not.toHaveBeenCalled();
    rerender({ alerts: [alert('a', 'critical'), alert('b', 'warn')] });
    expect(play).not.toHaveBeenCalled();
    rerender({ alerts: [alert('a', 'critical'), alert('c', 'critical')] });
    expect(play).toHaveBeenCalledTimes(1);
    rerender({ alerts: [alert('a', 'critical'), alert('c', 'critical')] });
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('stays silent on a board without sound', () => {
    const play = vi.fn();
    const { rerender } = renderHook(({ alerts }) => useAlertTone(alerts, false, play), {
      initialProps: { alerts: [] as Alert[] },
    });
    rerender({ alerts: [alert('c', 'critical')] });
    expect(play).not.toHaveBeenCalled();
  });
});
