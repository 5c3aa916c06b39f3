/**
 * A kubeconfig for the emulator. Values are written as JSON strings, which YAML reads as
 * double-quoted scalars, so no value can break the document.
 */
export function buildKubeConfigYaml(server: string, token: string, contextName: string, namespace = 'default'): string {
  const q = (s: string) => JSON.stringify(s);
  const user = `${contextName}-user`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(contextName)}`,
    '  cluster:',
    `    server: ${q(server)}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${q(user)}`,
    '  user:',
    `    token: ${q(token)}`,
    'contexts:',
    `- name: ${q(contextName)}`,
    '  context:',
    `    cluster: ${q(contextName)}`,
    `    user: ${q(user)}`,
    `    namespace: ${q(namespace)}`,
    `current-context: ${q(contextName)}`,
    '',
  ].join('\n');
}
