// One row per figure, the table printed to the terminal, and bench/results.json (the same rows).
import { writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine.js';
import type { Summary } from './stats.js';

export interface Row {
  id: string;
  metric: string;
  unit: 'ms' | 'MB' | 'x' | '/s';
  summary: Summary;
  /** The target, as text; empty when there is none. */
  target: string;
  /** Met, missed, or '' when a target does not apply to this row (compared on the figure the target names). */
  verdict: 'met' | 'missed' | '';
  note: string;
  /** The measured values themselves (rounded to 0.1), for anyone who wants more than three percentiles. */
  samples?: number[];
}

export interface BenchResults {
  machine: MachineInfo;
  startedAt: string;
  durationSeconds: number;
  settings: Record<string, unknown>;
  rows: Row[];
}

export function renderTable(results: BenchResults): string {
  const m = results.machine;
  const header = ['metric', 'n', 'p50', 'p99', 'max', 'target', '', 'note'];
  const lines = results.rows.map((r) => [
    r.metric,
    String(r.summary.n),
    fmt(r.summary.p50, r.unit),
    fmt(r.summary.p99, r.unit),
    fmt(r.summary.max, r.unit),
    r.target,
    r.verdict,
    r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; 1-min load ${m.loadAtStart} at start, ${m.loadAtEnd ?? '?'} at end.`,
    `Started ${results.startedAt}, took ${Math.round(results.durationSeconds)} s.`,
    '',
    row(header),
    row(widths.map((w) => '-'.repeat(w))),
    ...lines.map(row),
  ].join('\n');
}

export function writeResults(path: string, results: BenchResults): void {
  const rows = results.rows.map((r) => (r.samples ? { ...r, samples: r.samples.map((v) => Math.round(v * 10) / 10) } : r));
  writeFileSync(path, `${JSON.stringify({ ...results, rows }, null, 2)}\n`);
}

function fmt(value: number, unit: Row['unit']): string {
  if (Number.isNaN(value)) return '—';
  if (unit === 'x') return `${value.toFixed(2)}×`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === '/s') return `${value.toFixed(1)}/s`;
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}
