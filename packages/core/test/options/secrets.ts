import { expect } from 'vitest';

/** Secret values used across the options tests: none of them may ever appear in a message. */
export const SECRET_PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7SECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n';
export const SECRET_PASSPHRASE = 'hunter2-passphrase';
export const SECRET_COOKIE = 'X-Qlik-Session-jwt=s3cr3t-cookie-value';

const FRAGMENTS = ['SECRETKEYMATERIAL', 'BEGIN PRIVATE KEY', SECRET_PASSPHRASE, 's3cr3t-cookie-value'];

/** Asserts that no secret (nor a telltale part of one) is in the messages, causes included. */
export function expectNoSecrets(messages: readonly string[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    for (const fragment of FRAGMENTS) expect(message).not.toContain(fragment);
  }
}

/** The message of an error and of its causes. */
export function messagesOf(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    out.push(current.message, String(current.stack));
    current = current.cause;
  }
  return out;
}

/** Runs `fn`, expecting it to throw; returns the error. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
