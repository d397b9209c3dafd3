import { Low } from 'lowdb';
import type { z } from 'zod';
import { AtomicJsonFile } from './json-file.ts';

/** Upgrades a stored document of version `from` to `from + 1`. */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface DocSpec<S extends z.ZodType> {
  file: string;
  schema: S;
  version: number;
  /** migrations[n] turns a version-n document into version n+1. Files without `version` are 0. */
  migrations?: Record<number, Migration>;
  initial: () => z.infer<S>;
  /**
   * Top-level arrays validated item by item, each raw item updated in place from its parsed copy
   * (a register's 150,000 accounts): validating the whole document at once holds the raw and the
   * parsed copy of every item together, which at national scale was 100 MB of peak memory.
   * The schema still validates everything else.
   */
  bulk?: Record<string, z.ZodType>;
}

/**
 * One lowdb document: validated with zod on load (after migrations), written atomically, and
 * writes serialized so two updates never interleave. Built with `new Low(adapter, …)` explicitly:
 * lowdb's presets swap to memory under NODE_ENV=test.
 */
export class Doc<S extends z.ZodType> {
  private readonly low: Low<z.infer<S>>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly spec: DocSpec<S>,
    low: Low<z.infer<S>>,
  ) {
    this.low = low;
  }

  static async open<S extends z.ZodType>(spec: DocSpec<S>): Promise<Doc<S>> {
    const adapter = new AtomicJsonFile<unknown>(spec.file);
    const raw = await adapter.read();
    const data = raw === null ? spec.initial() : migrateAndParse(spec, raw);
    const low = new Low<z.infer<S>>(adapter as AtomicJsonFile<z.infer<S>>, data);
    low.data = data;
    return new Doc(spec, low);
  }

  get data(): z.infer<S> {
    return this.low.data;
  }

  get file(): string {
    return this.spec.file;
  }

  /**
   * Applies `fn` to a copy of the data, validates the copy and persists it; the copy becomes the
   * data only once the bytes are on disk, so a throwing `fn`, an invalid result or a failed write
   * leaves memory and disk as they were. Validating here keeps a buggy caller from writing a file
   * the next start would refuse to load.
   */
  update<R>(fn: (draft: z.infer<S>) => R): Promise<R> {
    const run = this.queue.then(async () => {
      const previous = this.low.data;
      const draft = structuredClone(previous);
      const result = fn(draft);
      const parsed = this.spec.schema.safeParse(draft);
      if (!parsed.success)
        throw new Error(`store: ${this.spec.file}: update rejected: ${issues(parsed.error)}`);
      this.low.data = parsed.data as z.infer<S>;
      try {
        await this.low.write();
      } catch (err) {
        this.low.data = previous;
        throw err;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Persists `next`, a document the caller built copy-on-write from `data` (new arrays, untouched
   * items shared) and whose new parts it validated itself. For bulk writes (a register import of
   * 150,000 rows) where cloning and re-validating every stored item would cost more than the
   * import; everything else uses update().
   */
  commit(next: z.infer<S>): Promise<void> {
    return this.swap(next);
  }

  /** Replaces the whole document (validated: an invalid one rejects) and persists it. */
  async replace(data: z.infer<S>): Promise<void> {
    return this.swap(this.spec.schema.parse(data) as z.infer<S>);
  }

  /** Writes `next` in turn with the other writes; on failure the previous data stays current. */
  private swap(next: z.infer<S>): Promise<void> {
    const run = this.queue.then(async () => {
      const previous = this.low.data;
      this.low.data = next;
      try {
        await this.low.write();
      } catch (err) {
        this.low.data = previous;
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function migrateAndParse<S extends z.ZodType>(spec: DocSpec<S>, raw: unknown): z.infer<S> {
  let doc = raw as Record<string, unknown>;
  let version = typeof doc.version === 'number' ? doc.version : 0;
  if (version > spec.version) {
    throw new Error(
      `store: ${spec.file} has schema version ${version}, newer than this bot understands (${spec.version})`,
    );
  }
  while (version < spec.version) {
    const step = spec.migrations?.[version];
    if (!step) throw new Error(`store: ${spec.file}: no migration from version ${version}`);
    doc = { ...step(doc), version: version + 1 };
    version += 1;
  }
  const bulk = Object.entries(spec.bulk ?? {}).filter(([key]) => Array.isArray(doc[key]));
  for (const [key, item] of bulk) {
    const list = doc[key] as unknown[];
    for (let i = 0; i < list.length; i++) {
      const r = item.safeParse(list[i]);
      if (!r.success)
        throw new Error(`store: ${spec.file} does not match the schema: ${key}.${i}.${issues(r.error)}`);
      // Keep the raw object, take the parsed values (defaults filled): the parsed copy dies young,
      // while replacing the raw object would leave it as old-generation garbage until a full GC.
      list[i] = Object.assign(list[i] as object, r.data);
    }
  }
  const rest = bulk.length > 0 ? { ...doc, ...Object.fromEntries(bulk.map(([key]) => [key, []])) } : doc;
  const parsed = spec.schema.safeParse(rest);
  if (!parsed.success)
    throw new Error(`store: ${spec.file} does not match the schema: ${issues(parsed.error)}`);
  if (bulk.length === 0) return parsed.data;
  return { ...(parsed.data as object), ...Object.fromEntries(bulk.map(([key]) => [key, doc[key]])) } as z.infer<S>;
}

/** The first few zod issues as `path: message; …`. */
function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.')}: ${i.message}`)
    .join('; ');
}
