import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords } from '../../../lib/csv-records.ts';
import type { ModelArtifact } from '../../../models/model-types.ts';
import { scoreTableFile, scoreTableRecords, type RowValue } from '../../../models/score-table.ts';
import { trainTableModels, type Registered } from '../../../models/workflows.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../helpers/warehouse.ts';
import { sharedData } from '../../helpers/shared-data.ts';

const german = sharedData('german_credit', 'germancredit.csv');
const amount = 'credit_amount';
const rate = 'installment_rate_in_percentage_of_disposable_income';
const quoted = (v: string) => (/[",\n]/u.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * German credit with its amounts written "1,169" and its installment rates "4%", trained and scored
 * through the file and JSON rows, against the same table written as plain numbers.
 */
describe('a table whose numbers are written with thousands separators and percent signs', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let written: Registered[];
  let plain: Registered[];
  const dir = tmpDir('number-formats');
  const formatted = join(dir, 'formatted.csv');
  const logs: string[] = [];
  let header: string[] = [];
  const rows: string[][] = [];

  beforeAll(async () => {
    for await (const r of csvRecords(createReadStream(german, { encoding: 'utf8' })))
      if (r.fields.length > 1) {
        if (header.length === 0) header = r.fields;
        else rows.push(r.fields);
      }
    const [a, p] = [header.indexOf(amount), header.indexOf(rate)];
    const cells = rows.map((r) =>
      r.map((v, j) => (j === a ? Number(v).toLocaleString('en-US') : j === p ? `${v}%` : v)),
    );
    writeFileSync(formatted, [header, ...cells].map((r) => r.map(quoted).join(',')).join('\n') + '\n');
    expect(readFileSync(formatted, 'utf8')).toMatch(/,"1,169",.*,4%,/u);
    wh = await testWarehouse('number_formats');
    const train = (path: string, name: string, log?: (l: string) => void) =>
      trainTableModels(wh, {
        path,
        name,
        target: 'creditability',
        badValue: 'bad',
        testShare: 0.3,
        seed: 5,
        kinds: ['scorecard', 'network', 'gbm'],
        actor: 'test',
        outDir: join(dir, 'models'),
        log: log ?? (() => undefined),
      });
    written = await train(formatted, 'written', (l) => logs.push(l));
    plain = await train(german, 'plain');
  }, 300_000);
  afterAll(() => disposeIfOpened(wh));

  it('reads both columns as numbers: the same training rows as the plain table, the gate saying how', () => {
    expect(logs).toContain('loaded 1000 rows: 7 numeric and 13 categorical features');
    expect(logs).toContain(
      `  ${amount}: numeric (number-format) — numbers written with thousands separators (1,234.5), read as numbers`,
    );
    expect(logs.some((l) => l.startsWith(`  ${rate}: numeric (number-format) — numbers written as percentages`))).toBe(
      true,
    );
    written.forEach((w, k) => {
      expect(w.model.fingerprint).toBe(plain[k]!.model.fingerprint);
      expect(w.model.metrics.test.auc).toBe(plain[k]!.model.metrics.test.auc);
    });
  });

  it('records how each column was read in the artifact', () => {
    for (const { model, cardDir } of written) {
      const read = model.artifact.numberFormats ?? {};
      for (const [f, form] of Object.entries(read)) expect(form).toBe(f === amount ? 'thousands' : 'percent');
      const saved = JSON.parse(readFileSync(join(cardDir, 'artifact.json'), 'utf8')) as ModelArtifact;
      expect(saved.numberFormats).toEqual(model.artifact.numberFormats);
    }
    expect(written.find((w) => w.model.artifact.kind === 'gbm')!.model.artifact.numberFormats).toEqual({
      [amount]: 'thousands',
      [rate]: 'percent',
    });
    for (const { model } of plain) expect(model.artifact.numberFormats).toBeUndefined();
  });

  it("scoring the written file gives the plain table's scores, and so do JSON rows in either form", async () => {
    for (const [k, { model }] of written.entries()) {
      const { scores: fromWritten } = await scoreTableFile(model, formatted);
      const { scores: fromPlain } = await scoreTableFile(plain[k]!.model, german);
      expect(fromWritten.map((s) => [s.probability, s.points, s.grade, s.reasons])).toEqual(
        fromPlain.map((s) => [s.probability, s.points, s.grade, s.reasons]),
      );
      const record = (r: string[], asText: boolean): Record<string, RowValue> =>
        Object.fromEntries(
          header.map((h, j) => {
            const v = r[j]!;
            if (h === amount) return [h, asText ? Number(v).toLocaleString('en-US') : Number(v)];
            if (h === rate) return [h, asText ? `${v}%` : Number(v)];
            return [h, v];
          }),
        );
      const some = rows.slice(0, 40);
      const expected = fromPlain.slice(0, 40).map((s) => s.probability);
      expect(
        scoreTableRecords(
          model,
          some.map((r) => record(r, true)),
        ).scores.map((s) => s.probability),
      ).toEqual(expected);
      expect(
        scoreTableRecords(
          model,
          some.map((r) => record(r, false)),
        ).scores.map((s) => s.probability),
      ).toEqual(expected);
    }
  });

  it('a cell in another form is refused naming the column, not read another way', () => {
    const model = written[0]!.model;
    const row = Object.fromEntries(header.map((h, j) => [h, rows[0]![j]!])) as Record<string, RowValue>;
    expect(() => scoreTableRecords(model, [{ ...row, [amount]: '1.169,50' }])).toThrow(
      new RegExp(`column ${amount}, row 1: "1\\.169,50" is not a number`, 'u'),
    );
    // the plain model never saw a separator: it reads none
    expect(() => scoreTableRecords(plain[0]!.model, [{ ...row, [amount]: '1,169' }])).toThrow(/is not a number/u);
  });
});
