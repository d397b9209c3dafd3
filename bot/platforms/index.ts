import type { ChatFileRef } from '../../handlers/services.ts';
import type { FileSource } from '../imports/chat-files.ts';
import { createDingtalk, createDingtalkFiles } from './dingtalk/index.ts';
import type { PlatformDeps, PlatformRuntime } from './platform.ts';
import { createWecom, createWecomFiles } from './wecom/index.ts';

/**
 * The platforms the configuration turns on. Each entry returns undefined when its mode is off.
 */
const factories: Array<(deps: PlatformDeps) => PlatformRuntime | undefined> = [createDingtalk, createWecom];

export function createPlatforms(deps: PlatformDeps): PlatformRuntime[] {
  return factories.map((f) => f(deps)).filter((p): p is PlatformRuntime => p !== undefined);
}

/** How each configured platform fetches the files its messages carry (bot/imports/chat-files.ts). */
export function createFileSources(
  deps: Pick<PlatformDeps, 'config' | 'http'>,
): Partial<Record<ChatFileRef['platform'], FileSource>> {
  const out: Partial<Record<ChatFileRef['platform'], FileSource>> = {};
  const dingtalk = createDingtalkFiles(deps);
  const wecom = createWecomFiles(deps);
  if (dingtalk) out.dingtalk = dingtalk;
  if (wecom) out.wecom = wecom;
  return out;
}
