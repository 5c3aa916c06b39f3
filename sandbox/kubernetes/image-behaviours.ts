export type ImageBehaviour = 'healthy' | 'crash' | 'oom' | 'never-ready' | 'image-pull-error' | 'unschedulable';

export interface ImageBehaviourOptions {
  /** What the container prints: served by pods/log, and as `previous=true` logs after a crash. */
  logLines?: string[];
}

export interface ResolvedBehaviour {
  behaviour: ImageBehaviour;
  logLines?: string[];
}

export const IMAGE_BEHAVIOURS: readonly ImageBehaviour[] = ['healthy', 'crash', 'oom', 'never-ready', 'image-pull-error', 'unschedulable'];

/** Which images misbehave; images never configured are healthy, as most are. */
export class ImageBehaviours {
  private readonly byImage = new Map<string, ResolvedBehaviour>();

  set(image: string, behaviour: ImageBehaviour, opts: ImageBehaviourOptions = {}): void {
    if (!IMAGE_BEHAVIOURS.includes(behaviour)) throw new Error(`unknown image behaviour "${String(behaviour)}"`);
    this.byImage.set(image, { behaviour, ...(opts.logLines ? { logLines: [...opts.logLines] } : {}) });
  }

  get(image: string): ResolvedBehaviour {
    return this.byImage.get(image) ?? { behaviour: 'healthy' };
  }
}
