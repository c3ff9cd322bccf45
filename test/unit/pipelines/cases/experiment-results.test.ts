import { describe, expect, it } from 'vitest';
import {
  experimentResults,
  ExperimentRequestError,
  type ExperimentSegment,
} from '../../../../pipelines/cases/experiment-results.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import type { Warehouse } from '../../../../warehouse/connection.ts';

describe('experiment results', () => {
  it('a segment naming an inherited property is refused before any SQL is built', async () => {
    const wh = {} as Warehouse; // never reached
    for (const segment of ['constructor', 'toString', '__proto__']) {
      await expect(
        experimentResults(wh, {
          experiment: 'e',
          control: 'a',
          asOf: '2024-06-01',
          until: '2024-07-01',
          segment: segment as ExperimentSegment,
          settings: defaultSettings,
        }),
      ).rejects.toThrow(ExperimentRequestError);
    }
  });
});
