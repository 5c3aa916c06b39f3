import { createHash } from 'node:crypto';
import { canonicalJson, deepClone } from './json-value.js';
import type { PodTemplateSpec } from './kube-types.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

// The alphabet Kubernetes uses for generated name suffixes: no vowels, so no words.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length] ?? 'b';
  return out;
}

/** A 5-character generated-name suffix (like `web-7d4b9c-x2kqz`), derived from a seed for repeatability. */
export function nameSuffix(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < 5; i++) out += SAFE_ALPHABET[(bytes[i] ?? 0) % SAFE_ALPHABET.length] ?? 'b';
  return out;
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

// Stored templates never change (the store replaces objects), so their canonical text is cached.
const canonicalCache = new WeakMap<PodTemplateSpec, string>();

function canonicalTemplate(template: PodTemplateSpec): string {
  let text = canonicalCache.get(template);
  if (text === undefined) {
    text = canonicalJson(withoutHashLabel(template));
    canonicalCache.set(template, text);
  }
  return text;
}

export function withoutHashLabel(template: PodTemplateSpec): PodTemplateSpec {
  const copy = deepClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/**
 * Like the controller's ComputeHash: FNV-32a over the template (without its own hash label),
 * rendered in the safe alphabet. Our serialisation is canonical JSON rather than Go's
 * spew dump, so values differ from a real cluster's but are just as stable.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  const text = canonicalJson(withoutHashLabel(template)) + (collisionCount > 0 ? `#${collisionCount}` : '');
  return safeEncode(String(fnv32a(text)));
}

/** HashControllerRevision: FNV-32a over the revision's data (plus the collision count), in the safe alphabet. */
export function textHash(text: string, collisionCount = 0): string {
  return safeEncode(String(fnv32a(text + (collisionCount > 0 ? `#${collisionCount}` : ''))));
}

/** EqualIgnoreHash: the test the controller uses to find the ReplicaSet of a template. */
export function templatesEqual(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalTemplate(a) === canonicalTemplate(b);
}
