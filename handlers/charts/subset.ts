import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * A chart's own small font: the glyphs of the characters it shows, cut from the full CJK font with
 * HarfBuzz's hb-subset (the `harfbuzzjs` package's WebAssembly build, run synchronously). resvg
 * parses the font it is given for every piece of text, and a 10 MB CJK font made a chart of 60
 * labels take seconds; a subset of a hundred glyphs takes milliseconds. The full font is loaded
 * into HarfBuzz once per process. Same font and characters → same bytes → same picture.
 */

type Fn = (...args: number[]) => number;
/** The hb-subset exports used here (harfbuzz's C API). */
type Wasm = { memory: WebAssembly.Memory; _initialize?: () => void } & Record<
  | 'malloc'
  | 'hb_blob_create'
  | 'hb_blob_destroy'
  | 'hb_blob_get_data'
  | 'hb_blob_get_length'
  | 'hb_face_create'
  | 'hb_face_destroy'
  | 'hb_face_reference_blob'
  | 'hb_set_add'
  | 'hb_set_clear'
  | 'hb_set_invert'
  | 'hb_subset_input_create_or_fail'
  | 'hb_subset_input_destroy'
  | 'hb_subset_input_set'
  | 'hb_subset_input_unicode_set'
  | 'hb_subset_or_fail',
  Fn
>;

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
/** Subset files kept on disk at most; the oldest go first. */
const KEEP_FILES = 200;

let hb: Wasm | undefined;
const faces = new Map<string, number>();
const files = new Map<string, string>();
let dir: string | undefined;

function harfbuzz(): Wasm {
  if (!hb) {
    const require = createRequire(import.meta.url);
    const bytes = readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    hb = instance.exports as unknown as Wasm;
    hb._initialize?.();
  }
  return hb;
}

function faceOf(fontFile: string): number {
  let face = faces.get(fontFile);
  if (face === undefined) {
    const w = harfbuzz();
    const font = readFileSync(fontFile);
    const at = w.malloc(font.byteLength);
    new Uint8Array(w.memory.buffer).set(font, at);
    const blob = w.hb_blob_create(at, font.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
    face = w.hb_face_create(blob, 0);
    w.hb_blob_destroy(blob);
    faces.set(fontFile, face);
  }
  return face;
}

/** The subset of `fontFile` covering `text` (plus digits and basic punctuation), as TrueType bytes. */
export function subsetFont(fontFile: string, text: string): Buffer {
  const w = harfbuzz();
  const face = faceOf(fontFile);
  const input = w.hb_subset_input_create_or_fail();
  if (input === 0) throw new Error('hb_subset_input_create_or_fail failed');
  try {
    const features = w.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
    w.hb_set_clear(features);
    w.hb_set_invert(features);
    const unicodes = w.hb_subset_input_unicode_set(input);
    for (const ch of new Set(`${text}0123456789.,%-—…() `)) w.hb_set_add(unicodes, ch.codePointAt(0) as number);
    const subset = w.hb_subset_or_fail(face, input);
    if (subset === 0) throw new Error(`hb_subset_or_fail failed for ${fontFile}`);
    const blob = w.hb_face_reference_blob(subset);
    try {
      const at = w.hb_blob_get_data(blob, 0);
      const length = w.hb_blob_get_length(blob);
      if (length === 0) throw new Error(`empty font subset of ${fontFile}`);
      return Buffer.from(new Uint8Array(w.memory.buffer, at, length));
    } finally {
      w.hb_blob_destroy(blob);
      w.hb_face_destroy(subset);
    }
  } finally {
    w.hb_subset_input_destroy(input);
  }
}

/**
 * A file holding the subset for `text` (resvg reads fonts from files), cached by content in a
 * private temporary directory.
 */
export function subsetFile(fontFile: string, text: string): string {
  const chars = [...new Set(text)].sort().join('');
  const key = createHash('sha256').update(fontFile).update('\0').update(chars).digest('hex').slice(0, 24);
  const known = files.get(key);
  if (known) return known;
  dir ??= makeDir();
  const file = path.join(dir, `${key}.ttf`);
  writeFileSync(file, subsetFont(fontFile, chars));
  files.set(key, file);
  if (files.size > KEEP_FILES) {
    const [oldKey, oldFile] = files.entries().next().value as [string, string];
    files.delete(oldKey);
    rmSync(oldFile, { force: true });
  }
  return file;
}

function makeDir(): string {
  const d = path.join(os.tmpdir(), `inspection-bot-fonts-${process.pid}`);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}
