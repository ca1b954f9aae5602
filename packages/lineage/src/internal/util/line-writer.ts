import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileError } from './file-error.js';

/** Writes text to a file with backpressure (memory stays flat however much is written). Fails with `ERR_LINEAGE_OUTPUT`. */
export class LineWriter {
  readonly #file: string;
  readonly #stream: WriteStream;
  #error: Error | undefined;

  constructor(file: string) {
    this.#file = file;
    this.#stream = createWriteStream(file, { encoding: 'utf8' });
    this.#stream.on('error', (error) => {
      this.#error = error;
    });
  }

  async write(text: string): Promise<void> {
    try {
      if (this.#error) throw this.#error;
      if (!this.#stream.write(text)) await once(this.#stream, 'drain');
    } catch (error) {
      throw fileError('ERR_LINEAGE_OUTPUT', 'write', this.#file, error);
    }
  }

  async close(): Promise<void> {
    try {
      if (this.#error) throw this.#error;
      this.#stream.end();
      await once(this.#stream, 'finish');
    } catch (error) {
      throw fileError('ERR_LINEAGE_OUTPUT', 'write', this.#file, error);
    }
  }
}
