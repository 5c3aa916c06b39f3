// docs/OPERATIONS.md's catalog reference names every key the catalog parser accepts, and nothing
// else: the key paths come from the zod schema itself, so adding a key to one and not the other
// fails here, naming the key.
//
// A key is documented by a table row whose first cell names it (`approvals.required`), or, for keys
// nested in a documented block, by naming them in backticks in that block's row or in its
// **`block`** paragraph (`kubernetes` … `blueGreen` (optional `{ service, label }` …)).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogSchema } from '../../src/config/catalog.js';
import { zodKeyPaths } from '../support/zod-key-paths.js';

const DOC = 'docs/OPERATIONS.md';
const SERVICE_PREFIX = 'services.<key>.';

/** Section 3 up to its first subsection: the subsections' tables (safety checks, …) are not catalog keys. */
function catalogSection(): string {
  const text = readFileSync(DOC, 'utf8');
  const start = text.search(/^## \d+\. Catalog reference/m);
  if (start === -1) throw new Error(`${DOC} has no "## N. Catalog reference" section`);
  const end = text.slice(start + 1).search(/^##/m);
  return end === -1 ? text.slice(start) : text.slice(start, start + 1 + end);
}

/** Documented blocks: key → the text of its table row(s) and **`key`** paragraph(s). */
function documentedBlocks(section: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const add = (key: string, text: string) => blocks.set(key, `${blocks.get(key) ?? ''}\n${text}`);
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    // The first cell ends at the first unescaped " | ".
    const firstCell = line.slice(1).split(/(?<!\\) \| /)[0] ?? '';
    for (const m of firstCell.matchAll(/`([^`]+)`/g)) add(m[1]!, line);
  }
  for (const paragraph of section.split(/\n\s*\n/)) {
    const m = /^\*\*`([^`]+)`\*\*/.exec(paragraph.trim());
    if (m) add(m[1]!, paragraph);
  }
  return blocks;
}

/** Words inside backtick spans: `{ name, kind, query }` names name, kind and query. */
function backtickedWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const m of text.matchAll(/`([^`]+)`/g)) for (const w of m[1]!.split(/[^A-Za-z0-9_]+/)) if (w) words.add(w);
  return words;
}

/** Why the key is not documented, or undefined when it is. */
function missingFromReference(path: string, blocks: Map<string, string>, table: string): string | undefined {
  if (blocks.has(path) || [...blocks.keys()].some((k) => k.startsWith(`${path}.`))) return undefined;
  const segments = path.split('.');
  for (let i = segments.length - 1; i >= 1; i--) {
    const block = segments.slice(0, i).join('.');
    const text = blocks.get(block);
    if (text === undefined) continue;
    const words = backtickedWords(text);
    const unnamed = segments.slice(i).filter((s) => !words.has(s));
    if (unnamed.length === 0) return undefined;
    return `\`${path}\`: name ${unnamed.map((s) => `\`${s}\``).join(', ')} in backticks in the \`${block}\` row or the **\`${block}\`** paragraph`;
  }
  return `\`${path}\`: add a row whose first cell is \`${path}\` (then default, meaning) to the ${table} table`;
}

/** One line per undocumented key; a key whose parent is undocumented too is folded into the parent's line. */
function missingKeys(paths: string[], blocks: Map<string, string>, table: string): string[] {
  const undocumented = paths.filter((p) => missingFromReference(p, blocks, table) !== undefined);
  const tops = undocumented.filter((p) => !undocumented.some((q) => p.startsWith(`${q}.`)));
  return tops.map((top) => {
    const children = undocumented.filter((p) => p.startsWith(`${top}.`)).map((p) => p.slice(top.length + 1));
    const line = missingFromReference(top, blocks, table) ?? '';
    return children.length === 0
      ? line
      : `${line}, and name its keys ${children.map((c) => `\`${c}\``).join(', ')} in backticks in that row or in a **\`${top}\`** paragraph`;
  });
}

describe(`${DOC} catalog reference`, () => {
  const section = catalogSection();
  const blocks = documentedBlocks(section);
  const paths = zodKeyPaths(catalogSchema).filter((p) => p !== 'services');
  const servicePaths = paths.filter((p) => p.startsWith(SERVICE_PREFIX)).map((p) => p.slice(SERVICE_PREFIX.length));
  const topLevelPaths = paths.filter((p) => !p.startsWith('services.'));

  it('reads the schema: the walk finds keys at every level', () => {
    expect(servicePaths).toEqual(
      expect.arrayContaining(['environment', 'approvals.required', 'kubernetes.blueGreen.label', 'verification.http.status']),
    );
    expect(topLevelPaths).toEqual(expect.arrayContaining(['requireReasonIn', 'apiTokens.sha256']));
  });

  it('documents every key the parser accepts', () => {
    const missing = [
      ...missingKeys(servicePaths, blocks, 'per-service'),
      ...missingKeys(topLevelPaths, blocks, 'top-level ("Top-level keys next to `services`")'),
    ];
    expect(
      missing,
      `${DOC} section "Catalog reference" does not document ${missing.length} key(s) the parser (src/config/catalog.ts, catalog-sections.ts) accepts:\n  ${missing.join('\n  ')}\n`,
    ).toEqual([]);
  });

  it('documents no key the parser refuses', () => {
    const accepted = new Set([...servicePaths, ...topLevelPaths]);
    const stale = [...blocks.keys()].filter((k) => !accepted.has(k));
    expect(stale, `${DOC} documents catalog keys the parser does not accept (remove or rename them): ${stale.join(', ')}`).toEqual([]);
  });

  it('tells exactly what to add for a missing key', () => {
    const sample = documentedBlocks(
      '| `approvals.required` | `1` | approvals |\n\n**`kubernetes`** — `namespace` (required); `blueGreen` (optional `{ service }`)',
    );
    expect(missingFromReference('approvals.required', sample, 'per-service')).toBeUndefined();
    expect(missingFromReference('kubernetes.blueGreen.service', sample, 'per-service')).toBeUndefined();
    expect(missingFromReference('kubernetes.blueGreen.label', sample, 'per-service')).toBe(
      '`kubernetes.blueGreen.label`: name `label` in backticks in the `kubernetes` row or the **`kubernetes`** paragraph',
    );
    expect(missingFromReference('approvals.maxAutoRisk', sample, 'per-service')).toBe(
      '`approvals.maxAutoRisk`: add a row whose first cell is `approvals.maxAutoRisk` (then default, meaning) to the per-service table',
    );
  });
});
