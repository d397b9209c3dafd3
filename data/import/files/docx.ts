import mammoth from 'mammoth';

/**
 * The text of a Word document, one paragraph (and one table cell) per line, as mammoth reads it:
 * headers, footers and text boxes are left out, tables come out cell by cell in reading order —
 * the shape the notice reader expects from a table copied out of a portal.
 */
export async function docxText(bytes: Uint8Array): Promise<string> {
  const { value } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
  return value.replace(/\n{2,}/g, '\n');
}
