import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';

/** The default delinquency settings (grace 0, DPD from the due date, 12-month observation, 10% contagion). */
export const defaultSettings = defaultSnapshotSettings({
  graceDays: 0,
  dpdConvention: 'due_date',
  restructureObservationMonths: 12,
  contagionShare: 0.1,
});
