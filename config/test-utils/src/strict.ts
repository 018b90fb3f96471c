/**
 * Every object schema reachable from `schema` (through defaults, optionals, unions, arrays,
 * records, pipes and object fields) that is not strict, i.e. would silently drop an unknown key,
 * as key paths (`'' ` for the root). Works on zod 4 schemas (classic and mini) by their `_zod.def`,
 * so the test utilities need no zod dependency.
 */
export function nonStrictObjects(schema: unknown, path = '', seen = new Set<unknown>()): string[] {
  const def = (schema as { _zod?: { def?: Record<string, unknown> & { type: string } } } | undefined)?._zod?.def;
  if (!def || seen.has(schema)) return [];
  seen.add(schema);
  const out: string[] = [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (def.type === 'object') {
    const catchall = (def.catchall as { _zod?: { def?: { type: string } } } | undefined)?._zod?.def?.type;
    if (catchall !== 'never') out.push(path);
    for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) out.push(...nonStrictObjects(value, at(key), seen));
  }
  for (const key of ['innerType', 'in', 'out', 'element', 'valueType'] as const) {
    if (key in def) out.push(...nonStrictObjects(def[key], key === 'element' || key === 'valueType' ? at('*') : path, seen));
  }
  if (Array.isArray(def.options)) for (const o of def.options) out.push(...nonStrictObjects(o, path, seen));
  if (Array.isArray(def.items)) def.items.forEach((o, i) => out.push(...nonStrictObjects(o, at(String(i)), seen)));
  return out;
}

/** `nonStrictObjects` of every export named `…Schema` of a module: `{ exportName: paths }` for the offenders. */
export function nonStrictSchemas(module: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(module)) {
    if (!name.endsWith('Schema')) continue;
    const paths = nonStrictObjects(value);
    if (paths.length > 0) out[name] = paths;
  }
  return out;
}
