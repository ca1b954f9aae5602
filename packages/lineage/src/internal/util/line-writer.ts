import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Writes text to a file with backpressure (memory stays flat however much is written). */
export class LineWriter {
  readonly #stream: WriteStream;
  #error: Error | undefined;

  constructor(file: string) {
    this.#stream = createWriteStream(file, { encoding: 'utf8' });
    this.#stream.on('error', (error) => {
      this.#error = error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.#error) throw this.#error;
    if (!this.#stream.write(text)) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.#error) throw this.#error;
    this.#stream.end();
    await once(this.#stream, 'finish');
  }
}
