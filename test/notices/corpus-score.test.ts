import { describe, expect, it } from 'vitest';
import { renderCorpus, runCorpus } from './corpus.ts';

/**
 * Issue 12's target: 95% of the facts the fixture notices state. Reached; the floor is the score
 * reached (rounded down to a whole percent), so a fixture added later that the importer reads worse
 * comes with the parser work that keeps it.
 */
const SCORE_FLOOR = 0.98;

describe('the fixture corpus of real notices', () => {
  it('matches at least the floor share of the stated facts, and prints the score', async () => {
    const result = await runCorpus();
    const lines = renderCorpus(result, { misses: false });
    // The score line is part of `npm test` output on purpose (issue 12: "npm test prints the score").
    console.log(lines.join('\n'));
    expect(result.notices.length).toBeGreaterThanOrEqual(20);
    expect(result.score).toBeGreaterThanOrEqual(SCORE_FLOOR);
  });
});
