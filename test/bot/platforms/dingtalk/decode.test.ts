import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../../../bot/errors.ts';
import { decodeMessage, stripMention } from '../../../../bot/platforms/dingtalk/decode.ts';
import { groups } from './helpers.ts';

/** The group text message of the official receive-message example (§5.2), with our conversation. */
const official = {
  conversationId: 'cidFUZHOU',
  atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }],
  chatbotCorpId: 'dinge8a565xxxx',
  chatbotUserId: '$:LWCP_v1:$bot',
  msgId: 'msgdzW2Kw4R+ybmFuO5Tzp1lQ==',
  senderNick: '张三',
  isAdmin: true,
  senderStaffId: 'manager7675',
  sessionWebhookExpiredTime: 1613633969599,
  createAt: 1613628568000,
  senderCorpId: 'dinge8a565xxxx',
  conversationType: '2',
  senderId: '$:LWCP_v1:$Ff09GIxxxx',
  conversationTitle: '福州市检查群',
  isInAtList: true,
  sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=xxxx',
  text: { content: ' /rate 福州' },
  robotCode: 'dingROBOT',
  msgtype: 'text',
};

describe('dingtalk.decodeMessage()', () => {
  it('decodes a group text message: text, conversation, sender, msgId and session webhook', () => {
    expect(decodeMessage(official, groups)).toEqual({
      inbound: {
        platform: 'dingtalk',
        msgId: 'msgdzW2Kw4R+ybmFuO5Tzp1lQ==',
        text: '/rate 福州',
        sender: { platform: 'dingtalk', dingtalkUserId: 'manager7675', name: '张三' },
        conversationId: 'cidFUZHOU',
        groupId: 'fuzhou',
      },
      session: {
        url: 'https://oapi.dingtalk.com/robot/sendBySession?session=xxxx',
        expiresAt: 1613633969599,
      },
    });
  });

  it('leaves groupId out for an undeclared group and for a single chat', () => {
    expect(
      decodeMessage({ ...official, conversationId: 'cidOTHER' }, groups)?.inbound.groupId,
    ).toBeUndefined();
    expect(decodeMessage({ ...official, conversationType: '1' }, groups)?.inbound.groupId).toBeUndefined();
  });

  it('keeps a sender from outside the organisation (no senderStaffId) without a userId', () => {
    const { senderStaffId: _, ...outsider } = official;
    expect(decodeMessage(outsider, groups)?.inbound.sender).toEqual({ platform: 'dingtalk', name: '张三' });
  });

  it.each(['picture', 'richText', 'file', 'audio', 'video'])(
    'marks a %s message unsupported, with no text',
    (msgtype) => {
      const { text: _, ...rest } = official;
      const m = decodeMessage({ ...rest, msgtype, content: { downloadCode: 'x' } }, groups);
      expect(m).toMatchObject({ inbound: { unsupported: msgtype, text: '', msgId: official.msgId } });
      expect(m?.session?.url).toBe(official.sessionWebhook);
    },
  );

  it('returns null for a body that is not a robot message', () => {
    expect(decodeMessage({ hello: 'world' }, groups)).toBeNull();
    expect(decodeMessage(null, groups)).toBeNull();
    expect(decodeMessage([1, 2], groups)).toBeNull();
  });

  it('names the missing fields of a malformed text message', () => {
    const { msgId: _, sessionWebhook: __, ...broken } = official;
    expect(() => decodeMessage(broken, groups)).toThrow(PayloadError);
    expect(() => decodeMessage(broken, groups)).toThrow(/msgId, sessionWebhook/);
    expect(() => decodeMessage({ ...official, text: 'hi' }, groups)).toThrow(/text/);
    expect(() => decodeMessage({ ...official, sessionWebhookExpiredTime: 'soon' }, groups)).toThrow(
      /sessionWebhookExpiredTime/,
    );
  });
});

describe('dingtalk.stripMention()', () => {
  it('trims the leading space DingTalk leaves after the @ and a leftover @bot', () => {
    expect(stripMention(' /rate 福州')).toBe('/rate 福州');
    expect(stripMention('@巡检助手 /rate 福州')).toBe('/rate 福州');
    expect(stripMention('\u2005/help ')).toBe('/help');
  });
});
