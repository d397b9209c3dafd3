import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../../../bot/errors.ts';
import { decodeMessage, stripMention } from '../../../../bot/platforms/wecom/decode.ts';
import { derived } from './vectors.ts';
import { groups, textMessage } from './helpers.ts';

describe('wecom.decodeMessage()', () => {
  it('decodes the derived 智能机器人 text callback', () => {
    const m = decodeMessage(JSON.parse(derived.inbound.expectedPlaintext), groups);
    expect(m).toEqual({
      inbound: {
        platform: 'wecom',
        msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=',
        text: 'deploy status',
        sender: { platform: 'wecom', wecomUserId: 'zhangsan' },
        conversationId: 'CHATID',
      },
      responseUrl: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSE_CODE',
    });
  });

  it('maps a declared chatid to its group', () => {
    expect(decodeMessage(textMessage('/rate 福州'), groups)?.inbound).toMatchObject({
      groupId: 'fuzhou',
      conversationId: 'wrFUZHOU',
      text: '/rate 福州',
    });
  });

  it('joins the text items of a mixed message', () => {
    const body = {
      msgid: 'm1',
      from: { userid: 'u' },
      msgtype: 'mixed',
      mixed: {
        msg_item: [
          { msgtype: 'text', text: { content: '@巡检助手 /rate' } },
          { msgtype: 'image', image: { url: 'https://x' } },
          { msgtype: 'text', text: { content: '福州' } },
        ],
      },
    };
    expect(decodeMessage(body, groups)?.inbound.text).toBe('/rate 福州');
  });

  it('returns null for events and stream refreshes', () => {
    for (const msgtype of ['event', 'stream', 'location', undefined]) {
      expect(decodeMessage({ msgid: 'x', msgtype, from: { userid: 'u' } }, groups)).toBeNull();
    }
    expect(decodeMessage(null, groups)).toBeNull();
  });

  it.each(['image', 'voice', 'video'])('marks a %s message unsupported, with no text', (msgtype) => {
    const m = decodeMessage(
      { msgid: 'x', msgtype, from: { userid: 'u' }, [msgtype]: { url: 'https://x' } },
      groups,
    );
    expect(m?.inbound).toMatchObject({ unsupported: msgtype, text: '' });
  });

  it('carries a file sent in a single chat: its URL and, over the long connection, its own aeskey', () => {
    const body = {
      msgid: 'f1',
      chattype: 'single',
      from: { userid: 'zhangsan' },
      msgtype: 'file',
      file: { url: 'https://cos/x', aeskey: 'k' },
    };
    expect(decodeMessage(body, groups)?.inbound).toMatchObject({
      text: '',
      file: { platform: 'wecom', handle: { url: 'https://cos/x', aeskey: 'k' } },
    });
    expect(decodeMessage({ ...body, file: { url: 'https://cos/x' } }, groups)?.inbound.file).toEqual({
      platform: 'wecom',
      handle: { url: 'https://cos/x' },
    });
  });

  it('carries a file quoted with an @ in a group, with the words typed beside it', () => {
    const body = {
      msgid: 'q1',
      chatid: 'wrFUZHOU',
      chattype: 'group',
      from: { userid: 'zhangsan' },
      msgtype: 'text',
      text: { content: '@巡检助手 导入' },
      quote: { msgtype: 'file', file: { url: 'https://cos/q' } },
    };
    expect(decodeMessage(body, groups)?.inbound).toMatchObject({
      text: '导入',
      groupId: 'fuzhou',
      file: { platform: 'wecom', handle: { url: 'https://cos/q' } },
    });
    const quotedText = { ...body, quote: { msgtype: 'text', text: { content: 'x' } } };
    expect(decodeMessage(quotedText, groups)?.inbound.file).toBeUndefined();
  });

  it('refuses a file message without its file', () => {
    expect(() => decodeMessage({ msgid: 'f', msgtype: 'file', from: { userid: 'u' } }, groups)).toThrow(
      PayloadError,
    );
  });

  it('names the missing fields of a malformed text message', () => {
    expect(() => decodeMessage({ msgtype: 'text', text: { content: 'x' } }, groups)).toThrow(PayloadError);
    expect(() => decodeMessage({ msgtype: 'text', text: { content: 'x' } }, groups)).toThrow(/msgid, from/);
  });
});

describe('wecom.stripMention()', () => {
  it('drops the leading @bot and keeps the rest', () => {
    expect(stripMention('@巡检助手 /rate 福州')).toBe('/rate 福州');
    expect(stripMention('  @bot\u2005/help')).toBe('/help');
    expect(stripMention('/rate 福州')).toBe('/rate 福州');
  });
});
