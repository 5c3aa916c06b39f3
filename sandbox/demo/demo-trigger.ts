// Something outside Slack that starts an incident: a bad deploy from CI, a PagerDuty alert … Each is a
// button in the page's "Triggers" area and a POST route; adding one is one object, nothing else.
export interface TriggerResult {
  /** One line for the page to show. */
  message: string;
  /** A slash command to put in the composer, ready to send. */
  command?: string;
}

export interface DemoTrigger {
  id: string;
  label: string;
  /** What pressing it does, shown under the button. */
  description: string;
  /** The page server's route, e.g. /deploy-bad-version. */
  path: string;
  run(): Promise<TriggerResult>;
}
