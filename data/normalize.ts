/**
 * Text normalisation shared by commands and importers: full-width to half-width (NFKC turns
 * ／ into /, the ideographic space into a space, ０ into 0), whitespace collapsed.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** A lookup key for names: NFKC, no whitespace, no bracketed remarks (（含二级网站）). */
export function nameKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\([^)]*\)/g, '')
    .replace(/[\s"'“”‘’「」《》]/g, '')
    .toLowerCase();
}
