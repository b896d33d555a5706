import { Component, type ErrorInfo, type ReactNode } from 'react';
import { countScreenError } from '../api/screenReport';

interface Props {
  /** What failed, in the user's words: "queue Sales", "the service-level chart". */
  what: string;
  children: ReactNode;
  /** When this changes (new data), a failed section tries again. */
  resetKey?: unknown;
  className?: string;
}

interface State {
  error: Error | null;
  key: unknown;
}

/** Keeps a failure local: one tile that cannot be drawn says so, and the rest of the wall goes on. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.key) return { key: props.resetKey, error: null };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Could not draw ${this.props.what}`, error, info.componentStack);
    // The screen's report carries the count, so a supervisor sees a screen drawing errors.
    countScreenError();
  }

  override render() {
    if (this.state.error) {
      return (
        <div className={`tile tile-error ${this.props.className ?? ''}`} role="alert" data-error-boundary>
          <strong>Could not draw {this.props.what}.</strong>
          <span> The rest of the wallboard is unaffected; it retries with the next figures.</span>
        </div>
      );
    }
    return this.props.children;
  }
}
