import { describe, expect, it } from 'vitest';
import { archiveId, archiveIdPattern, canonicalSegment } from '../../../../reports/archive/pack-id.ts';
import { Rng } from '../../../../lib/random.ts';

const base = { pack: 'management', period: '2024-06', lang: 'zh-CN', inputsSha256: 'a'.repeat(64) } as const;

describe('archive ids', () => {
  it('readable (period, pack, language) and in the API pattern', () => {
    const id = archiveId({ ...base, segment: {} });
    expect(id).toMatch(/^2024-06-management-zh-CN-[0-9a-f]{12}$/u);
    expect(id).toMatch(archiveIdPattern);
    expect(archiveId({ ...base, lang: 'en', pack: 'regulatory', segment: {} })).toMatch(archiveIdPattern);
  });

  it('one id per segment whatever the order of its values; another segment, inputs or language another id', () => {
    const rng = new Rng(19);
    const shuffle = <T>(xs: T[]) => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    };
    const values = ['east', 'north', 'south', 'west', 'central'];
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const picked = values.filter(() => rng.chance(0.5));
      // the same values in another order, one repeated
      const shuffled = shuffle([...picked, ...picked.slice(0, 1)]);
      const id = archiveId({ ...base, segment: { region: shuffled } });
      expect(id).toBe(archiveId({ ...base, segment: { region: [...picked].reverse() } }));
      ids.add(`${picked.join('+')} ${id}`);
    }
    // distinct segments, distinct ids (an empty list is the whole book)
    const bySegment = new Map([...ids].map((s) => s.split(' ') as [string, string]));
    expect(new Set(bySegment.values()).size).toBe(bySegment.size);
    expect(archiveId({ ...base, segment: { region: [] } })).toBe(archiveId({ ...base, segment: {} }));
    const one = archiveId({ ...base, segment: {} });
    expect(archiveId({ ...base, segment: {}, inputsSha256: 'b'.repeat(64) })).not.toBe(one);
    expect(archiveId({ ...base, segment: {}, lang: 'en' })).not.toBe(one);
    expect(archiveId({ ...base, segment: { product: ['east'] } })).not.toBe(
      archiveId({ ...base, segment: { region: ['east'] } }),
    );
  });

  it('canonical segments: keys in one order, values sorted and deduplicated, empty lists dropped', () => {
    expect(canonicalSegment({ branch: ['b2', 'b1', 'b2'], product: [], region: ['west', 'east'] })).toEqual({
      region: ['east', 'west'],
      branch: ['b1', 'b2'],
    });
    expect(JSON.stringify(canonicalSegment({ branch: ['x'], product: ['p'] }))).toBe(
      '{"product":["p"],"branch":["x"]}',
    );
  });
});
