import type { PlatformDeps, PlatformRuntime } from './platform.ts';

/**
 * The platforms the configuration turns on. Each entry returns undefined when its mode is off.
 */
const factories: Array<(deps: PlatformDeps) => PlatformRuntime | undefined> = [];

export function createPlatforms(deps: PlatformDeps): PlatformRuntime[] {
  return factories.map((f) => f(deps)).filter((p): p is PlatformRuntime => p !== undefined);
}
