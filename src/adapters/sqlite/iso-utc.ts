// Timestamps are stored in one form so that SQL can order them as text.

/** ISO-8601 UTC with milliseconds, so stored timestamps sort lexically in time order. */
export function toIsoUtc(timestamp: string, what: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new Error(`${what} is not a valid timestamp: ${JSON.stringify(timestamp)}`);
  return new Date(ms).toISOString();
}
