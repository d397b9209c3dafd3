import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answer } from '../../bot/pipeline.ts';
import type { Dataset } from '../../data/dataset.ts';
import type { InspectionStore } from '../../data/store.ts';
import { replyToText } from '../../handlers/reply.ts';
import { captureLog } from '../support/log-capture.ts';
import { openSeededStore } from '../support/seeded-store.ts';

const NOW = new Date('2020-04-14T10:00:00+08:00');
let seeded: Awaited<ReturnType<typeof openSeededStore>>;
beforeEach(async () => {
  seeded = await openSeededStore();
});
afterEach(() => seeded.cleanup());

/** A store whose read model fails inside a handler, as a bug in a handler would. */
function brokenStore(store: InspectionStore): InspectionStore {
  const data = store.dataset();
  const broken = Object.assign(Object.create(Object.getPrototypeOf(data) as object), data, {
    tally: () => {
      throw new Error('tally exploded');
    },
  }) as Dataset;
  return Object.assign(Object.create(store) as InspectionStore, { dataset: () => broken });
}

describe('answer()', () => {
  it('runs parse → handler → reply for any text', async () => {
    const { log } = captureLog();
    const reply = await answer({ store: seeded.store, log, now: () => NOW }, '／rate　平潭', {
      platform: 'cli',
    });
    expect(replyToText(reply)).toContain(
      '政务新媒体：运行22个，检查22个，不合格1个；合格率95.45%，不合格率4.55%',
    );
  });

  it('turns a handler failure into a friendly reply and logs the error with the text', async () => {
    const { log, lines } = captureLog();
    const reply = await answer({ store: brokenStore(seeded.store), log, now: () => NOW }, '/rate 福州', {
      platform: 'wecom',
    });
    expect(reply).toEqual({
      title: '抱歉，处理这条消息时出错了，已记录。请稍后再试。',
      lines: [],
      mentions: [],
    });
    const logged = lines.find((l) => l.msg === 'handler failed');
    expect(logged).toMatchObject({ text: '/rate 福州', err: { message: 'tally exploded' } });
  });
});
