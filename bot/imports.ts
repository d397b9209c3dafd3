import type { ApplyOutcome, ImportWrite, InspectionStore } from '../data/store.ts';
import type { Logger } from './logger.ts';

/** What listeners (alerts, reminder tasks) learn after a round was written. */
export interface RoundImported {
  roundKey: string;
  /** False when the same round was already stored: listeners must still be idempotent. */
  changed: boolean;
  replaced: boolean;
  at: Date;
}

export type ImportListener = (event: RoundImported) => Promise<void>;

/**
 * The one code path every import takes (notice text, spreadsheet, HTTP API): write the round,
 * then tell the listeners. A listener failure is logged and does not undo the import; listeners
 * are idempotent scans ("every alert due and not yet queued"), so a later run catches up.
 */
export class ImportService {
  private readonly listeners: ImportListener[] = [];

  constructor(
    private readonly store: InspectionStore,
    private readonly log: Logger,
  ) {}

  onImported(listener: ImportListener): void {
    this.listeners.push(listener);
  }

  async apply(write: ImportWrite, at: Date): Promise<ApplyOutcome & { roundKey: string }> {
    const outcome = await this.store.applyImport(write, at);
    const event: RoundImported = { roundKey: write.roundFile.round.key, ...outcome, at };
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
    return { ...outcome, roundKey: event.roundKey };
  }
}
