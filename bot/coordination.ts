import type { Coordinator, Leadership, Role } from '../data/pg/coordinator.ts';

export type { Coordinator, Leadership, Role };

/**
 * One process on its own data directory (lowdb): every role is this process's, every slot too,
 * and exclusive sections only wait for each other inside the process. PostgreSQL deployments
 * use data/pg/coordinator.ts, which agrees the same things between instances.
 */
export class LocalCoordinator implements Coordinator {
  private readonly sections = new Map<string, Promise<unknown>>();

  constructor(readonly instanceId = `local:${process.pid}`) {}

  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.sections.get(name) ?? Promise.resolve()).then(fn);
    this.sections.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  async claimSlot(): Promise<boolean> {
    return true;
  }

  lead(_name: string, role: Role, onChange?: (holding: boolean) => void): Leadership {
    let holding = false;
    const started = role.start().then(() => {
      holding = true;
      onChange?.(true);
    });
    return {
      holding: () => holding,
      async stop() {
        await started.catch(() => undefined);
        holding = false;
        await role.stop();
      },
    };
  }
}
