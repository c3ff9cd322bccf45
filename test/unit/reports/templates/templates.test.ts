import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { templates } from '../../../../reports/catalogue.ts';
import { formatMoney, languages } from '../../../../reports/i18n.ts';
import { chartSpec } from '../../../../reports/spec.ts';
import type { Row } from '../../../../reports/template.ts';

const require = createRequire(import.meta.url);
// the package's exports hide build/, so the schema is found next to its main entry
const schema = JSON.parse(
  readFileSync(join(dirname(require.resolve('vega-lite')), 'vega-lite-schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
const rows = JSON.parse(readFileSync(new URL('../../../fixtures/reports/rows.json', import.meta.url), 'utf8')) as Record<
  string,
  Row[]
>;

/** The compiled Vega spec without the inline rows (those are the fixture): what the snapshot pins. */
const withoutValues = (spec: vega.Spec) => ({
  ...spec,
  data: spec.data?.map((d) => ('values' in d ? { ...d, values: `(${(d.values as unknown[]).length} rows)` } : d)),
});

describe('report templates', () => {
  it('cover both packs with unique ids, and the fixture has rows for each', () => {
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    expect(new Set(templates.map((t) => t.pack))).toEqual(new Set(['management', 'regulatory']));
    for (const t of templates) expect(rows[t.id]?.length, t.id).toBeGreaterThan(0);
  });

  for (const t of templates) {
    for (const lang of languages) {
      it(`${t.id} (${lang}): valid Vega-Lite, compiles without warnings, renders marks; compiled spec snapshot`, async () => {
        const spec = chartSpec(t, rows[t.id]!, lang);
        const ok = validate(spec);
        expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
        const warnings: string[] = [];
        const logger = {
          level: () => logger,
          warn: (...a: unknown[]) => {
            warnings.push(a.join(' '));
            return logger;
          },
          info: () => logger,
          debug: () => logger,
          error: (...a: unknown[]) => {
            throw new Error(a.join(' '));
          },
        };
        const compiled = compile(spec, { logger }).spec;
        expect(warnings).toEqual([]);
        const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
        const svg = await view.toSVG();
        view.finalize();
        expect(svg).toContain(t.title[lang].replace(/&/g, '&amp;'));
        expect(svg).toMatch(/class="mark-(rect|line|symbol|text|area)/);
        expect(withoutValues(compiled)).toMatchSnapshot();
      });
    }
  }
});

describe('number formats by language', () => {
  it('money in 万/亿 for Chinese, K/M/B for English', () => {
    expect(formatMoney('zh-CN', 123_456_789)).toBe('1.23亿');
    expect(formatMoney('zh-CN', 45_600)).toBe('4.6万');
    expect(formatMoney('zh-CN', 999)).toBe('999');
    expect(formatMoney('en', 2_500_000_000)).toBe('2.50B');
    expect(formatMoney('en', 4_560_000)).toBe('4.6M');
    expect(formatMoney('en', 45_600)).toBe('45.6K');
  });
});
