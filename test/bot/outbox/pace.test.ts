import { describe, expect, it } from 'vitest';
import { DEFAULT_PER_MINUTE, Pacer, robotOf } from '../../../bot/outbox/pace.ts';
import { dingtalkGroup, wecomGroup } from '../../support/alert-world.ts';

describe('outbox.Pacer', () => {
  it('defaults comfortably under the 20 per minute both platforms allow', () => {
    expect(DEFAULT_PER_MINUTE).toBeLessThan(20);
    expect(new Pacer().perMinute).toBe(DEFAULT_PER_MINUTE);
  });

  it('lets a robot send perMinute times at once, then waits until the oldest leaves the minute', () => {
    const p = new Pacer(3);
    for (const at of [0, 1000, 2000]) {
      expect(p.nextSlot('r', at)).toBe(at);
      p.record('r', at);
    }
    expect(p.nextSlot('r', 2500)).toBe(60_000);
    expect(p.nextSlot('r', 60_000)).toBe(60_000);
  });

  it('never allows more than perMinute attempts in any sliding minute', () => {
    const p = new Pacer(15);
    const sent: number[] = [];
    let t = 0;
    while (sent.length < 100) {
      t = Math.max(t, p.nextSlot('r', t));
      p.record('r', t);
      sent.push(t);
      t += 137;
    }
    for (const s of sent) expect(sent.filter((x) => x >= s && x < s + 60_000).length).toBeLessThanOrEqual(15);
  });

  it('paces robots independently', () => {
    const p = new Pacer(1);
    p.record('a', 0);
    expect(p.nextSlot('a', 0)).toBe(60_000);
    expect(p.nextSlot('b', 0)).toBe(0);
  });

  it('refuses a pace below one message a minute', () => {
    expect(() => new Pacer(0)).toThrow(/perMinute 0/);
  });
});

describe('outbox.robotOf()', () => {
  it('gives groups sharing a webhook one robot, and never shows the key', () => {
    const a = wecomGroup('a', [], { robot: { key: 'shared-key' } } as never);
    const b = wecomGroup('b', [], { robot: { key: 'shared-key' } } as never);
    expect(robotOf(a)).toBe(robotOf(b));
    expect(robotOf(a)).toMatch(/^wecom:[0-9a-f]{12}$/);
    expect(robotOf(a)).not.toContain('shared-key');
    expect(robotOf(dingtalkGroup('c', []))).toMatch(/^dingtalk:/);
    expect(robotOf(wecomGroup('d', []))).not.toBe(robotOf(a));
  });
});
