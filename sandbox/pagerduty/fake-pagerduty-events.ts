// PagerDuty Events API v2 (`POST /v2/enqueue`): validates like PagerDuty, answers 202 or 400.
import { randomUUID } from 'node:crypto';
import type { FakeAnswer } from './fake-pagerduty-rest.js';
import type { FakePagerDutyState } from './fake-pagerduty-state.js';
import type { FakeAlert } from './fake-pagerduty-types.js';

const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
/** Integration keys are 32 characters; PagerDuty rejects others, which catches a pasted REST token. */
const ROUTING_KEY_LENGTH = 32;

function invalid(errors: string[]): FakeAnswer {
  return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

export function handleEnqueue(state: FakePagerDutyState, json: unknown, jsonOk: boolean): FakeAnswer {
  if (!jsonOk || !isObject(json)) return invalid(['Event object is not valid JSON.']);
  const errors: string[] = [];
  const routingKey = json.routing_key;
  if (blank(routingKey)) errors.push("'routing_key' is missing or blank");
  else if ((routingKey as string).length !== ROUTING_KEY_LENGTH) {
    errors.push(`Length of 'routing_key' is incorrect (should be ${ROUTING_KEY_LENGTH} characters)`);
  }
  const action = json.event_action;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
    errors.push(`'event_action' is invalid (must be one of: ${ACTIONS.join(', ')})`);
  }
  const dedupKey = json.dedup_key;
  if (dedupKey !== undefined && (typeof dedupKey !== 'string' || dedupKey.length > 255)) {
    errors.push("'dedup_key' must be a string of at most 255 characters");
  }
  if ((action === 'acknowledge' || action === 'resolve') && blank(dedupKey)) {
    errors.push("'dedup_key' is missing or blank");
  }
  const payload = json.payload;
  if (action === 'trigger') errors.push(...payloadErrors(payload));
  // Events API v2: top-level `links`, each `{ href, text? }`, shown on the alert.
  const links = json.links;
  if (
    links !== undefined &&
    (!Array.isArray(links) ||
      !links.every(
        (l) => isObject(l) && typeof l.href === 'string' && /^https?:\/\//.test(l.href) && (l.text === undefined || typeof l.text === 'string'),
      ))
  ) {
    errors.push("'links' must be an array of { href, text } with http(s) hrefs");
  }
  if (errors.length > 0) return invalid(errors);

  const key = typeof dedupKey === 'string' && dedupKey !== '' ? dedupKey : randomUUID().replaceAll('-', '');
  const p = isObject(payload) ? payload : {};
  const alert: FakeAlert = {
    routingKey: routingKey as string,
    eventAction: action as FakeAlert['eventAction'],
    dedupKey: key,
    ...(typeof p.summary === 'string' ? { summary: p.summary } : {}),
    ...(typeof p.source === 'string' ? { source: p.source } : {}),
    ...(typeof p.severity === 'string' ? { severity: p.severity } : {}),
    ...(isObject(p.custom_details) ? { customDetails: p.custom_details } : {}),
    ...(Array.isArray(links) ? { links: links as Array<{ href: string; text?: string }> } : {}),
    raw: json,
    at: state.nowIso(),
  };
  state.addAlert(alert);
  return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
}

function payloadErrors(payload: unknown): string[] {
  if (!isObject(payload)) return ["'payload' is missing or not an object"];
  const errors: string[] = [];
  if (blank(payload.summary)) errors.push("'payload.summary' is missing or blank");
  else if ((payload.summary as string).length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
  if (blank(payload.source)) errors.push("'payload.source' is missing or blank");
  if (!SEVERITIES.includes(payload.severity as string)) {
    errors.push(`'payload.severity' is invalid (must be one of: ${SEVERITIES.join(', ')})`);
  }
  if (payload.custom_details !== undefined && !isObject(payload.custom_details)) {
    errors.push("'payload.custom_details' must be an object");
  }
  return errors;
}
