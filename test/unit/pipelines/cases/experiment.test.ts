import { describe, expect, it } from 'vitest';
import { assignArm, parseExperiment } from '../../../../pipelines/cases/experiment.ts';

const withArms = (...names: string[]) => ({ name: 'x', arms: names.map((name) => ({ name, weight: 1 })) });

describe('experiment and arm names', () => {
  it('take letters and digits of any script, and _ . -', () => {
    const e = parseExperiment({
      name: '短信试验-2024Q3',
      arms: [
        { name: '短信优先', weight: 1 },
        { name: 'ринг_1', weight: 1 },
        { name: 'सूचना', weight: 1 },
        { name: 'calls.v2', weight: 1 },
      ],
    });
    expect(e.arms.map((a) => a.name)).toEqual(['短信优先', 'ринг_1', 'सूचना', 'calls.v2']);
    expect(e.arms.map((a) => a.name)).toContain(assignArm(e.name, 'L000000001', e.arms));
    expect(parseExperiment(withArms('电'.repeat(32), 'b')).arms[0]!.name).toHaveLength(32);
  });

  it('refuse a character that breaks a CSV cell, a URL or a file name, naming it', () => {
    for (const [name, named] of [
      ['短信,优先', '","'],
      ['短信 优先', 'a space'],
      ['a/b', '"/"'],
      ['say"hi"', '"\\""'],
      ['a?b#c', '"?", "#"'],
      ['50%', '"%"'],
      ['line\nbreak', 'U+000A'],
      ['短信，优先', '"，"'],
    ] as const) {
      expect(() => parseExperiment(withArms(name, 'b')), name).toThrow(
        `invalid experiment: arms.0.name: ${JSON.stringify(name)} holds ${named}: a name is letters and digits of any script, _ . and -`,
      );
    }
    expect(() => parseExperiment({ ...withArms('a', 'b'), name: 'x y' })).toThrow(
      /^invalid experiment: name: "x y" holds a space/u,
    );
    expect(() => parseExperiment(withArms('电'.repeat(33), 'b'))).toThrow('arms.0.name: at most 32 characters');
    expect(() => parseExperiment(withArms('', 'b'))).toThrow('arms.0.name: empty');
  });
});
