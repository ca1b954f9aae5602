import type { WebSocket } from 'ws';
import type { Engine, EngineConnectionContext } from './engine.js';

/**
 * The engine placeholder until the QIX engine lands: it sends `OnConnected` and answers
 * `EngineVersion`; every other method gets JSON-RPC `-32601`. Honest about what it is (README).
 */
export class VersionOnlyEngine implements Engine {
  readonly #version: string;
  readonly #sockets = new Set<WebSocket>();

  constructor(version: string) {
    this.#version = version;
  }

  accept(socket: WebSocket, _context: EngineConnectionContext): void {
    this.#sockets.add(socket);
    let lastVersion: string | undefined;
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('message', (data, isBinary) => {
      let request: { id?: unknown; method?: unknown; handle?: unknown; delta?: unknown };
      try {
        request = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data));
      } catch {
        send(socket, { jsonrpc: '2.0', id: null, error: { code: -32700, parameter: '', message: 'Parse error' } });
        return;
      }
      const id = request.id;
      if (request.method === 'EngineVersion' && request.handle === -1) {
        const value = { qComponentVersion: this.#version };
        if (request.delta === true) {
          const json = JSON.stringify(value);
          const patches = lastVersion === json ? [] : [{ op: 'add', path: '/', value }];
          lastVersion = json;
          send(socket, { jsonrpc: '2.0', id, delta: true, result: { qVersion: patches } });
        } else {
          send(socket, { jsonrpc: '2.0', id, result: { qVersion: value } });
        }
        return;
      }
      send(socket, {
        jsonrpc: '2.0',
        id,
        error: { code: -32601, parameter: String(request.method), message: 'Method not found' },
      });
    });
    send(socket, { jsonrpc: '2.0', method: 'OnConnected', params: { qSessionState: 'SESSION_CREATED' } });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
  }
}

function send(socket: WebSocket, frame: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
