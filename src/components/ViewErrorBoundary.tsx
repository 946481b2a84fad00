import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Names the view in the message. */
  view: string;
  children: ReactNode;
}

/**
 * A view that throws while drawing would otherwise blank the whole page (React unmounts the root).
 * This keeps the header and tabs, says what failed, and offers to draw the view again: the
 * store, the runs and the loaded tables are untouched, so nothing the user had is lost.
 */
export class ViewErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`The ${this.props.view} view failed to draw`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="error-banner view-error" role="alert" data-testid="view-error">
        <div>
          <strong className="error-message">
            The {this.props.view} view failed to draw: {error.message}
          </strong>
          <p className="error-fix">
            <span className="fix-label">Your data is kept.</span> Draw the view again, or switch tabs; if it fails again, please report it with this message.
          </p>
        </div>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Draw again
        </button>
      </div>
    );
  }
}
