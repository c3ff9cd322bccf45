import { describe, expect, it } from 'vitest';
import { evidenceFields } from '../../../../api/console/warning-evidence.ts';

/** the evidence of each default rule kind, as pipelines/warnings/rule-sql.ts writes it (toJSONString of a named tuple) */
const samples = {
  overdue_3_months: '{"month_end":"2024-06-30","months":3,"dpd":76,"bucket":"M3"}',
  overdue_amount_50k: '{"dpd":76,"overdue_principal":"52000.5","overdue_interest":"1234"}',
  high_score:
    '{"model":"ew_default_90d_scorecard@2","month_end":"2024-06-30","probability":0.6733396158257948,"grade":"E","reasons":["dpd_now","util"]}',
  score_jump:
    '{"model":"m@1","month_end":"2024-06-30","probability":0.41,"previous_month_end":"2024-05-31","previous_probability":0.2}',
  broken_promise: '{"broken":2,"action_id":"a-9","promised_date":"2024-06-20","promised_amount":"1500","paid":"0"}',
};

describe("a warning's evidence as labelled values", () => {
  it('every default rule kind: each field labelled in both languages, probabilities as percents, amounts to the cent, no JSON left', () => {
    for (const lang of ['en', 'zh-CN'] as const)
      for (const [rule, evidence] of Object.entries(samples)) {
        const fields = evidenceFields(evidence, lang);
        expect(Array.isArray(fields), rule).toBe(true);
        const pairs = fields as [string, string][];
        expect(pairs.length, rule).toBe(Object.keys(JSON.parse(evidence) as object).length);
        for (const [k, v] of pairs) {
          // a label, not the code (codes are snake_case)
          expect(k, `${rule} ${k}`).not.toMatch(/_/u);
          expect(v, `${rule} ${k}`).not.toMatch(/[{}"[\]]/u);
        }
      }
    expect(evidenceFields(samples.high_score, 'en')).toEqual([
      ['Model', 'ew_default_90d_scorecard@2'],
      ['Month-end', '2024-06-30'],
      ['Model probability', '67.33%'],
      ['Grade', 'E'],
      // a catalogue feature in words; a name the catalogue does not hold (a table model's column) as it is
      ['Reason codes', 'Days past due now, util'],
    ]);
    expect(evidenceFields(samples.high_score, 'zh-CN').at(-1)).toEqual(['原因代码', '当前逾期天数, util']);
    expect(evidenceFields(samples.overdue_amount_50k, 'zh-CN')).toEqual([
      ['逾期天数', '76'],
      ['逾期本金', '52,000.50'],
      ['逾期利息', '1,234.00'],
    ]);
  });

  it("a bank's own rule's fields under their own names; empty values as —; text that is not a JSON object as it is", () => {
    expect(evidenceFields('{"my_field":"x","n":null,"list":[],"nested":{"a":1}}', 'en')).toEqual([
      ['my_field', 'x'],
      ['n', '—'],
      ['list', '—'],
      ['nested', '{"a":1}'],
    ]);
    expect(evidenceFields('{}', 'en')).toEqual([]);
    for (const raw of ['', 'not json', '{"a":', '[1,2]', '"text"', '42', 'null'])
      expect(evidenceFields(raw, 'en'), raw).toBe(raw);
  });
});
