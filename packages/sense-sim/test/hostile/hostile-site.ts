import type { SimSiteFixture } from '../../src/index.js';

/** The id of the one app of {@link hostileSite}. */
export const HOSTILE_APP = '0c7f2a1e-5b3d-4e8f-9a6b-1d2c3e4f5a6b';

/**
 * A site whose app has a field with a long run of 'a' (the text an adversarial wildcard pattern
 * backtracks over) next to ordinary values.
 */
export function hostileSite(): SimSiteFixture {
  return {
    name: 'hostile',
    apps: [
      {
        id: HOSTILE_APP,
        name: 'Hostile',
        script: `Names:\nLOAD * INLINE [\nName\nalpha\nAlpha\nbeta\n${'a'.repeat(5_000)}\n];\n`,
      },
    ],
  };
}
