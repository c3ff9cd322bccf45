import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../../../models/registry/registry.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { listWarnings } from '../../../../pipelines/warnings/list-warnings.ts';
import { parseWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { exec } from '../../../../warehouse/connection.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

const rules = parseWarningRules({ rules: [{ id: 'drift', kind: 'model_drift', max_psi: 0.25, auc_drop: 0.05 }] });

describe('model monitoring warnings', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let champion: ModelVersion;
  const asOf = '2024-06-30';
  beforeAll(async () => {
    wh = await warehouseWithBook('drift', { loans: 2000, months: 24, seed: 21 });
    // trained and promoted, not scored: the drift rule scores ew_features itself (models/evaluate/monitor.ts)
    champion = await withScoredChampion(wh, { scoreMonthEnds: [] });
  });
  afterAll(() => disposeIfOpened(wh));

  it('a book like the training one raises no retraining signal', async () => {
    const [o] = await fireWarnings(wh, { asOf, rules, settings: defaultSettings, champion });
    expect(o).toMatchObject({ rule_id: 'drift', fired: 0, skipped: null });
  });

  it('an injected drift after the training window raises PSI and AUC warnings for those months', async () => {
    // half the loans look seriously delinquent after training, and the outcomes no longer follow the score
    await exec(
      wh,
      `ALTER TABLE ${wh.database}.ew_features UPDATE dpd_now = 45, max_dpd_3m = 45, max_dpd_6m = 45, max_dpd_12m = 45,
        months_delinquent_6m = 3, months_delinquent_12m = 3, months_since_delinquent = 0, overdue_ratio = 0.2, paid_share_3m = 0
      WHERE month_end > {te:Date} AND cityHash64(loan_id) % 2 = 0`,
      { te: champion.metrics.train_end },
      { mutations_sync: 2 },
    );
    await exec(
      wh,
      `ALTER TABLE ${wh.database}.ew_features UPDATE label = 1 - label WHERE month_end > {te:Date} AND label_observed = 1`,
      { te: champion.metrics.train_end },
      { mutations_sync: 2 },
    );
    const [o] = await fireWarnings(wh, { asOf, rules, settings: defaultSettings, champion });
    expect(o!.fired).toBeGreaterThan(0);
    const ws = await listWarnings(wh, { asOf, filters: { kind: ['model_drift'] }, limit: 100 });
    expect(ws).toHaveLength(o!.fired);
    for (const w of ws) {
      expect(w).toMatchObject({
        loan_id: '',
        model: `${champion.model_name}@${champion.version}`,
        threshold: 0.25,
        severity: 'warning',
      });
      expect(String(w.evidence.month_end) > String(champion.metrics.train_end)).toBe(true);
      expect(w.value).toBeGreaterThan(0.25);
    }
    const signals = ws.flatMap((w) => w.evidence.signals as string[]);
    expect(signals.some((s) => s.startsWith('score PSI'))).toBe(true);
    expect(signals.some((s) => s.startsWith('AUC'))).toBe(true);
  });
});
