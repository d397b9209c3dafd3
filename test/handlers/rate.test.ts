import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LowStore } from '../../data/store.ts';
import { seededTranscript, transcript } from '../support/transcript.ts';
import { otherRound, setTally } from '../support/rounds.ts';
import { SAMPLE_LINE } from '../support/sample.ts';
import { openSeededStore } from '../support/seeded-store.ts';

const { lines } = seededTranscript();

describe('/rate', () => {
  it('without a region answers for the whole province in the latest round', async () => {
    expect(await lines('/rate')).toEqual([
      '【示例数据】福建省 2020年第一季度检查情况',
      SAMPLE_LINE,
      '政府网站：运行435个，检查435个，不合格2个；合格率99.54%，不合格率0.46%',
      '政务新媒体：运行2170个，检查2170个，不合格1个；合格率99.95%，不合格率0.05%',
      '较上期：暂无上期数据可比。',
      '单项否决：福建省教育厅（栏目不更新）；福建省民政厅（栏目不更新）；平潭政务（微信公众号，内容不更新）',
      '来源：福建省人民政府办公厅（2020-04-13印发）；整改情况报送截止2020-04-17',
    ]);
  });

  it('answers 福州: 39/39/0 websites and 303/303/0 accounts, no vetoes', async () => {
    const reply = await lines('/rate 福州');
    expect(reply[0]).toBe('【示例数据】福州市 2020年第一季度检查情况');
    expect(reply).toContain('政府网站：运行39个，检查39个，不合格0个；合格率100.00%，不合格率0.00%');
    expect(reply).toContain('政务新媒体：运行303个，检查303个，不合格0个；合格率100.00%，不合格率0.00%');
    expect(reply).toContain('单项否决：无');
  });

  it('answers 省直: 50/50 with 2 failed, 4.00%', async () => {
    const reply = await lines('/rate 省直');
    expect(reply[0]).toBe('【示例数据】省直部门 2020年第一季度检查情况');
    expect(reply).toContain('政府网站：运行50个，检查50个，不合格2个；合格率96.00%，不合格率4.00%');
    expect(reply).toContain('单项否决：福建省教育厅（栏目不更新）；福建省民政厅（栏目不更新）');
  });

  it('answers 平潭 as its own region: new media 22/22 with 1 failed, 4.55%', async () => {
    const reply = await lines('/rate 平潭');
    expect(reply[0]).toBe('【示例数据】平潭综合实验区 2020年第一季度检查情况');
    expect(reply).toContain('政务新媒体：运行22个，检查22个，不合格1个；合格率95.45%，不合格率4.55%');
    expect(reply).toContain('单项否决：平潭政务（微信公众号，内容不更新）');
  });

  it('takes a period argument in either position', async () => {
    expect((await lines('/rate 2020Q1'))[0]).toBe('【示例数据】福建省 2020年第一季度检查情况');
    expect((await lines('/rate 2020年第一季度 福州'))[0]).toBe('【示例数据】福州市 2020年第一季度检查情况');
  });

  it('says which periods exist when asked for one it does not have', async () => {
    expect(await lines('/rate 福州 2019Q4')).toEqual([
      '2019年第四季度 没有涉及福州市的检查数据。',
      '已有期次：2020Q1',
    ]);
  });

  it('answers a district the notice does not list with its city, naming both', async () => {
    const reply = await lines('/rate 沙县');
    expect(reply[0]).toBe('【示例数据】三明市 2020年第一季度检查情况');
    expect(reply).toContain('本期通报未单列沙县区（三明市，350405），以下为三明市的数据。');
  });

  it('mentions the city a district name could also mean', async () => {
    const reply = await lines('/rate 鲤城');
    expect(reply).toContain('“鲤城”也可能指：泉州市。');
    expect(reply).toContain('本期通报未单列鲤城区（泉州市，350502），以下为泉州市的数据。');
  });

  it('answers an unknown region with the closest names, never a bare error', async () => {
    expect(await lines('/rate 福洲')).toEqual([
      '未找到地区“福洲”',
      '您是不是要找：福州市、抚州市（江西省）、福建省？',
    ]);
  });

  it('answers a name unlike any region with a hint on how to write one', async () => {
    expect(await lines('/rate 火星')).toEqual([
      '未找到地区“火星”',
      '请检查地区名称，可用全称、简称或旧称（如“沙县”“龙海市”）。',
    ]);
  });

  it('refuses a second region argument, naming it', async () => {
    expect((await lines('/rate 福州 厦门'))[0]).toBe('无法识别的参数“厦门”');
  });
});

describe('/rate with a second round', () => {
  let two: LowStore;
  let cleanupTwo: () => Promise<void>;
  beforeAll(async () => {
    ({ store: two, cleanup: cleanupTwo } = await openSeededStore());
    const q2 = otherRound(two.dataset().rounds[0]!.file, '2020Q2', (f) => {
      setTally(f, '35', 'website', { failed: 4 });
      setTally(f, '3501', 'newmedia', { failed: 3 });
      setTally(f, '35', 'newmedia', { failed: 4 });
    });
    await two.applyImport(q2, new Date('2020-07-14T09:00:00+08:00'));
  });
  afterAll(() => cleanupTwo());
  const linesTwo = (text: string) => transcript(two).lines(text);

  it('answers with the latest round and the change since the previous one', async () => {
    const reply = await linesTwo('/rate');
    expect(reply[0]).toBe('福建省 2020年第二季度检查情况');
    expect(reply).toContain(
      '较上期（2020年第一季度）：政府网站合格率下降0.46个百分点；政务新媒体合格率下降0.14个百分点',
    );
  });

  it('shows a region whose rate did not move as unchanged', async () => {
    expect(await linesTwo('/rate 厦门')).toContain(
      '较上期（2020年第一季度）：政府网站合格率持平；政务新媒体合格率持平',
    );
  });

  it('shows a drop for 福州 new media and no change for its websites', async () => {
    expect(await linesTwo('/rate 福州')).toContain(
      '较上期（2020年第一季度）：政府网站合格率持平；政务新媒体合格率下降0.99个百分点',
    );
  });

  it('answers an older period on request, with nothing before it to compare', async () => {
    const reply = await linesTwo('/rate 福州 2020Q1');
    expect(reply[0]).toBe('【示例数据】福州市 2020年第一季度检查情况');
    expect(reply).toContain('较上期：暂无上期数据可比。');
  });

  it('shows a rise when the earlier round was worse', async () => {
    const { store: s, cleanup: c } = await openSeededStore();
    try {
      await s.applyImport(
        otherRound(s.dataset().rounds[0]!.file, '2019Q4', (f) =>
          setTally(f, '35-sz', 'website', { failed: 5 }),
        ),
        new Date('2020-04-14T09:00:00+08:00'),
      );
      expect(await transcript(s).lines('/rate 省直')).toContain(
        '较上期（2019年第四季度）：政府网站合格率上升6.00个百分点；政务新媒体合格率持平',
      );
    } finally {
      await c();
    }
  });

  it('never answers 单项否决：无 for failures a notice names without their problem, and invents no veto item', async () => {
    const { store: s, cleanup: c } = await openSeededStore();
    try {
      await s.applyImport(
        otherRound(s.dataset().rounds[0]!.file, '2020Q2', (f) => {
          for (const x of f.failures)
            Object.assign(x, { problem: '未注明问题', problemCode: 'W_OTHER', veto: false });
        }),
        new Date('2020-07-14T09:00:00+08:00'),
      );
      const reply = await transcript(s).lines('/rate');
      expect(reply).not.toContain('单项否决：无');
      expect(reply).toContain('单项否决：通报未注明问题，3个不合格（见 /fail）');
    } finally {
      await c();
    }
  });
});
