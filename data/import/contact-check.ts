import { sheetText as tx } from './text/sheet.ts';

/**
 * The one rule for a contact's phone and platform ids, whichever door brings them (a register
 * spreadsheet's cells, the API's JSON): a phone of digits (with + - ( ) and spaces, as offices
 * write them), and a 企业微信 userid or 钉钉 userId of 1–64 printable ASCII characters without
 * spaces — what the platforms accept in a mention.
 */
export type ContactField = 'mobile' | 'wecomUserId' | 'dingtalkUserId';

const MOBILE = /^[\d+\-() ]{5,20}$/;
const USER_ID = /^[\x21-\x7e]{1,64}$/;

/** Each field of `contact` that breaks the rule, with the reason in the import's words. */
export function contactProblems(contact: Partial<Record<ContactField, string>>): Array<{ field: ContactField; reason: string }> {
  const out: Array<{ field: ContactField; reason: string }> = [];
  if (contact.mobile && !MOBILE.test(contact.mobile)) out.push({ field: 'mobile', reason: tx.badMobile(contact.mobile) });
  for (const field of ['wecomUserId', 'dingtalkUserId'] as const) {
    const id = contact[field];
    if (id && !USER_ID.test(id)) out.push({ field, reason: tx.badUserId(id) });
  }
  return out;
}
