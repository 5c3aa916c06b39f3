// Finds the Kubernetes API calls a directory of TypeScript sources makes: calls of any method of the
// client library's generated API classes (readNamespacedDeployment, listNamespacedPod…), and
// Watch.watch(path, …) calls whose path is a literal. The TypeScript parser, not a regex, so comments
// and strings that merely mention a method do not count.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import ts from 'typescript';

const GENERIC_API = 'KubernetesObjectApi';

export interface ApiCall {
  method: string;
  file: string;
  line: number;
  /** CustomObjectsApi calls: the `group` and `plural` of the first argument, when they are string literals. */
  group?: string;
  plural?: string;
}

export interface WatchCall {
  /** The path with `${…}` substitutions replaced by `{}`. */
  path: string;
  file: string;
  line: number;
}

export interface ApiUsage {
  calls: ApiCall[];
  watches: WatchCall[];
  /**
   * What the scan cannot map to RBAC: `.watch(` on a computed path, and any use of the generic
   * KubernetesObjectApi (its read/patch/list take the resource from the object at run time).
   */
  opaque: WatchCall[];
}

/** Every method name of every generated *Api class the library exports (AppsV1Api, CoreV1Api, VersionApi…). */
export function clientApiMethodNames(): Set<string> {
  const names = new Set<string>();
  for (const [exportName, value] of Object.entries(k8s)) {
    // KubernetesObjectApi's generic create/read/patch/replace would match String#replace and the like;
    // its use is reported as opaque instead.
    if (!/Api$/.test(exportName) || exportName === GENERIC_API || typeof value !== 'function') continue;
    const proto = (value as { prototype?: object }).prototype;
    if (!proto) continue;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && !name.endsWith('WithHttpInfo')) names.add(name);
    }
  }
  return names;
}

export function scanKubernetesApiUsage(dir: string, root = process.cwd()): ApiUsage {
  const apiMethods = clientApiMethodNames();
  const usage: ApiUsage = { calls: [], watches: [], opaque: [] };
  for (const file of typeScriptFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const where = (node: ts.Node) => ({ file: relative(root, file), line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (method === 'watch') {
          const path = literalPath(node.arguments[0]);
          if (path !== undefined) usage.watches.push({ path, ...where(node) });
          else usage.opaque.push({ path: `watch(${node.arguments[0]?.getText(source) ?? ''})`, ...where(node) });
        } else if (apiMethods.has(method)) {
          usage.calls.push({ method, ...where(node), ...literalProperties(node.arguments[0], ['group', 'plural']) });
        }
      }
      if (ts.isIdentifier(node) && node.text === GENERIC_API) usage.opaque.push({ path: GENERIC_API, ...where(node) });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return usage;
}

/** `/apis/apps/v1/namespaces/{}/deployments` → { group: 'apps', resource: 'deployments' }. */
export function resourceOfPath(path: string): { group: string; resource: string } | undefined {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts[1] && parts[2]) [group, rest] = [parts[1], parts.slice(3)];
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource, name, subresource] = rest;
  if (!resource || resource === '{}') return undefined;
  return { group, resource: name !== undefined && subresource ? `${resource}/${subresource}` : resource };
}

/** `{ group: 'argoproj.io', plural: 'rollouts', … }` → those properties whose values are string literals. */
function literalProperties(node: ts.Expression | undefined, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!node || !ts.isObjectLiteralExpression(node)) return out;
  for (const prop of node.properties) {
    if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name) || !names.includes(prop.name.text)) continue;
    if (ts.isStringLiteral(prop.initializer) || ts.isNoSubstitutionTemplateLiteral(prop.initializer)) out[prop.name.text] = prop.initializer.text;
  }
  return out;
}

function literalPath(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `{}${s.literal.text}`).join('');
  return undefined;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
