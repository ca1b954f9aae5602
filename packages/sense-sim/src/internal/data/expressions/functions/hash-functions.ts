import { createHash } from 'node:crypto';
import type { Cell } from '../../model/loaded-model.js';
import { textCell } from '../value-ops.js';
import { type FunctionTable, fn } from './function-types.js';

/**
 * Separates the arguments before hashing, so that Hash128('ab', 'c') and Hash128('a', 'bc')
 * differ. A control character no field value of a loaded file holds.
 */
const SEPARATOR = '\u001f';

/** First character of the output alphabet: 64 consecutive ASCII characters from `!` to `` ` ``. */
const ALPHABET_START = 0x21;

/**
 * The hash text of a digest: its bits in groups of six (the last group padded with zeros), each
 * written as one of 64 consecutive printable ASCII characters from `!`. Qlik does not document its
 * algorithm nor its alphabet; its documented outputs (`Hash128('abc', 'xyz', '123')` is
 * `MA&5]6+3=:>;>G%S<U*S2+`) are 22, 27 and 43 characters drawn from exactly this range, which is
 * what 128, 160 and 256 bits take at six bits per character. The digests here are MD5, SHA-1 and
 * SHA-256 of the UTF-8 texts joined with U+001F (NULL counts as empty text): deterministic and
 * collision-resistant like Qlik's, not byte-identical to them.
 */
export function hashText(algorithm: 'md5' | 'sha1' | 'sha256', args: readonly Cell[]): string {
  const input = args.map((cell) => cell?.text ?? '').join(SEPARATOR);
  const digest = createHash(algorithm).update(input, 'utf8').digest();
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of digest) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += String.fromCharCode(ALPHABET_START + ((acc >> bits) & 63));
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += String.fromCharCode(ALPHABET_START + ((acc << (6 - bits)) & 63));
  return out;
}

/** Hash128, Hash160 and Hash256 (script and chart functions): 22, 27 and 43 characters. */
export const HASH_FUNCTIONS: FunctionTable = {
  hash128: fn(1, Number.POSITIVE_INFINITY, (args) => textCell(hashText('md5', args))),
  hash160: fn(1, Number.POSITIVE_INFINITY, (args) => textCell(hashText('sha1', args))),
  hash256: fn(1, Number.POSITIVE_INFINITY, (args) => textCell(hashText('sha256', args))),
};
