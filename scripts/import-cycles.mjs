// Import cycles among src/ files (value imports only; `import type` is erased). Part of `npm test`:
// a cycle among the use cases once tied a run to the click that started it.
// Usage: node scripts/import-cycles.mjs <dir>   — prints each cycle, exits 1 if any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');
const files = [];
(function walk(d) {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|mts)$/.test(n) && !/\.d\.ts$/.test(n)) files.push(p);
  }
})(root);
const known = new Set(files);
const edges = new Map();
const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  const out = new Set();
  for (const m of src.matchAll(re)) {
    const stmt = m[0];
    if (/^\s*(import|export)\s*\{[^}]*\}/.test(stmt) && /\{\s*(type\s+[^,}]+\s*,?\s*)+\}/.test(stmt)) continue; // all-type braces
    const target = resolve(dirname(f), m[1]).replace(/\.js$/, '.ts');
    if (known.has(target)) out.add(target);
  }
  edges.set(f, out);
}
const cycles = [];
const state = new Map();
const stack = [];
function dfs(v) {
  state.set(v, 1);
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (state.get(w) === 1) cycles.push(stack.slice(stack.indexOf(w)).concat(w));
    else if (!state.has(w)) dfs(w);
  }
  stack.pop();
  state.set(v, 2);
}
for (const f of files) if (!state.has(f)) dfs(f);
for (const c of cycles) console.log('cycle: ' + c.map((p) => relative(process.cwd(), p)).join(' -> '));
console.log(`${cycles.length} import cycle(s) among ${files.length} files`);
process.exit(cycles.length ? 1 : 0);
