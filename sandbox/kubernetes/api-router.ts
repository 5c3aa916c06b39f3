import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, injectedFailure, methodNotAllowed, pathNotFound, unauthorized, unsupportedMediaType } from './api-error.js';
import { PATCH_CONTENT_TYPES } from './apply-patch.js';
import { reviewSelfAccess } from './access-review.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION, servedGroupVersion } from './discovery.js';
import type { FaultInjector } from './fault-injector.js';
import { parseFieldSelector } from './field-selector.js';
import { decodeAccessReviewProtobuf, PROTOBUF } from './access-review-protobuf.js';
import { mediaType, readBodyBytes, sendError, sendJson, sendText } from './http-io.js';
import type { Pod } from './kube-types.js';
import { parseLabelSelector } from './label-selector.js';
import { readPodLog, type LogSource } from './pod-log.js';
import type { ResourceHandlers } from './resource-handlers.js';
import { apiVersionOf, findResource, type ResourceDefinition } from './resource-registry.js';
import type { RbacAuthorizer, ResourceAttributes } from './rbac-rules.js';
import type { ScaleSubresource } from './scale-subresource.js';
import type { WatchHub } from './watch-hub.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
}

export interface ApiRouterDeps {
  token: string;
  allowAnonymous: boolean;
  handlers: ResourceHandlers;
  scale: ScaleSubresource;
  watches: WatchHub;
  faults: FaultInjector;
  logs: LogSource;
  rbac: RbacAuthorizer;
  record(request: RecordedRequest): void;
  /** Aborted on close so injected delays never hold the process open. */
  signal: AbortSignal;
}

interface ResourcePath {
  def: ResourceDefinition;
  namespace?: string;
  name?: string;
  sub?: string;
}

const JSON_TYPES = new Set(['', 'application/json']);
const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

function parseResourcePath(group: string, version: string, segments: string[]): ResourcePath | undefined {
  const [first, second, third, fourth, fifth, ...more] = segments;
  const find = (resource: string) => {
    const def = findResource(group, resource);
    return def?.version === version ? def : undefined;
  };
  const namespacedDef = first === 'namespaces' && third !== undefined ? find(third) : undefined;
  if (namespacedDef?.namespaced && second) {
    if (more.length > 0) return undefined;
    return { def: namespacedDef, namespace: second, name: fourth, sub: fifth };
  }
  const def = first ? find(first) : undefined;
  if (!def || fourth !== undefined) return undefined;
  if (def.namespaced && second !== undefined) return undefined;
  return { def, name: second, sub: third };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function tokenMatches(header: string, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1]);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Request pipeline: read, record, inject faults, authenticate, route. */
export function createApiRouter(deps: ApiRouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      if (res.destroyed) return;
      const apiError =
        err instanceof ApiError
          ? err
          : new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
      sendError(res, apiError);
    });
  };
}

async function handle(deps: ApiRouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const bytes = await readBodyBytes(req);
  const raw = bytes.toString('utf8');
  const contentType = mediaType(req.headers['content-type']);
  let body: unknown;
  let bodyIsJson = false;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
      bodyIsJson = true;
    } catch {
      body = raw;
    }
  }
  deps.record({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), contentType, body });

  const fault = deps.faults.take(method, url.pathname + url.search);
  if (fault?.delayMs) await sleep(fault.delayMs, deps.signal);
  if (fault?.resetConnection) {
    req.socket.destroy();
    return;
  }
  if (fault?.status) throw injectedFailure(fault.status);

  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  if (HEALTH.has(path)) return sendText(res, 200, 'ok');
  // Like a cluster's system:public-info-viewer role, /version needs no credentials; wrong ones still fail.
  const auth = req.headers.authorization;
  const authenticated = auth === undefined ? deps.allowAnonymous : tokenMatches(auth, deps.token);
  if (!authenticated && !(auth === undefined && method === 'GET' && path === '/version')) throw unauthorized();

  if (method === 'GET') {
    const doc = discoveryDocument(path, req.headers.host ?? '127.0.0.1');
    if (doc) return sendJson(res, 200, doc);
  }
  let group: string;
  let version: string;
  let rest: string;
  const named = /^\/apis\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  if (path.startsWith('/api/v1/')) [group, version, rest] = ['', 'v1', path.slice('/api/v1/'.length)];
  else if (named && servedGroupVersion(named[1] ?? '', named[2] ?? '')) [group, version, rest] = [named[1] ?? '', named[2] ?? '', named[3] ?? ''];
  else throw pathNotFound();
  if (group === 'authorization.k8s.io' && rest === 'selfsubjectaccessreviews') {
    if (method !== 'POST') throw methodNotAllowed();
    // kubectl sends built-in kinds as protobuf (and accepts JSON back).
    return sendJson(res, 201, reviewSelfAccess(deps.rbac, contentType === PROTOBUF ? decodeAccessReviewProtobuf(bytes) : body));
  }
  const target = parseResourcePath(group, version, rest.split('/').map(decodeURIComponent));
  if (!target) throw pathNotFound();
  deps.rbac.check(requestAttributes(method, target, url.searchParams));
  const bodyTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
  if (method === 'PATCH' && !(PATCH_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw unsupportedMediaType(contentType, [...PATCH_CONTENT_TYPES]);
  }
  if ((method === 'POST' || method === 'PUT') && !JSON_TYPES.has(contentType)) throw unsupportedMediaType(contentType, bodyTypes);
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && raw.length > 0 && !bodyIsJson) {
    throw badRequest('the body of the request is not valid JSON');
  }
  route(deps, method, target, url.searchParams, contentType, body, res);
}

/** The RBAC verb and resource of a request, as the API server's request-info resolver derives them. */
function requestAttributes(method: string, target: ResourcePath, query: URLSearchParams): ResourceAttributes {
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const verbs: Record<string, string> = {
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: target.name === undefined ? 'deletecollection' : 'delete',
  };
  const verb = method === 'GET' ? (target.name === undefined ? (watch ? 'watch' : 'list') : 'get') : (verbs[method] ?? method.toLowerCase());
  return {
    verb,
    group: target.def.group,
    resource: target.def.resource,
    ...(target.sub ? { subresource: target.sub } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
    ...(target.name ? { name: target.name } : {}),
  };
}

function discoveryDocument(path: string, host: string): unknown {
  const named = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (named?.[1] && named[2] === undefined) return apiGroup(named[1]);
  if (named?.[1] && named[2] && servedGroupVersion(named[1], named[2])) return apiResourceList(named[1], named[2]);
  switch (path) {
    case '/version':
      return SERVER_VERSION;
    case '/api':
      return apiVersions(host);
    case '/apis':
      return apiGroupList();
    case '/api/v1':
      return apiResourceList('');
    default:
      return undefined;
  }
}

function route(
  deps: ApiRouterDeps,
  method: string,
  target: ResourcePath,
  query: URLSearchParams,
  contentType: string,
  body: unknown,
  res: ServerResponse,
): void {
  const { def, namespace, name, sub } = target;
  const { handlers } = deps;
  if (name === undefined) {
    if (method === 'GET') {
      const watch = query.get('watch');
      if (watch === 'true' || watch === '1') return serveWatch(deps, def, namespace, query, res);
      return sendJson(res, 200, handlers.list(def, namespace, query));
    }
    if (method === 'POST' && (namespace !== undefined || !def.namespaced)) return sendJson(res, 201, handlers.create(def, namespace, body, query));
    throw methodNotAllowed();
  }
  if (sub === undefined) {
    if (method === 'GET') return sendJson(res, 200, handlers.get(def, namespace, name));
    if (method === 'PUT') return sendJson(res, 200, handlers.replace(def, namespace, name, body, query));
    if (method === 'PATCH') return sendJson(res, 200, handlers.patch(def, namespace, name, contentType, body, query));
    if (method === 'DELETE') return sendJson(res, 200, handlers.delete(def, namespace, name, query, body));
    throw methodNotAllowed();
  }
  if (sub === 'status' && def.hasStatus) {
    if (method === 'GET') return sendJson(res, 200, handlers.get(def, namespace, name));
    if (method === 'PUT') return sendJson(res, 200, handlers.writeStatus(def, namespace, name, undefined, body, query));
    if (method === 'PATCH') return sendJson(res, 200, handlers.writeStatus(def, namespace, name, contentType, body, query));
    throw methodNotAllowed();
  }
  if (sub === 'scale' && def.subresources.some((s) => s.name === 'scale')) {
    if (method === 'GET') return sendJson(res, 200, deps.scale.get(def, namespace, name));
    if (method === 'PUT') return sendJson(res, 200, deps.scale.update(def, namespace, name, undefined, body, query));
    if (method === 'PATCH') return sendJson(res, 200, deps.scale.update(def, namespace, name, contentType, body, query));
    throw methodNotAllowed();
  }
  if (sub === 'log' && def.resource === 'pods') {
    if (method !== 'GET') throw methodNotAllowed();
    return sendText(res, 200, readPodLog(handlers.get(def, namespace, name) as Pod, query, deps.logs));
  }
  throw pathNotFound();
}

function serveWatch(deps: ApiRouterDeps, def: ResourceDefinition, namespace: string | undefined, query: URLSearchParams, res: ServerResponse): void {
  const rv = query.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const timeout = query.get('timeoutSeconds');
  const timeoutSeconds = timeout === null ? undefined : Number(timeout);
  if (timeoutSeconds !== undefined && (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0))
    throw badRequest(`invalid timeoutSeconds: ${timeout}`);
  deps.watches.serve(res, {
    resource: def.resource,
    kind: def.kind,
    apiVersion: apiVersionOf(def),
    namespace,
    labels: parseLabelSelector(query.get('labelSelector')),
    fields: parseFieldSelector(query.get('fieldSelector'), def.fieldSelectors),
    resourceVersion: rv,
    sendInitialEvents: query.get('sendInitialEvents') === 'true',
    allowBookmarks: query.get('allowWatchBookmarks') === 'true',
    timeoutSeconds,
  });
}
