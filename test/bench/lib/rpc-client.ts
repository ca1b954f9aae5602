import { WebSocket } from 'ws';

/** A minimal JSON-RPC client over one websocket: the load generator for engine benchmarks. */
export class RpcClient {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, (frame: Record<string, unknown>) => void>();
  #id = 0;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof frame.id === 'number') {
        const resolve = this.#pending.get(frame.id);
        this.#pending.delete(frame.id);
        resolve?.(frame);
      }
    });
  }

  static async open(url: string): Promise<RpcClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client = new RpcClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve()); // OnConnected
      ws.once('error', reject);
    });
    return client;
  }

  /** The id of the last request sent (for CancelRequest). */
  get lastId(): number {
    return this.#id;
  }

  call(handle: number, method: string, params: unknown[] = []): Promise<Record<string, unknown>> {
    this.#id += 1;
    const id = this.#id;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (frame) => (frame.error ? reject(new Error(JSON.stringify(frame.error))) : resolve(frame)));
      this.#ws.send(JSON.stringify({ jsonrpc: '2.0', id, handle, method, params }));
    });
  }

  close(): void {
    this.#ws.close();
  }
}
