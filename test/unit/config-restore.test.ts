// Configuration with the code, table-driven: which ConfigMaps get a restore step, the key-level diff
// (secret-looking keys and values masked), and which Secrets are warnings.
import { describe, expect, it } from 'vitest';
import { configDiff, configRestore, describeChange } from '../../src/core/config-restore.js';
import type { ConfigState } from '../../src/core/model.js';
import { makeDeployment } from '../support/builders.js';

const target = makeDeployment({
  version: 'v1.2.0',
  config: {
    takenAt: '2026-11-19T09:00:00.000Z',
    configMaps: { app: { MODE: 'stable', RETRIES: '3' }, same: { A: '1' } },
    secrets: { db: 'hash-1', tls: 'hash-2' },
    skipped: [{ name: 'huge', why: '90000 bytes, more than kubernetes.configSnapshot.maxBytes 65536' }],
  },
});
const now = (o: Partial<ConfigState> = {}): ConfigState => ({
  configMaps: { app: { data: { MODE: 'turbo', RETRIES: '3', EXTRA: 'x' }, resourceVersion: '42' }, same: { data: { A: '1' }, resourceVersion: '7' } },
  secrets: { db: 'hash-1', tls: 'hash-2' },
  ...o,
});

describe('configRestore', () => {
  it('one restore step per ConfigMap that differs, carrying the resourceVersion seen', () => {
    const { steps } = configRestore(target, now(), 'web');
    expect(steps).toEqual([
      expect.objectContaining({
        kind: 'config_restore',
        configMap: 'app',
        data: { MODE: 'stable', RETRIES: '3' },
        resourceVersion: '42',
        component: 'web',
      }),
    ]);
    expect(steps[0]!.description).toContain('`EXTRA` removed (now `x`); `MODE`: `turbo` → `stable`');
  });

  it.each([
    ['a changed Secret is a warning naming it', now({ secrets: { db: 'hash-9', tls: 'hash-2' } }), 'Secret db changed since `v1.2.0` was recorded'],
    ['a Secret the bot may not read is said, not ignored', now({ secrets: { db: 'unreadable', tls: 'hash-2' } }), 'Secret db could not be compared'],
    ['a ConfigMap gone since is said', now({ configMaps: {} }), 'ConfigMap app, which `v1.2.0` ran with, does not exist now'],
    ['a ConfigMap not snapshotted is said', now(), 'ConfigMap huge was not snapshotted when `v1.2.0` was recorded (90000 bytes'],
  ])('%s', (_name, config, message) => {
    expect(
      configRestore(target, config, 'web')
        .checks.map((c) => c.message)
        .join('\n'),
    ).toContain(message);
  });

  it('nothing without a snapshot or without the current configuration', () => {
    expect(configRestore(makeDeployment(), now(), 'web')).toEqual({ steps: [], checks: [] });
    expect(configRestore(target, undefined, 'web')).toEqual({ steps: [], checks: [] });
  });
});

describe('describeChange', () => {
  it.each([
    [{ key: 'MODE', now: 'a', then: 'b' }, '`MODE`: `a` → `b`'],
    [{ key: 'DB_PASSWORD', now: 'a', then: 'b' }, '`DB_PASSWORD`: (masked) → (masked)'],
    [{ key: 'api-key', then: 'k' }, '`api-key` added back: (masked)'],
    [{ key: 'URL', now: 'postgres://u:hunter2@db/x', then: 'postgres://db/x' }, '`URL`: (masked) → (masked)'],
    [{ key: 'BANNER', now: '<!channel> `x` & <https://e.vil|click>', then: 'a\nb' }, '`BANNER`: `‹!channel› ʹxʹ ＆ ‹https://e.vil|click›` → `a b`'],
  ])('%j', (change, line) => {
    expect(describeChange(change)).toBe(line);
  });

  it('configDiff lists changed, added and removed keys in key order', () => {
    expect(configDiff({ b: '1', c: '2' }, { a: '0', b: '1', c: '3' })).toEqual([
      { key: 'a', then: '0' },
      { key: 'c', now: '2', then: '3' },
    ]);
  });
});
