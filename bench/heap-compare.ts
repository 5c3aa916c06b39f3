// Compares two V8 heap snapshots (.heapsnapshot, as `--heapsnapshot-signal` or the inspector's
// HeapProfiler write them) by constructor: how many objects of each kind, and their self size, grew
// between the two. What grows between 500 and 1,000 rollbacks is what the bot retains per rollback.
//
//   npx tsx bench/heap-compare.ts <earlier.heapsnapshot> <later.heapsnapshot> [rows]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface KindTotals {
  /** `<node type>:<constructor or name>`; strings, code and arrays are grouped by type alone. */
  kind: string;
  count: number;
  selfBytes: number;
}

const GROUPED_BY_TYPE = new Set(['string', 'concatenated string', 'sliced string', 'code', 'number', 'hidden', 'array', 'regexp']);

export function totalsByKind(path: string): Map<string, KindTotals> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map<string, KindTotals>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!] ?? '?';
    const name = GROUPED_BY_TYPE.has(type) ? '' : (snap.strings[snap.nodes[i + nameAt]!] ?? '?').slice(0, 80);
    const kind = `${type}:${name}`;
    const entry = totals.get(kind) ?? { kind, count: 0, selfBytes: 0 };
    entry.count++;
    entry.selfBytes += snap.nodes[i + sizeAt]!;
    totals.set(kind, entry);
  }
  return totals;
}

export function compareTotals(
  before: Map<string, KindTotals>,
  after: Map<string, KindTotals>,
): Array<{ kind: string; count: number; countDelta: number; bytes: number; bytesDelta: number }> {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  return [...kinds]
    .map((kind) => {
      const b = before.get(kind) ?? { count: 0, selfBytes: 0 };
      const a = after.get(kind) ?? { count: 0, selfBytes: 0 };
      return { kind, count: a.count, countDelta: a.count - b.count, bytes: a.selfBytes, bytesDelta: a.selfBytes - b.selfBytes };
    })
    .sort((x, y) => y.bytesDelta - x.bytesDelta);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [earlier, later, rows = '40'] = process.argv.slice(2);
  if (!earlier || !later) {
    process.stderr.write('usage: npx tsx bench/heap-compare.ts <earlier.heapsnapshot> <later.heapsnapshot> [rows]\n');
    process.exit(2);
  }
  const before = totalsByKind(earlier);
  const after = totalsByKind(later);
  const sum = (m: Map<string, KindTotals>) => [...m.values()].reduce((s, k) => s + k.selfBytes, 0);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
  process.stdout.write(`heap: ${mb(sum(before))} MB → ${mb(sum(after))} MB\n`);
  process.stdout.write(`${'Δ bytes'.padStart(12)} ${'Δ count'.padStart(9)} ${'count'.padStart(9)}  kind\n`);
  for (const row of compareTotals(before, after).slice(0, Number(rows))) {
    process.stdout.write(
      `${String(row.bytesDelta).padStart(12)} ${String(row.countDelta).padStart(9)} ${String(row.count).padStart(9)}  ${row.kind}\n`,
    );
  }
}
