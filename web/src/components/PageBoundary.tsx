import { Component, type ErrorInfo, type ReactNode } from 'react';
import { countScreenError, reportFailure } from '../api/screenReport';

/** How long a page that failed whole shows why before it loads itself again. */
export const PAGE_RELOAD_MS = 30_000;

interface Props {
  children: ReactNode;
  /** Loads the page again; the browser's own reload unless a test says otherwise. */
  reload?: () => void;
}

/**
 * The last line behind the tiles' and sections' own boundaries: a failure outside them (the header, the banner,
 * a page's frame) would otherwise leave a wall blank until someone walks up to it. It says so, and loads the page
 * again after PAGE_RELOAD_MS, as a person would.
 */
export class PageBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private unmounted = false;

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Could not draw the wallboard page', error, info.componentStack);
    countScreenError();
    clearTimeout(this.timer);
    const caughtAt = Date.now();
    // The page below is gone, and its reports with it: one report says why before the page loads again.
    void reportFailure().finally(() => {
      if (this.unmounted) return;
      const left = Math.max(0, PAGE_RELOAD_MS - (Date.now() - caughtAt));
      this.timer = setTimeout(this.props.reload ?? (() => window.location.reload()), left);
    });
  }

  override componentWillUnmount(): void {
    this.unmounted = true;
    clearTimeout(this.timer);
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="error-page" role="alert" data-testid="page-error">
          <strong>The wallboard could not draw this page.</strong>{' '}
          <span>It loads itself again in {PAGE_RELOAD_MS / 1000} seconds.</span>
        </div>
      );
    }
    return this.props.children;
  }
}
