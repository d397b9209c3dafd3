import type { ApplyOptions, ApplyOutcome, ImportWrite, InspectionStore, RegisterOutcome, RegisterWrite } from '../store.ts';
import { changesAnything, type RegisterChanges, registerChanges, registerChangesDetail } from './register-changes.ts';

/** Who imported, for the audit trail: the chat sender, the API, or the server's shell (cli). */
export interface ImportActor {
  platform: string;
  userId?: string;
  name?: string;
  group?: string;
}

/** What listeners (alerts, reminder tasks) learn after a round was written. */
export interface RoundImported {
  roundKey: string;
  /** False when the same round was already stored: listeners must still be idempotent. */
  changed: boolean;
  replaced: boolean;
  at: Date;
}

export type ImportListener = (event: RoundImported) => Promise<void>;

/** The one thing the service says about a failing listener; pino's logger fits it. */
export interface ImportLog {
  error(details: object, message: string): void;
}

/**
 * The one code path every import takes (notice text, spreadsheet, HTTP API, the shipped seed):
 * write the round, then tell the listeners. A listener failure is logged and does not undo the
 * import; listeners are idempotent scans ("every alert due and not yet queued"), so a later run
 * catches up.
 *
 * Replacing a stored round (same period and scope) is refused when it would drop failures or
 * regions, unless `replace` says so (ReplacementRefused, decided by the store under its import
 * lock, so the check and the write see the same round).
 */
export class ImportService {
  private readonly listeners: ImportListener[] = [];

  constructor(
    private readonly store: InspectionStore,
    private readonly log: ImportLog,
    /** Hears of every import's outcome and duration (the bot's metrics, bot/metrics.ts). */
    private readonly observe?: (outcome: 'new' | 'replaced' | 'unchanged' | 'refused', seconds: number) => void,
  ) {}

  onImported(listener: ImportListener): void {
    this.listeners.push(listener);
  }

  async apply(
    write: ImportWrite,
    at: Date,
    options: ApplyOptions & { by?: ImportActor } = {},
  ): Promise<ApplyOutcome & { roundKey: string }> {
    const started = performance.now();
    let outcome: ApplyOutcome;
    try {
      outcome = await this.store.applyImport(write, at, options);
    } catch (err) {
      this.observe?.('refused', (performance.now() - started) / 1000);
      throw err;
    }
    const event: RoundImported = {
      roundKey: write.roundFile.round.key,
      changed: outcome.changed,
      replaced: outcome.replaced,
      at,
    };
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        this.log.error(
          { err, round: event.roundKey },
          'import listener failed; it will catch up on its next run',
        );
      }
    }
    const kind = !outcome.changed ? 'unchanged' : outcome.replaced ? 'replaced' : 'new';
    // The audit trail (data/audit.ts): every import that changed something, by any door.
    if (outcome.changed) {
      const by = options.by ?? { platform: write.roundFile.round.source.kind === 'api' ? 'api' : 'cli' };
      await this.store.audit({
        at: at.toISOString(),
        ...by,
        action: outcome.replaced ? 'round.replaced' : 'round.imported',
        detail: {
          round: event.roundKey,
          source: write.roundFile.round.source.file,
          failures: write.roundFile.failures.length,
          ...(outcome.diff ? { diff: outcome.diff } : {}),
        },
      });
    }
    this.observe?.(kind, (performance.now() - started) / 1000);
    return { ...outcome, roundKey: event.roundKey };
  }

  /**
   * The one way a register (units and their contacts, sites, accounts, declared regions) is
   * written, by every door — a spreadsheet from the CLI, the API, the chat: the store's upsert,
   * then one audit entry saying who, where, when and what changed (counts per kind, and each
   * contact added, removed or given a new mobile or platform id). A write that changes nothing is
   * not recorded. `source` names what was imported (file names, `api`).
   */
  async applyRegister(
    write: RegisterWrite,
    at: Date,
    options: { by?: ImportActor; source: string },
  ): Promise<RegisterOutcome & { changes: RegisterChanges }> {
    // Against the register as it stands just before the write (the stores serialise writes; a
    // write from another instance in between may make the listed changes approximate).
    const changes = registerChanges(this.store.dataset().register, write);
    const outcome = await this.store.applyRegister(write);
    if (changesAnything(changes))
      await this.store.audit({
        at: at.toISOString(),
        ...(options.by ?? { platform: 'cli' }),
        action: 'register.imported',
        detail: { source: options.source, ...registerChangesDetail(changes) },
      });
    return { ...outcome, changes };
  }
}
