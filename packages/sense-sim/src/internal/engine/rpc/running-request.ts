/** A request being processed: what CancelRequest, AbortAll and GetProgress see. */
export interface RunningRequest {
  id: number | string;
  method: string;
  handle: number;
  startedAt: number;
  controller: AbortController;
  /** Progress reported by long handlers (reload): persistent messages and script errors (qErrorData). */
  progress: { completed: number; total: number; messages: string[]; errors: Record<string, unknown>[] };
}
