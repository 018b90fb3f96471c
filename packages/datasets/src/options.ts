import { parseOptions } from '@contrastive/core';
import type * as z from 'zod/mini';

/**
 * core's `parseOptions` for a `zod/mini` schema (one cast point: core's signature is typed for
 * classic zod; both share `safeParse` and the issue format).
 */
export function parse<S extends z.ZodMiniType>(op: string, schema: S, value: unknown, argument = 'options'): z.output<S> {
  return parseOptions(op, schema as never, value, argument) as z.output<S>;
}
