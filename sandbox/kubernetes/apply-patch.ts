import { unsupportedMediaType } from './api-error.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export const PATCH_CONTENT_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;

/**
 * Applies a PATCH body by its media type. Server-side apply (`application/apply-patch+yaml`)
 * is not emulated and gets the 415 a server without it would send.
 */
export function applyPatch(contentType: string, target: unknown, patch: unknown): unknown {
  switch (contentType) {
    case 'application/json-patch+json':
      return applyJsonPatch(target, patch);
    case 'application/merge-patch+json':
      return applyMergePatch(target, patch);
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(target, patch);
    default:
      throw unsupportedMediaType(contentType, [...PATCH_CONTENT_TYPES]);
  }
}
