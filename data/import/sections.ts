import { wholeLineDate } from './dates.ts';
import { isInteger, type Line } from './lines.ts';

/** A part of a notice: the body (prose) or one attachment (附件N, its title and table). */
export interface Section {
  /** 0 for the body. */
  attachment: number;
  /** The line that opens it (附件2), or the first line for the body. */
  startLine: number;
  title?: Line;
  /** Lines after the title, up to the next section. */
  lines: Line[];
}

export interface Outline {
  body: Section;
  attachments: Section[];
  /** Titles the body lists after 附件：(1.… 2.…), in order. */
  listed: string[];
}

const ATTACHMENT = /^附件(\d{1,2})$/;
const BARE_ATTACHMENT = /^附件[:：]?$/;
const TRAILER = /^(抄送|\(此件|（此件|印发|打印|校对)/;

/** Splits a notice into its body and attachments. */
export function outline(lines: Line[]): Outline {
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (ATTACHMENT.test(l.text)) starts.push(i);
    // A lone 附件: after the body already listed its one attachment (附件:…统计表 above the
    // sign-off) opens that attachment, when no numbered list (1.… 2.…) follows it.
    else if (
      BARE_ATTACHMENT.test(l.text) &&
      starts.length === 0 &&
      !/^\d+[.、．]/.test(lines[i + 1]?.text ?? '') &&
      lines.slice(0, i).some((b) => /^附件[:：]./.test(b.text))
    )
      starts.push(i);
  });
  const bodyEnd = starts[0] ?? lines.length;
  // Some notices sign after the attachments: the signature and date belong to the body.
  const signature = starts.length > 0 ? trailingSignature(lines) : [];
  const end = lines.length - signature.length;
  const bodyLines = [...lines.slice(0, bodyEnd), ...signature];
  const attachments = starts.map((s, k): Section => {
    const until = starts[k + 1] ?? end;
    const open = lines[s] as Line;
    const rest = lines.slice(s + 1, until).filter((l) => !TRAILER.test(l.text));
    const title = rest[0] && !isInteger(rest[0].text) && !/^序号$/.test(rest[0].text) ? rest[0] : undefined;
    return {
      attachment: Number(open.text.match(ATTACHMENT)?.[1] ?? k + 1),
      startLine: open.no,
      ...(title ? { title } : {}),
      lines: title ? rest.slice(1) : rest,
    };
  });
  return {
    body: { attachment: 0, startLine: lines[0]?.no ?? 1, lines: bodyLines },
    attachments,
    listed: listedAttachments(bodyLines),
  };
}

const SIGNER = /(办公厅|办公室|人民政府|管委会|网信办|公开办|数据管理局|大数据局)$/;

/** An issuer line followed by a date line at the very end of the text. */
function trailingSignature(lines: Line[]): Line[] {
  const last = lines.at(-1);
  const before = lines.at(-2);
  if (last && before && wholeLineDate(last.text) && SIGNER.test(before.text) && before.text.length <= 30) {
    return [before, last];
  }
  return [];
}

/** 附件：1.2020年第一季度全省政府网站检查情况表 / 2.… */
function listedAttachments(body: Line[]): string[] {
  const at = body.findIndex((l) => /^附件[:：]/.test(l.text));
  if (at < 0) return [];
  const titles: string[] = [];
  const first = (body[at] as Line).text.replace(/^附件[:：]/, '');
  if (first) titles.push(first.replace(/^\d+[.、．]/, ''));
  for (const l of body.slice(at + 1)) {
    const m = l.text.match(/^\d+[.、．](.+)$/);
    if (!m?.[1]) break;
    titles.push(m[1]);
  }
  return titles;
}
