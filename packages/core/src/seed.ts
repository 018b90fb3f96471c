import * as z from 'zod/mini';

/**
 * A seed: any finite number or a string (hashed by `createRng`). Same seed ⇒ same numbers, on the
 * same backend. Every seeded factory of the libraries takes it as `seed` (default 0).
 */
export const seedSchema = z.union([z.number(), z.string()]);
/** A seed: any finite number or a string (hashed by `createRng`); the output type of `seedSchema`. */
export type Seed = z.output<typeof seedSchema>;
