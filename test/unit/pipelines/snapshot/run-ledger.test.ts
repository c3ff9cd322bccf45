import { describe, expect, it } from 'vitest';
import { snapshotFingerprint } from '../../../../pipelines/snapshot/run-ledger.ts';
import type { SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { defaultSettings } from '../../../helpers/settings.ts';

const db = { database: 'lw' };

/** Each setting changed on its own: a fingerprint that missed one would let a refresh mix two settings. */
const changes: [string, Partial<SnapshotSettings>][] = [
  ['graceDays', { graceDays: 3 }],
  ['dpdConvention', { dpdConvention: 'grace_end' }],
  ['restructureObservationMonths', { restructureObservationMonths: 6 }],
  ['contagionShare', { contagionShare: 0.2 }],
  ['bucketBounds', { bucketBounds: [30, 60, 90, 180] }],
  ['creditCardProducts', { creditCardProducts: ['credit_card', 'card_plus'] }],
  ['nonRetailProducts', { nonRetailProducts: ['small_business'] }],
  ['fiveClassBounds.retail', { fiveClassBounds: { ...defaultSettings.fiveClassBounds, retail: [90, 180, 360] } }],
  [
    'fiveClassBounds.creditCard',
    { fiveClassBounds: { ...defaultSettings.fiveClassBounds, creditCard: [60, 120, 180] } },
  ],
];

describe('snapshotFingerprint', () => {
  const base = snapshotFingerprint(db, defaultSettings);

  it('is the same for the same settings and database, and names the database it was computed for', () => {
    expect(snapshotFingerprint(db, structuredClone(defaultSettings))).toBe(base);
    expect(snapshotFingerprint({ database: 'other' }, defaultSettings)).not.toBe(base);
  });

  it.each(changes)('changes with %s', (_, change) => {
    expect(snapshotFingerprint(db, { ...defaultSettings, ...change })).not.toBe(base);
  });

  it('covers every setting there is (a new one needs a case above)', () => {
    expect(Object.keys(defaultSettings).sort()).toEqual([...new Set(changes.map(([k]) => k.split('.')[0]!))].sort());
  });
});
