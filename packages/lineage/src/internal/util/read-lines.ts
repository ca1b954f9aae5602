import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The lines of a text file, streamed. */
export async function* readLines(file: string): AsyncGenerator<string, void, undefined> {
  const rl = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of rl) if (line !== '') yield line;
  } finally {
    rl.close();
  }
}
