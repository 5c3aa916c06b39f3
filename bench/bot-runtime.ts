// How a scenario runs the bot's process. bench/run.ts gives every scenario the image's settings
// (test/support/image-defaults.ts reads them from the Dockerfile and the manifests), so the figures
// are those of the bot as production runs it.

export interface BotRuntime {
  /** NODE_OPTIONS, MALLOC_ARENA_MAX and the like. */
  env?: Record<string, string>;
  /** Node flags before the entry, as the image's CMD gives them (`--liftoff-only`). */
  nodeFlags?: string[];
}

/** What the rows say about how the bot ran: the settings that change its speed and memory. */
export function describeRuntime(o: BotRuntime): string {
  const parts = [o.nodeFlags?.length ? `node ${o.nodeFlags.join(' ')}` : '', o.env?.['NODE_OPTIONS'] ? `NODE_OPTIONS=${o.env['NODE_OPTIONS']}` : ''];
  return parts.filter(Boolean).join('; ');
}

/** The runtime part of a scenario's options, to hand to a process or replica world as it is. */
export function botRuntime(o: BotRuntime): Required<BotRuntime> {
  return { env: { ...o.env }, nodeFlags: [...(o.nodeFlags ?? [])] };
}
