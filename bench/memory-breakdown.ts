// Where a process's resident memory is, at one moment: the kernel's split (anonymous memory versus
// file pages — mostly the node binary, shared with every Node process on the host) and V8's own
// figures from the bot's /metrics (prom-client's default metrics). What the RSS row's note says.
import { readFileSync } from 'node:fs';

const MB = 1024 * 1024;

export interface MemoryBreakdown {
  rssMb: number;
  anonymousMb: number;
  filePagesMb: number;
  heapTotalMb?: number;
  heapUsedMb?: number;
  externalMb?: number;
}

export async function memoryBreakdown(pid: number, metricsUrl: string): Promise<MemoryBreakdown | undefined> {
  let rollup: string;
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return undefined; // not Linux
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN) / 1024;
  const rssMb = kb('Rss');
  const anonymousMb = kb('Anonymous');
  const metrics = await fetch(metricsUrl).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  const gauge = (name: string) => {
    const value = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(metrics)?.[1];
    return value === undefined ? undefined : Number(value) / MB;
  };
  return {
    rssMb,
    anonymousMb,
    filePagesMb: rssMb - anonymousMb,
    heapTotalMb: gauge('nodejs_heap_size_total_bytes'),
    heapUsedMb: gauge('nodejs_heap_size_used_bytes'),
    externalMb: gauge('nodejs_external_memory_bytes'),
  };
}

export function describeBreakdown(b: MemoryBreakdown | undefined): string {
  if (!b) return '';
  const v8 =
    b.heapTotalMb === undefined
      ? ''
      : `; V8 heap ${b.heapTotalMb.toFixed(1)} MB committed (${b.heapUsedMb?.toFixed(1)} used), external ${b.externalMb?.toFixed(1)} MB`;
  return `at the end: ${b.anonymousMb.toFixed(1)} MB anonymous + ${b.filePagesMb.toFixed(1)} MB file pages (the node binary, shared)${v8}`;
}
