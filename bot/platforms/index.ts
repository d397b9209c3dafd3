import { createDingtalk } from './dingtalk/index.ts';
import type { PlatformDeps, PlatformRuntime } from './platform.ts';
import { createWecom } from './wecom/index.ts';

/**
 * The platforms the configuration turns on. Each entry returns undefined when its mode is off.
 */
const factories: Array<(deps: PlatformDeps) => PlatformRuntime | undefined> = [createDingtalk, createWecom];

export function createPlatforms(deps: PlatformDeps): PlatformRuntime[] {
  return factories.map((f) => f(deps)).filter((p): p is PlatformRuntime => p !== undefined);
}
