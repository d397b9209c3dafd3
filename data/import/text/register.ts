/** What a register import changed about contacts, as the audit trail (/audit, GET /api/audit) shows it. */
const fieldName = { mobile: '手机', wecomUserId: '企业微信', dingtalkUserId: '钉钉' } as const;

export const registerChangeText = {
  added: (unit: string, who: string) => `${unit}：＋${who}`,
  removed: (unit: string, who: string) => `${unit}：－${who}`,
  changed: (unit: string, who: string, diffs: string[]) => `${unit}：${who} ${diffs.join('，')}`,
  field: (f: keyof typeof fieldName, before: string | undefined, after: string | undefined) => {
    const show = (v: string | undefined) => (!v ? '（无）' : f === 'mobile' ? masked(v) : v);
    return `${fieldName[f]} ${show(before)} → ${show(after)}`;
  },
};

/** A mobile in the audit trail as offices print it: 138****0001 (the trail is read by every admin). */
function masked(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  return digits.length >= 11 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : mobile.replace(/\d(?=\d{2})/g, '*');
}
