export interface CallRecord {
  operation: string;
  /** Simulated time of the call, ISO. */
  time: string;
  status: number;
  errorType?: string;
  /** The request's parameters: the JSON body of a POST, the query and path of a GET (NextToken included). */
  params: Record<string, unknown>;
}

/** Calls kept by default for GET /_sim/calls and `calls`. */
export const CALL_LOG_SIZE = 5000;

/** The last calls the simulator answered, oldest first, at most `size` of them. */
export class CallLog {
  readonly calls: CallRecord[] = [];

  constructor(private readonly size = CALL_LOG_SIZE) {}

  record(call: CallRecord): void {
    this.calls.push(call);
    if (this.calls.length > this.size) this.calls.splice(0, this.calls.length - this.size);
  }

  clear(): void {
    this.calls.length = 0;
  }
}
