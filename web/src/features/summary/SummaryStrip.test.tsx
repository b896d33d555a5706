import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { BoardContext, DEFAULT_BOARD_CONTEXT } from '../../board';
import { SummaryStrip } from './SummaryStrip';

afterEach(cleanup);

describe('SummaryStrip', () => {
  it('says that On contact includes after-contact work, as Connect counts it, beside the ACW figure', () => {
    const summary = makeSnapshot({ queues: 2 }).summary;
    render(
      <SummaryStrip
        summary={{
          ...summary,
          realtime: { ...summary.realtime, AGENTS_ON_CONTACT: 12, AGENTS_AFTER_CONTACT_WORK: 5 },
        }}
      />,
    );
    const strip = screen.getByRole('region', { name: 'Totals of the whole centre' });
    const onContact = strip.querySelector('[data-metric="AGENTS_ON_CONTACT"]') as HTMLElement;
    expect(onContact.querySelector('.figure-value')?.textContent).toBe('12');
    expect(onContact.querySelector('.figure-detail')?.textContent).toBe('incl. ACW');
    expect(onContact.title).toMatch(/including after-contact work/);
    const acw = strip.querySelector('[data-metric="AGENTS_AFTER_CONTACT_WORK"]') as HTMLElement;
    expect(acw.querySelector('.figure-value')?.textContent).toBe('5');
    expect(acw.querySelector('.figure-detail')).toBeNull();
  });

  it("names a board of some queues as the totals' own", () => {
    const summary = makeSnapshot({ queues: 2 }).summary;
    render(
      <BoardContext
        value={{
          ...DEFAULT_BOARD_CONTEXT,
          board: { ...DEFAULT_BOARD_CONTEXT.board, title: 'Sales floor', queueIds: ['q-0000'] },
        }}
      >
        <SummaryStrip summary={summary} />
      </BoardContext>,
    );
    expect(screen.getByRole('region', { name: 'Totals of Sales floor' })).toBeTruthy();
  });
});
