/** metav1.Time: RFC 3339 with whole seconds, as the API server serialises timestamps. */
let cachedSecond = NaN;
let cachedText = '';

export function kubeTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Controllers format "now" many times per tick; one cached second saves most of the work.
  if (second === cachedSecond) return cachedText;
  const text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  cachedSecond = second;
  cachedText = text;
  return text;
}

/** metav1.MicroTime, used by the few fields that need sub-second precision. */
export function kubeMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}
