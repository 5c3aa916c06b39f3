// Kubernetes resource quantities ("256Mi", "500m", "1.5", "2G") as numbers, so "lowered" can be told
// from "raised". Unknown spellings give undefined: then we say "changed" and claim no direction.
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

export function parseQuantity(text: string): number | undefined {
  const match = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  const factor = SUFFIX[match[2] ?? ''];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

/** -1 when `failed` is smaller than `target`, 1 when larger, 0 when equal, undefined when not comparable. */
export function compareQuantities(target: string | undefined, failed: string | undefined): -1 | 0 | 1 | undefined {
  if (target === undefined || failed === undefined) return undefined;
  const a = parseQuantity(target);
  const b = parseQuantity(failed);
  if (a === undefined || b === undefined) return undefined;
  return b < a ? -1 : b > a ? 1 : 0;
}
