// docs/OPERATIONS.md stays true: its catalog examples parse, and its tables name every environment
// variable, metric and RBAC rule the code and manifests have.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';

const doc = readFileSync('docs/OPERATIONS.md', 'utf8');

describe('docs/OPERATIONS.md', () => {
  it('shows only catalogs the parser accepts (a documented key that does not exist fails here)', () => {
    const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((y) => /^services:/m.test(y));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) {
      expect(() => parseCatalog(example, 'docs/OPERATIONS.md'), example).not.toThrow();
    }
    for (const provider of ['kubernetes:', 'helm:', 'command:', 'blueGreen:', 'pagerduty:']) {
      expect(
        examples.some((e) => e.includes(provider)),
        provider,
      ).toBe(true);
    }
  });

  it('describes every environment variable the bot reads', () => {
    const source = readFileSync('src/config/env.ts', 'utf8');
    const names = [...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+): z\./gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(doc, name).toContain(`\`${name}\``);
  });

  it('names every metric', () => {
    const source = readFileSync('src/adapters/metrics/metrics.ts', 'utf8');
    const names = [...source.matchAll(/name: '(smartspec_[a-z_]+)'/g)].map((m) => m[1]!);
    expect(names).toHaveLength(6);
    for (const name of names) expect(doc, name).toContain(name);
  });

  it('has one RBAC table row per rule, with the same verbs', () => {
    const rbac = parseAllDocuments(readFileSync('deploy/kubernetes/base/rbac.yaml', 'utf8')).map(
      (d) => d.toJS() as { kind: string; rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> },
    );
    const rules = rbac.find((d) => d.kind === 'ClusterRole')!.rules!;
    for (const rule of rules) {
      for (const resource of rule.resources) {
        const group = rule.apiGroups[0] ? `${rule.apiGroups[0]}/` : '';
        expect(doc).toContain(`| \`${group}${resource}\` | ${rule.verbs.join(', ')} |`);
      }
    }
  });
});
