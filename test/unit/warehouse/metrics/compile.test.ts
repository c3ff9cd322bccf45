import { describe, expect, it } from 'vitest';
import { compileMetric, MetricRequestError } from '../../../../warehouse/metrics/compile.ts';
import { filterKeys } from '../../../../warehouse/metrics/definition.ts';
import { declaredMetrics, metricDefinition, metrics } from '../../../../warehouse/metrics/index.ts';
import { parseMetricRequest } from '../../../../warehouse/metrics/run.ts';

const ctx = {
  database: 'lw',
  asOf: '2024-06-30',
  extraParams: { p_start: '2023-06-30', p_to: '2024-06-30', bucket_order: [] },
};

describe('metric compiler', () => {
  it('compiles every declared metric with defaults', () => {
    for (const def of declaredMetrics) {
      const takes = def.filters ?? filterKeys;
      const takesProduct = takes.includes('product');
      const c = compileMetric(
        def,
        parseMetricRequest({
          ...(takesProduct ? { product: ['mortgage'] } : {}),
          ...(takes.includes('period') ? { from: '2024-01-31', to: '2024-06-30' } : {}),
        }),
        ctx,
      );
      expect(c.query).toMatch(/^SELECT /u);
      expect(c.query).toContain('lw.');
      // every placeholder has its value, and nothing is bound that the text does not use
      const placeholders = new Set([...c.query.matchAll(/\{(\w+):[^}]+\}/gu)].map((m) => m[1]!));
      expect(
        [...placeholders].filter((n) => !Object.hasOwn(c.query_params, n)),
        def.name,
      ).toEqual([]);
      expect(
        Object.keys(c.query_params).filter((n) => n.startsWith('lwp_') && !placeholders.has(n)),
        def.name,
      ).toEqual([]);
      if (takesProduct) expect(Object.values(c.query_params), def.name).toContainEqual(['mortgage']);
      expect(c.columns.length).toBeGreaterThan(0);
      // every declared ratio is a column saying what it divides by: its definition's label (default basis: balance)
      for (const [name, r] of Object.entries(def.ratios)) {
        const label = typeof r.denominatorLabel === 'string' ? r.denominatorLabel : r.denominatorLabel[c.basis];
        expect(
          c.columns.find((x) => x.name === name),
          `${def.name}.${name}`,
        ).toEqual({ name, kind: 'ratio', denominator: label });
      }
    }
  });

  it('binds every request value as a parameter; no value reaches the query text', () => {
    const evil = "'; DROP TABLE loans --";
    const req = parseMetricRequest({
      product: [evil, 'mortgage'],
      region: ['华东'],
      cohort_from: '2023-01',
      to: '2024-05-17',
    });
    const c = compileMetric(metrics.overdue, req, ctx);
    expect(c.query).not.toContain('DROP');
    expect(c.query).not.toContain('华东');
    const bound = (value: unknown) =>
      Object.entries(c.query_params).find(([, v]) => JSON.stringify(v) === JSON.stringify(value))?.[0];
    expect(c.query).toContain(`product IN {${bound([evil, 'mortgage'])}:Array(String)}`);
    expect(c.query).toContain(`region IN {${bound(['华东'])}:Array(String)}`);
    expect(c.query).toContain(`cohort_month >= {${bound('2023-01-01')}:Date}`);
    expect(c.query).toContain(`month_end <= {${bound('2024-05-31')}:Date}`);
  });

  it('rejects unknown group-bys with the allowed list, and malformed requests field by field', () => {
    expect(() => compileMetric(metrics.overdue, parseMetricRequest({ group_by: ['colour'] }), ctx)).toThrow(
      /cannot be grouped by colour; allowed: month_end, product/,
    );
    expect(() => parseMetricRequest({ basis: 'weight' })).toThrow(MetricRequestError);
    expect(() => parseMetricRequest({ from: '2024-13-01' })).toThrow(/from: expected a calendar date YYYY-MM-DD/);
    expect(() => parseMetricRequest({ cohort_from: '2024-1' })).toThrow(/cohort_from: expected a month YYYY-MM/);
    expect(() => parseMetricRequest({ product: Array.from({ length: 500 }, (_, i) => `p${i}`) })).toThrow(/product/);
    expect(() => parseMetricRequest({ group_by: ['month_end; DROP'] })).toThrow(/group_by/);
    expect(() => parseMetricRequest({ nonsense: 1 })).toThrow(/nonsense|Unrecognized/);
  });

  it('keeps the required dimensions of a shape', () => {
    const c = compileMetric(metrics.roll_rate, parseMetricRequest({ group_by: ['product'] }), ctx);
    expect(c.columns.filter((x) => x.kind === 'dimension').map((x) => x.name)).toEqual([
      'from_bucket',
      'to_bucket',
      'product',
    ]);
    expect(c.columns.find((x) => x.name === 'flow_share')?.denominator).toBe('balance at t of loans in from_bucket');
  });

  it('finds dimensions and metrics by own property only: inherited names are unknown, not a crash', () => {
    for (const name of ['constructor', 'hasownproperty', 'tostring', 'valueof', 'isprototypeof']) {
      for (const def of declaredMetrics) {
        expect(() => compileMetric(def, parseMetricRequest({ group_by: [name] }), ctx), `${def.name} ${name}`).toThrow(
          MetricRequestError,
        );
      }
    }
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(metricDefinition(name)).toBeUndefined();
    expect(metricDefinition('overdue')).toBe(metrics.overdue);
  });

  it('with quarterly cohorts, takes only whole quarters: cohort_from a first month, cohort_to a last', () => {
    for (const year of [2021, 2024])
      for (let m = 1; m <= 12; m++) {
        const month = `${year}-${String(m).padStart(2, '0')}`;
        const q = Math.ceil(m / 3);
        const ym = (y: number, mon: number) => `${y}-${String(mon).padStart(2, '0')}`;
        const from = () => parseMetricRequest({ cohort_grain: 'quarter', cohort_from: month });
        const to = () => parseMetricRequest({ cohort_grain: 'quarter', cohort_to: month });
        if (m % 3 === 1) expect(from().cohort_from).toBe(month);
        else
          expect(from).toThrow(
            `cohort_from: ${month} is inside ${year}Q${q} (${ym(year, 3 * q - 2)} to ${ym(year, 3 * q)}): quarterly cohorts are whole quarters, so give ${ym(year, 3 * q - 2)} or ${q === 4 ? ym(year + 1, 1) : ym(year, 3 * q + 1)}`,
          );
        if (m % 3 === 0) expect(to().cohort_to).toBe(month);
        else
          expect(to).toThrow(
            `cohort_to: ${month} is inside ${year}Q${q} (${ym(year, 3 * q - 2)} to ${ym(year, 3 * q)}): quarterly cohorts are whole quarters, so give ${q === 1 ? ym(year - 1, 12) : ym(year, 3 * q - 3)} or ${ym(year, 3 * q)}`,
          );
        // monthly cohorts take any month
        expect(parseMetricRequest({ cohort_from: month, cohort_to: month }).cohort_to).toBe(month);
      }
    // one line each, both bounds named
    expect(() => parseMetricRequest({ cohort_grain: 'quarter', cohort_from: '2021-08', cohort_to: '2022-01' })).toThrow(
      /cohort_from: 2021-08 is inside 2021Q3.*\n?.*cohort_to: 2022-01 is inside 2022Q1/su,
    );
  });

  it('refuses inverted ranges and dates the engine cannot hold', () => {
    expect(() => parseMetricRequest({ from: '2024-05-01', to: '2024-01-31' })).toThrow(
      /from: from \(2024-05-01\) is after to \(2024-01-31\)/,
    );
    expect(() => parseMetricRequest({ cohort_from: '2024-05', cohort_to: '2024-01' })).toThrow(
      /cohort_from .* is after cohort_to/,
    );
    expect(() => parseMetricRequest({ to: '2024-02-30' })).toThrow(/to: expected a calendar date/);
    expect(() => parseMetricRequest({ as_of: '2200-01-31' })).toThrow(/as_of: expected a real date/);
    expect(parseMetricRequest({ from: '2024-01-31', to: '2024-01-31' }).from).toBe('2024-01-31');
  });
});
