// Every key path a zod object schema accepts, found by walking the schema itself: objects give their
// keys, arrays and unions are looked through, records give `<key>` for their keys. For holding a
// reference document to a parser, so a key added to one cannot go missing from the other.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Through wrappers that do not change which keys are accepted. */
const PASS_THROUGH = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** Dotted key paths, parents before children, e.g. `services.<key>.approvals.required`. */
export function zodKeyPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = defOf(schema);
  if (PASS_THROUGH.has(def.type) && def.innerType) return zodKeyPaths(def.innerType, prefix);
  if (def.type === 'pipe' && def.in) return zodKeyPaths(def.in, prefix);
  if (def.type === 'lazy' && def.getter) return zodKeyPaths(def.getter(), prefix);
  if (def.type === 'array' && def.element) return zodKeyPaths(def.element, prefix);
  if (def.type === 'union' && def.options) return [...new Set(def.options.flatMap((o) => zodKeyPaths(o, prefix)))];
  if (def.type === 'record' && def.valueType) return zodKeyPaths(def.valueType, `${prefix}<key>.`);
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape).flatMap(([key, value]) => [`${prefix}${key}`, ...zodKeyPaths(value, `${prefix}${key}.`)]);
}
