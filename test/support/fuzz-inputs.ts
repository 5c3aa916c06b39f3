// Random inputs shaped like what the bot is sent from outside: slash-command texts built from the
// command's own vocabulary plus hostile pieces, button values, and PagerDuty webhook and deployment
// bodies mutated from valid ones (a field removed, retyped, grown huge, nested deep). Mostly almost
// right, because that is where parsers break; sometimes plain garbage. Ids never name a real
// deployment (they start with `fz`), so nothing a fuzzer sends can plan a real rollback.
import type { Prng } from './prng.js';

/** Put inside values (never keys): an error that echoes input would show it. */
export const ECHO_MARKER = 'QQECHOQQ';

const FLAGS = [
  '--failed-deployment-id',
  '--target-version',
  '--reason',
  '--dry-run',
  '--auto-approve',
  '--component',
  '--environment',
  '--force',
  '--',
  '-',
  '---failed-deployment-id',
  '--FAILED-DEPLOYMENT-ID',
  '—failed-deployment-id',
];
const WORDS = ['help', 'status', 'history', 'checkout', 'rollback', 'undo', 'production', 'true', 'null', '0'];
const HOSTILE = [
  '`',
  '``',
  '```',
  '<!channel>',
  '<@U0APPROVE>',
  '<https://evil.example|click>',
  '*bold*',
  '_x_',
  '~',
  '>',
  '&amp;',
  '\u0000',
  '\u0007',
  '\u202e',
  '\ufeff',
  '\u00a0',
  '\t',
  '\r\n',
  '\n',
  '🔥',
  '𝔁',
  'é',
  '日本',
  '$(reboot)',
  ';rm -rf /',
  '../../etc/passwd',
  '%00',
  '%s%s%n',
  '{{7*7}}',
  '${process.env}',
  '__proto__',
  'constructor',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '=',
  '==',
  ' = ',
  '\\',
  '\\"',
];
const QUOTES: Array<[string, string]> = [
  ['"', '"'],
  ['“', '”'],
  ['‘', '’'],
  ["'", "'"],
  ['"', '”'],
  ['“', '"'],
  ['"', ''],
];

function fuzzId(prng: Prng): string {
  const shape = prng.int(0, 9);
  if (shape <= 4) return `fz-${prng.int(0, 1e6)}`;
  if (shape === 5) return `fz${'x'.repeat(prng.int(120, 140))}`;
  if (shape === 6) return `fz.${prng.pick(['@', '/', ':', '+', '_', '-'])}${prng.int(0, 99)}`;
  if (shape === 7) return `fz${prng.pick(HOSTILE)}${prng.int(0, 9)}`;
  if (shape === 8) return '';
  return `rb-${Array.from({ length: 12 }, () => prng.pick([...'abcdefghijkmnpqrstuvwxyz23456789'])).join('')}`;
}

function piece(prng: Prng): string {
  const roll = prng.int(0, 99);
  if (roll < 30) return prng.pick(FLAGS);
  if (roll < 50) return fuzzId(prng);
  if (roll < 62) return prng.pick(WORDS);
  if (roll < 78) return prng.pick(HOSTILE);
  if (roll < 86) {
    const [open, close] = prng.pick(QUOTES);
    return `${open}${Array.from({ length: prng.int(0, 4) }, () => prng.pick([...WORDS, ...HOSTILE, ECHO_MARKER])).join(' ')}${close}`;
  }
  if (roll < 92) return `${prng.pick(FLAGS)}=${prng.chance(0.5) ? fuzzId(prng) : prng.pick(HOSTILE)}`;
  if (roll < 96) return 'x'.repeat(prng.pick([200, 501, 3000, 4000]));
  return String.fromCharCode(...Array.from({ length: prng.int(1, 8) }, () => prng.int(0, 0xffff)));
}

export function randomSlashText(prng: Prng): string {
  const separator = () => prng.pick([' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', '', '\u3000']);
  const words = Array.from({ length: prng.int(0, 10) }, () => piece(prng));
  return words
    .map((w) => w + separator())
    .join('')
    .slice(0, prng.chance(0.05) ? 20_000 : 4_000);
}

export function randomButtonValue(prng: Prng): string {
  const roll = prng.int(0, 9);
  if (roll < 5) return fuzzId(prng);
  if (roll === 5) return 'x'.repeat(prng.int(1, 2000));
  if (roll === 6) return JSON.stringify({ runId: fuzzId(prng), approve: true });
  if (roll === 7) return prng.pick(HOSTILE) + fuzzId(prng);
  return randomSlashText(prng).slice(0, 2000);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A random JSON value: scalars, deep nesting, big strings, the marker. */
export function randomJson(prng: Prng, depth = 0): Json {
  const roll = prng.int(0, depth > 3 ? 5 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return prng.chance(0.5);
    case 2:
      return prng.pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2]);
    case 3:
      return prng.pick([...WORDS, ...HOSTILE]);
    case 4:
      return ECHO_MARKER + fuzzId(prng);
    case 5:
      return 'y'.repeat(prng.pick([0, 1, 1025, 70_000]));
    case 6:
    case 7:
      return Array.from({ length: prng.int(0, 4) }, () => randomJson(prng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: prng.int(0, 4) }, () => [
          prng.pick(['id', 'event', 'data', 'type', fuzzId(prng), '__proto__']),
          randomJson(prng, depth + 1),
        ]),
      );
  }
}

/** A copy of `value` with one to four random changes somewhere inside. */
export function mutate(prng: Prng, value: Json): Json {
  let out = structuredClone(value);
  for (let n = prng.int(1, 4); n > 0; n--) out = mutateOnce(prng, out);
  return out;
}

function mutateOnce(prng: Prng, value: Json): Json {
  if (value === null || typeof value !== 'object' || prng.chance(0.15)) return randomJson(prng);
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  if (keys.length === 0 || prng.chance(0.1)) {
    if (Array.isArray(value)) value.push(randomJson(prng));
    else value[prng.pick(['extra', fuzzId(prng), 'id', 'type'])] = randomJson(prng);
    return value;
  }
  const key = prng.pick(keys as Array<string | number>);
  const container = value as Record<string | number, Json>;
  const roll = prng.int(0, 9);
  if (roll < 2 && !Array.isArray(value)) delete container[key];
  else if (roll < 7) container[key] = mutateOnce(prng, container[key] ?? null);
  else container[key] = randomJson(prng);
  return value;
}

/** A valid incident.triggered body to mutate (its service is not mapped in the test catalogs). */
export function incidentWebhookSeed(prng: Prng): Json {
  return {
    event: {
      id: `fz-evt-${prng.int(0, 1e9)}`,
      event_type: prng.pick(['incident.triggered', 'incident.acknowledged', 'incident.resolved', 'incident.annotated', 'pagey.ping']),
      resource_type: 'incident',
      occurred_at: '2026-11-20T11:00:00Z',
      agent: null,
      client: null,
      data: {
        id: 'PFUZZ01',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/PFUZZ01',
        html_url: 'https://acme.pagerduty.com/incidents/PFUZZ01',
        number: 7,
        status: 'triggered',
        title: `fuzzed incident ${ECHO_MARKER}`,
        urgency: 'high',
        service: { id: 'PFUZZSVC', summary: 'not in any catalog', type: 'service_reference' },
        assignees: [],
        teams: [],
        priority: null,
      },
    },
  };
}

/** A valid deployment record to mutate (for service `checkout` of the test catalog, under a fuzz id). */
export function deploymentSeed(prng: Prng): Json {
  return {
    id: `fz-deploy-${prng.int(0, 1e9)}`,
    service: 'checkout',
    environment: 'production',
    version: `v${prng.int(0, 9)}.${prng.int(0, 9)}.${prng.int(0, 9)}`,
    gitSha: '9f1c2e7',
    status: prng.pick(['succeeded', 'failed', 'in_progress']),
    createdAt: '2026-11-20T10:30:00Z',
    createdBy: 'ci',
    components: { 'checkout-api': { image: 'registry.example/checkout-api:v1', replicas: 3 } },
    migrations: [{ id: 'm1', reversible: true, destructive: false, mayLoseData: false }],
    verification: { smoke: true },
  };
}
