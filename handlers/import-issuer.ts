/**
 * `--issuer <地区>` on the first line (`/import --issuer 云霄县` then the notice, or pasted above
 * it) supplies the issuer as the CLI's option does. An input method's dashes (——issuer, －－issuer)
 * read the same. The option stays in the kept text, so /apply reads the notice the same way.
 */
export function withIssuer(text: string): { text: string; issuer?: string } {
  const m = /^\s*(?:--|——|—|－－|－)\s*issuer(?:\s*[=:：]\s*|\s+)([^\s,，;；]+)[ \t]*(?:\r?\n)?/i.exec(text);
  return m?.[1] ? { text: text.slice(m[0].length), issuer: m[1] } : { text };
}
