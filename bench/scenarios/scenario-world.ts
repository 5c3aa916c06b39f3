// The world most scenarios run in: one bot process, run as the image runs it, against the emulators.
import { startProcessWorld, type ProcessWorld, type ProcessWorldOptions } from '../../test/support/process-world.js';
import { type BotRuntime, botRuntime } from '../bot-runtime.js';

export interface ClusterTiming {
  /** How long a new pod takes to become ready in the Kubernetes emulator. */
  podStartMs: number;
  /** The emulator's controller tick. */
  tickMs: number;
}

/** A world's options: the scenario's catalog and cluster timing, the bot run as the image runs it. */
export function scenarioWorldOptions(catalog: string, o: ClusterTiming & BotRuntime): ProcessWorldOptions {
  return { catalog, tickMs: o.tickMs, podStartMs: o.podStartMs, logLevel: 'info', ...botRuntime(o) };
}

export function startScenarioWorld(catalog: string, o: ClusterTiming & BotRuntime): Promise<ProcessWorld> {
  return startProcessWorld(scenarioWorldOptions(catalog, o));
}
