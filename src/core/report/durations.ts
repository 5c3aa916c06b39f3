// Durations and instants as people read them in an incident: "1m 52s", "2h 15m", "10:42:07 UTC".

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const negative = ms < 0;
  const abs = Math.abs(ms);
  let text: string;
  if (abs < 10_000) text = `${(abs / 1000).toFixed(1)}s`;
  else if (abs < 60_000) text = `${Math.round(abs / 1000)}s`;
  else if (abs < 3_600_000) {
    const s = Math.round(abs / 1000);
    text = `${Math.floor(s / 60)}m ${s % 60}s`;
  } else if (abs < 86_400_000) {
    const m = Math.round(abs / 60_000);
    text = `${Math.floor(m / 60)}h ${m % 60}m`;
  } else {
    const h = Math.round(abs / 3_600_000);
    text = `${Math.floor(h / 24)}d ${h % 24}h`;
  }
  return negative ? `-${text}` : text;
}

/** Milliseconds from `from` to `to` (ISO strings); undefined when either is missing or unreadable. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : b - a;
}

/** `2026-11-20 10:42:07 UTC`: an incident spans time zones, so reports speak UTC. */
export function formatInstant(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `10:42:07`: for lines under a header that already gives the date. */
export function formatClock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(11, 19);
}
