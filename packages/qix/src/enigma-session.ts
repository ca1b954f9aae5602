/**
 * The part of an enigma.js session (`enigma.create(config)`) that API objects expose as `session`. Written here
 * rather than imported so that this package needs neither enigma.js nor its global `EnigmaJS` declarations.
 */
export interface EnigmaSession {
  /** Opens the websocket; resolves to the Global API object (cast it: `as Global`). */
  open(): Promise<unknown>;
  /** Closes the websocket; every API object emits `closed`. */
  close(code?: number, reason?: string): Promise<void>;
  /** Closes the websocket, keeping the API objects for `resume()`. */
  suspend(code?: number, reason?: string): Promise<void>;
  /** Reopens a suspended session and restores its API objects. */
  resume(onlyIfAttached?: boolean): Promise<void>;
  /** `opened`, `closed`, `suspended`, `resumed`, `notification:*`, `traffic:*`, … */
  on(event: string, listener: (...args: never[]) => void): void;
}
