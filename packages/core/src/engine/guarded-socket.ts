import type { ClientOptions, RawData, WebSocket } from 'ws';
import { QixflowError } from '../errors.js';
import type { TrafficEvent } from '../logger.js';
import type { UpgradeRefusal } from './socket-errors.js';

/** How much of a refused upgrade's body is kept (the proxy's reason is one short line). */
const REFUSAL_BODY_BYTES = 2048;
/** A peer that never answers our close frame must not keep the socket (and the process) alive. */
const CLOSE_GRACE_MS = 2000;

/** What the connection learns from its socket. */
interface GuardedSocketHooks {
  /** The upgrade was refused; called before enigma.js hears of the failure. */
  refused(refusal: UpgradeRefusal): void;
  /** The server broke the protocol; the socket is being terminated. */
  protocolError(error: QixflowError): void;
  opened(): void;
  /** `wasOpen` tells a lost socket from an upgrade that never completed. */
  closed(code: number, reason: string, wasOpen: boolean): void;
}

/** Everything needed to open the engine websocket. */
export interface GuardedSocketOptions {
  url: string;
  /** The URL as logs and traffic events may show it. */
  shownUrl: string;
  Socket: new (url: string, options: ClientOptions) => WebSocket;
  clientOptions: ClientOptions;
  maxPayload: number;
  onTraffic: ((event: TrafficEvent) => void) | undefined;
  hooks: GuardedSocketHooks;
}

/** The part of a WebSocket enigma.js uses. */
interface EnigmaSocketEvents {
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { type: 'error'; message: string; error: Error }) => void) | null;
  onmessage: ((event: { data: string }) => void) | null;
}

/**
 * The websocket handed to enigma.js: a `ws` client whose incoming frames are checked before
 * enigma.js sees them. enigma.js parses frames without catching, so one invalid frame would
 * otherwise throw out of ws's event handler and crash the process; here it ends the socket with
 * `ERR_PROTOCOL` instead, and the connection's reconnect policy takes over.
 */
export class GuardedSocket implements EnigmaSocketEvents {
  onopen: EnigmaSocketEvents['onopen'] = null;
  onclose: EnigmaSocketEvents['onclose'] = null;
  onerror: EnigmaSocketEvents['onerror'] = null;
  onmessage: EnigmaSocketEvents['onmessage'] = null;
  readonly OPEN: number;
  readonly #ws: WebSocket;
  readonly #options: GuardedSocketOptions;
  #broken = false;

  constructor(options: GuardedSocketOptions) {
    this.#options = options;
    const ws = new options.Socket(options.url, { ...options.clientOptions, maxPayload: options.maxPayload });
    this.#ws = ws;
    this.OPEN = ws.OPEN;
    let wasOpen = false;
    ws.on('unexpected-response', (_req, res) => this.#readRefusal(res));
    ws.on('open', () => {
      wasOpen = true;
      options.hooks.opened();
      this.onopen?.({ type: 'open' });
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws's own protocol checks (frame too big, bad opcode, invalid UTF-8) fail the socket here.
      if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) {
        this.#breakProtocol(
          error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
            ? `a frame larger than ${options.maxPayload} bytes (limits.maxPayload)`
            : `an invalid websocket frame (${error.code})`,
        );
      }
      this.onerror?.({ type: 'error', message: error.message, error });
    });
    ws.on('close', (code: number, reason: Buffer) => {
      options.hooks.closed(code, String(reason), wasOpen);
      this.onclose?.({ code, reason: String(reason) });
    });
    ws.on('message', (data: RawData) => this.#receive(data));
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: string): void {
    this.#options.onTraffic?.({ kind: 'ws', direction: 'sent', url: this.#options.shownUrl, data });
    this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    const ws = this.#ws;
    if (ws.readyState === ws.CLOSED) return;
    ws.close(code, reason);
    setTimeout(() => {
      if (ws.readyState !== ws.CLOSED) ws.terminate();
    }, CLOSE_GRACE_MS).unref();
  }

  #receive(data: RawData): void {
    if (this.#broken) return;
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    // enigma.js parses the frame itself; parsing it here too would double the cost of every
    // answer. A frame that cannot be an object is told apart by its first character; one that
    // looks like an object but is not JSON makes enigma.js's parse throw, before it acted on it.
    if (!opensObject(text)) {
      this.#breakProtocol(frameProblem(text) ?? 'a frame that is not a JSON object');
      return;
    }
    this.#options.onTraffic?.({ kind: 'ws', direction: 'received', url: this.#options.shownUrl, data: text });
    try {
      this.onmessage?.({ data: text });
    } catch (error) {
      const problem = frameProblem(text);
      // Valid JSON: the error came from a listener, as it would without this guard.
      if (problem === undefined) throw error;
      this.#breakProtocol(problem);
    }
  }

  /** Reports the violation once, then drops the socket without waiting for the peer. */
  #breakProtocol(problem: string): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#options.hooks.protocolError(
      new QixflowError(
        'ERR_PROTOCOL',
        `the server sent ${problem} instead of a JSON-RPC message on ${this.#options.shownUrl}; the socket was closed. ` +
          'Check that host and prefix lead to a Qlik Sense proxy or engine (not another service or a broken gateway).',
        { url: this.#options.shownUrl },
      ),
    );
    this.#ws.terminate();
  }

  #readRefusal(res: NodeJS.ReadableStream & { statusCode?: number | undefined; destroy(): void }): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    // Keep the status and the proxy's short explanation (it tells an Origin refusal from a CSRF
    // one), never more than a few KiB of it, then fail the upgrade as ws would have.
    const refuse = (): void => {
      if (done) return;
      done = true;
      const body = Buffer.concat(chunks).subarray(0, REFUSAL_BODY_BYTES).toString('utf8').slice(0, 300);
      this.#options.hooks.refused({ status: res.statusCode ?? 0, body });
      res.destroy();
      this.#ws.terminate();
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= REFUSAL_BODY_BYTES) refuse();
    });
    res.on('end', refuse);
    res.on('error', refuse);
  }
}

/** Whether the first character that is not JSON whitespace opens an object. */
function opensObject(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return true; // {
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}

/** Why a text frame cannot be a JSON-RPC message, or undefined when it can. */
function frameProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the frame, which may hold anything: report only its size.
    return `a frame that is not JSON (${Buffer.byteLength(text)} bytes)`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return `a JSON frame that is ${kind}, not an object`;
  }
  return undefined;
}
