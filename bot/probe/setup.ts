import type { PgConnection } from '../../data/open-store.ts';
import { FileProbeStore, type ProbeStore } from '../../data/probe/store.ts';
import type { ProbeService } from '../../handlers/services.ts';
import type { Config } from '../config.ts';

/**
 * The probe store the bot, `npm run ask` and `npm run jobs` share: `DATA_DIR/probe.json`
 * (data/probe/store.ts). One place to open it, so the PostgreSQL ProbeStore (STORE=postgres)
 * plugs in here for every door.
 */
export async function openProbeStore(config: Config, _pg?: PgConnection): Promise<ProbeStore> {
  return FileProbeStore.open(config.dataDir);
}

/** What /probe and /watch read (handlers/services.ts ProbeService). */
export function probeService(config: Config, store: ProbeStore): ProbeService {
  return { enabled: config.PROBE === 'on', perDay: config.PROBE_PER_DAY, store };
}
