import { badRequest } from './api-error.js';

/**
 * Just enough of the Kubernetes protobuf encoding to read the SelfSubjectAccessReview that
 * `kubectl auth can-i` sends (client-go uses protobuf for built-in kinds): the `k8s\0` envelope
 * (runtime.Unknown) and the review's spec (k8s.io/api/authorization/v1 generated.proto).
 */

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

type Fields = Map<number, Array<Buffer | number>>;

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && shift < 53; i++) {
    const byte = buf[i] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw badRequest('malformed protobuf: truncated varint');
}

function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: Buffer | number;
    if (wire === 0) [value, at] = readVarint(buf, next);
    else if (wire === 2) {
      const [length, start] = readVarint(buf, next);
      if (start + length > buf.length) throw badRequest('malformed protobuf: field runs past the end');
      value = buf.subarray(start, start + length);
      at = start + length;
    } else throw badRequest(`malformed protobuf: unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

function message(f: Fields, n: number): Fields | undefined {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
}

function text(f: Fields, n: number): string | undefined {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) && v.length > 0 ? v.toString('utf8') : undefined;
}

/** The review as the JSON object it stands for. */
export function decodeAccessReviewProtobuf(body: Buffer): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw badRequest('the protobuf body lacks the k8s envelope');
  const unknown = fields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(raw)) throw badRequest('the protobuf envelope holds no object');
  const review = fields(raw);
  const spec = message(review, 2) ?? new Map();
  const resource = message(spec, 1);
  const nonResource = message(spec, 2);
  const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
  const attrs = (f: Fields, keys: string[]) => Object.fromEntries(keys.map((k, i) => [k, text(f, i + 1)]).filter(([, v]) => v !== undefined));
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      ...(resource ? { resourceAttributes: attrs(resource, names) } : {}),
      ...(nonResource ? { nonResourceAttributes: attrs(nonResource, ['path', 'verb']) } : {}),
    },
  };
}
