/**
 * What a file really is, judged from its bytes, not its name: a PDF named .xlsx is a PDF. Office
 * files are zip containers told apart by the part names in their central directory.
 */
export type FileKind = 'empty' | 'pdf' | 'docx' | 'xlsx' | 'zip' | 'ole' | 'html' | 'text' | 'binary';

const ascii = (bytes: Uint8Array, from: number, to: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset + from, Math.max(0, Math.min(to, bytes.length) - from)).toString(
    'latin1',
  );

export function sniffKind(bytes: Uint8Array): FileKind {
  if (bytes.length === 0 || /^[\s\uFEFF]*$/.test(ascii(bytes, 0, 64)) && isBlank(bytes)) return 'empty';
  const head = ascii(bytes, 0, 1024);
  if (head.includes('%PDF-')) return 'pdf';
  if (head.startsWith('PK\u0003\u0004')) {
    // Part names are stored uncompressed in local headers and the central directory.
    const names = ascii(bytes, Math.max(0, bytes.length - 65536), bytes.length) + head;
    if (names.includes('word/document.xml') || names.includes('word/')) return 'docx';
    if (names.includes('xl/workbook.xml') || names.includes('xl/')) return 'xlsx';
    return 'zip';
  }
  if (head.startsWith('\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1')) return 'ole';
  if (looksBinary(bytes)) return 'binary';
  const start = ascii(bytes, 0, 4096).toLowerCase();
  if (/<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s/.test(start)) return 'html';
  return 'text';
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  return true;
}

/** NUL bytes (outside UTF-16) or many control characters in the first 8 KB. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  if (n >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return false;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control > n / 50;
}
