import type { ScheduledJob } from '../handlers/context.ts';

/**
 * The background jobs /status lists (Services.jobs): each joins with its name and a way to ask
 * when it next runs by itself; a job with nothing scheduled is left out.
 */
export class JobBoard {
  private readonly sources: Array<{ name: string; nextRun: () => Date | undefined }> = [];

  add(name: string, nextRun: () => Date | undefined): void {
    this.sources.push({ name, nextRun });
  }

  /** Every job with a next run, soonest first. */
  upcoming(): ScheduledJob[] {
    return this.sources
      .flatMap(({ name, nextRun }) => {
        const at = nextRun();
        return at ? [{ name, at }] : [];
      })
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
