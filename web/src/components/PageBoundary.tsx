import { Component, type ErrorInfo, type ReactNode } from 'react';
import { scheduleReload } from '../api/reload';
import { countScreenError, reportFailure } from '../api/screenReport';
import { withDeadline } from '../api/timeout';

/** How long a page that failed whole shows why before it loads itself again. */
export const PAGE_RELOAD_MS = 30_000;
/** While the server does not answer, it is asked again this often before the page loads again. */
export const SERVER_RETRY_MS = 10_000;
/** How long that question waits for an answer. */
const HEALTH_TIMEOUT_MS = 10_000;

interface Props {
  children: ReactNode;
  /** Loads the page again; the browser's own reload unless a test says otherwise. */
  reload?: () => void;
}

/**
 * The last line behind the tiles' and sections' own boundaries: a failure outside them (the header, the banner,
 * a page's frame) would otherwise leave a wall blank until someone walks up to it. It says so, and loads the page
 * again after PAGE_RELOAD_MS, as a person would: once the server answers (a reload while it is away would leave
 * the screen on the browser's own error page, with nothing to bring it back), and in turn with the upgrade
 * reloads (api/reload.ts), so a page that fails at every load backs off to one load in ten minutes.
 */
export class PageBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cancelReload: (() => void) | undefined;
  private unmounted = false;

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Could not draw the wallboard page', error, info.componentStack);
    countScreenError();
    clearTimeout(this.timer);
    // On the monotonic clock: a kiosk's clock set back meanwhile (a time sync at boot) does not hold the reload.
    const caughtAt = performance.now();
    // The page below is gone, and its reports with it: one report says why before the page loads again.
    void reportFailure().finally(() => {
      if (this.unmounted) return;
      const left = Math.max(0, PAGE_RELOAD_MS - (performance.now() - caughtAt));
      this.timer = setTimeout(() => this.reloadOnceServerAnswers(), left);
    });
  }

  private reloadOnceServerAnswers(): void {
    // Given up after a while, as an answer that never comes (a proxy holding the request) would hold the reload.
    void withDeadline(
      HEALTH_TIMEOUT_MS,
      () => new Error('no answer from /healthz'),
      undefined,
      (deadline) => fetch('/healthz', { cache: 'no-store', signal: deadline }),
    )
      .then(
        (answer) => answer.ok,
        () => false,
      )
      .then((answers) => {
        if (this.unmounted) return;
        if (!answers) {
          this.timer = setTimeout(() => this.reloadOnceServerAnswers(), SERVER_RETRY_MS);
          return;
        }
        this.cancelReload = scheduleReload(this.props.reload ?? (() => window.location.reload()));
      });
  }

  override componentWillUnmount(): void {
    this.unmounted = true;
    clearTimeout(this.timer);
    this.cancelReload?.();
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="error-page" role="alert" data-testid="page-error">
          <strong>The wallboard could not draw this page.</strong>{' '}
          <span>
            It loads itself again in {PAGE_RELOAD_MS / 1000} seconds, or once the server answers, later if it
            fails again.
          </span>
        </div>
      );
    }
    return this.props.children;
  }
}
