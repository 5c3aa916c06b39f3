// Where the bot's memory goes over many rollbacks: the memory scenario with heap snapshots of the
// bot taken after the given counts, then the two last compared by constructor (bench/heap-compare.ts).
//
//   npx tsx bench/heap-profile.ts [--at 500,1000] [--dir /tmp/heap] [--node-options "--max-old-space-size=96"]
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildBot } from './build.js';
import { compareTotals, totalsByKind } from './heap-compare.js';
import { benchMemory } from './scenarios/memory.js';

const { values } = parseArgs({
  options: {
    at: { type: 'string', default: '500,1000' },
    dir: { type: 'string', default: '/tmp/smartspec-heap' },
    'node-options': { type: 'string' },
    rows: { type: 'string', default: '40' },
  },
});
const at = values.at
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
mkdirSync(values.dir, { recursive: true });
const log = (line: string) => process.stderr.write(`${line}\n`);
const entry = await buildBot();
const rows = await benchMemory(
  entry,
  {
    rollbacks: Math.max(...at),
    maxMinutes: 30,
    services: 8,
    concurrency: 4,
    heapSnapshots: { at, dir: values.dir },
    ...(values['node-options'] ? { nodeOptions: values['node-options'] } : {}),
  },
  log,
);
for (const r of rows) log(`${r.metric}: ${r.summary.p50.toFixed(1)} MB (${r.note})`);
if (at.length >= 2) {
  const [a, b] = at.slice(-2) as [number, number];
  const diff = compareTotals(totalsByKind(`${values.dir}/after-${a}.heapsnapshot`), totalsByKind(`${values.dir}/after-${b}.heapsnapshot`));
  log(`\nheap growth from ${a} to ${b} rollbacks, by constructor (self sizes):`);
  for (const row of diff.slice(0, Number(values.rows)))
    log(`${String(row.bytesDelta).padStart(12)} B ${String(row.countDelta).padStart(8)} objects  ${row.kind}`);
}
process.exit(0);
