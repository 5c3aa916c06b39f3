import { EventEmitter } from 'node:events';
import type { FakeSlackConnection } from './fake-pagerduty-links.js';
import type {
  FailureRule,
  FakeAlert,
  FakeIncident,
  FakeIncidentSeed,
  FakeLogEntry,
  FakeNote,
  RecordedPagerDutyRequest,
  StallRule,
} from './fake-pagerduty-types.js';
import { matchesPath } from './fake-pagerduty-types.js';

/** PagerDuty ids look like PXXXXXX: seven upper-case letters and digits. */
function pagerDutyId(prefix: string, n: number): string {
  return `${prefix}${n.toString(36).toUpperCase().padStart(6, '0')}`.slice(0, 7);
}

/** Everything the fake knows; the HTTP layer reads and writes it, tests inspect it. */
export class FakePagerDutyState {
  readonly incidents = new Map<string, FakeIncident>();
  /** The Slack integration's connections (service or team → channel), by workspace. */
  readonly slackConnections: FakeSlackConnection[] = [];
  readonly notes: FakeNote[] = [];
  readonly alerts: FakeAlert[] = [];
  readonly requests: RecordedPagerDutyRequest[] = [];
  readonly failures: FailureRule[] = [];
  readonly stalls: StallRule[] = [];
  /** 'change' fires on every request, answer, note and alert, so waitFor re-checks at once. */
  readonly events = new EventEmitter();
  private counter = 0;

  constructor(
    readonly token: string,
    /** When set, the only email the From header may carry (PagerDuty checks it names a user). */
    readonly from: string | undefined,
    private readonly clock: () => number,
  ) {
    this.events.setMaxListeners(0);
  }

  nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return pagerDutyId(prefix, this.counter);
  }

  changed(): void {
    this.events.emit('change');
  }

  addIncident(seed: FakeIncidentSeed): FakeIncident {
    const createdAt = seed.createdAt ?? this.nowIso();
    const seeds = seed.logEntries ?? [{ type: 'trigger_log_entry', summary: 'Triggered through the API.', createdAt }];
    const incident: FakeIncident = {
      id: seed.id,
      number: this.incidents.size + 1,
      title: seed.title,
      serviceId: seed.serviceId,
      status: seed.status ?? 'triggered',
      urgency: seed.urgency ?? 'high',
      createdAt,
      logEntries: seeds.map((s) => this.logEntry(s.type, s.summary, s.createdAt, s.agent)),
    };
    this.incidents.set(incident.id, incident);
    this.changed();
    return incident;
  }

  logEntry(type: string, summary: string, createdAt: string, agent?: string): FakeLogEntry {
    return {
      id: this.nextId('R'),
      type,
      summary,
      created_at: createdAt,
      agent: agent ? { type: 'user_reference', summary: agent } : null,
      channel: { type: type === 'annotate_log_entry' ? 'note' : 'api' },
    };
  }

  /** PagerDuty records a note as an annotate_log_entry on the incident, so the timeline shows it. */
  addNote(incident: FakeIncident, content: string, from: string): FakeNote {
    const note: FakeNote = { id: this.nextId('N'), incidentId: incident.id, content, from, createdAt: this.nowIso() };
    this.notes.push(note);
    incident.logEntries.push(this.logEntry('annotate_log_entry', 'Note added', note.createdAt, from));
    this.changed();
    return note;
  }

  addAlert(alert: FakeAlert): void {
    this.alerts.push(alert);
    this.changed();
  }

  record(request: RecordedPagerDutyRequest): void {
    this.requests.push(request);
    this.changed();
  }

  takeFailure(path: string): FailureRule | undefined {
    const rule = this.failures.find((f) => f.remaining > 0 && matchesPath(f.pattern, path));
    if (rule) rule.remaining -= 1;
    return rule;
  }

  takeStall(path: string): boolean {
    const rule = this.stalls.find((s) => s.remaining > 0 && matchesPath(s.pattern, path));
    if (rule) rule.remaining -= 1;
    return rule !== undefined;
  }

  reset(): void {
    this.incidents.clear();
    this.slackConnections.length = 0;
    this.notes.length = 0;
    this.alerts.length = 0;
    this.requests.length = 0;
    this.failures.length = 0;
    this.stalls.length = 0;
    this.changed();
  }

  /** For waitFor timeouts: what the fake saw, with credentials masked. */
  describe(): string {
    const lines = this.requests.map((r) => `  ${r.method} ${r.path} → ${r.status ?? '(held)'}`);
    return [
      `Fake PagerDuty: ${this.requests.length} request(s), ${this.notes.length} note(s), ${this.alerts.length} alert(s)`,
      ...lines.slice(-20),
    ].join('\n');
  }
}
