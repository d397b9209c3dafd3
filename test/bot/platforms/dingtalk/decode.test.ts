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

  it.each(['picture', 'richText', 'audio', 'video'])(
    'marks a %s message unsupported, with no text',
    (msgtype) => {
      const { text: _, ...rest } = official;
      const m = decodeMessage({ ...rest, msgtype, content: { downloadCode: 'x' } }, groups);
      expect(m).toMatchObject({ inbound: { unsupported: msgtype, text: '', msgId: official.msgId } });
      expect(m?.session?.url).toBe(official.sessionWebhook);
    },
  );

  it('carries a file sent to the robot: download code, name and robot code (§10.1)', () => {
    const { text: _, ...rest } = official;
    const body = {
      ...rest,
      msgtype: 'file',
      robotCode: 'dingROBOT',
      content: { downloadCode: 'dc1', fileName: '通报.docx', spaceId: '1', fileId: '2' },
    };
    const m = decodeMessage(body, groups);
    expect(m?.inbound).toMatchObject({
      text: '',
      file: {
        platform: 'dingtalk',
        name: '通报.docx',
        handle: { downloadCode: 'dc1', robotCode: 'dingROBOT' },
      },
    });
    expect(m?.inbound.unsupported).toBeUndefined();
    expect(() => decodeMessage({ ...body, content: { fileName: 'x.docx' } }, groups)).toThrow(
      /content.downloadCode/,
    );
  });

  it('carries a file quoted with an @ in a group (text.repliedMsg), with the words typed beside it', () => {
    const quoted = {
      ...official,
      text: {
        content: ' 导入',
        isReplyMsg: true,
        repliedMsg: {
          msgType: 'file',
          msgId: 'm0',
          senderId: 's',
          createdAt: 1,
          content: { downloadCode: 'dc2', fileName: '汇总.xlsx' },
        },
      },
    };
    expect(decodeMessage(quoted, groups)?.inbound).toMatchObject({
      text: '导入',
      groupId: 'fuzhou',
      file: { platform: 'dingtalk', name: '汇总.xlsx', handle: { downloadCode: 'dc2' } },
    });
  });

  it('marks a bare quote whose file came without a download code, and leaves quoted text alone', () => {
    const quote = (msgType: string, content: string) => ({
      ...official,
      text: { content, isReplyMsg: true, repliedMsg: { msgType, content: {} } },
    });
    expect(decodeMessage(quote('unknownMsgType', ' '), groups)?.inbound.unsupported).toBe('unknownMsgType');
    expect(decodeMessage(quote('file', ''), groups)?.inbound.unsupported).toBe('unknownMsgType');
    expect(decodeMessage(quote('picture', ''), groups)?.inbound.unsupported).toBe('picture');
    const asked = decodeMessage(quote('text', ' /rate 福州'), groups)?.inbound;
    expect(asked).toMatchObject({ text: '/rate 福州' });
    expect(asked?.unsupported).toBeUndefined();
    expect(asked?.file).toBeUndefined();
  });

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
