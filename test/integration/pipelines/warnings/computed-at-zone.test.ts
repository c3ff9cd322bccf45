import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runKillableChild } from '../../../helpers/killable-child.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A day's computed_at is UTC whatever the zone of the process (the embedded engine shows a DateTime
 * in the process's zone): a run's end is written as UTC text and read back in the zone it was
 * parsed in, a warning's fired_at (the engine's now()) is read in UTC. In the suite's own process,
 * which runs in UTC, either mistake would pass: a child in Shanghai (UTC+8) and in Honolulu (UTC−10).
 */
describe('warnings: computed_at in UTC from a process in another time zone', () => {
  const seconds = (iso: string) => iso.slice(0, 19).replace('T', ' ');
  for (const zone of ['Asia/Shanghai', 'Pacific/Honolulu'])
    it(`TZ=${zone}: a run's end and a stored warning's time read back in UTC`, async () => {
      const dir = join(tmpDir('computed_at_zone'), zone.replace('/', '_'));
      const { out } = await runKillableChild('test/helpers/warning-day-child.ts', [dir], undefined, { TZ: zone });
      const line = /RESULT (.*)/u.exec(out);
      expect(line, out).not.toBeNull();
      const r = JSON.parse(line![1]!) as {
        zone: string;
        before: string;
        after: string;
        end: string;
        run: { state: string; computed_at: string };
        fired: { state: string; computed_at: string };
      };
      expect(r.zone).toBe(zone);
      // within the UTC clock around them, to the second (the clock read before is floored, after ceiled)
      const from = seconds(r.before);
      const to = seconds(new Date(Date.parse(r.after) + 999).toISOString());
      for (const day of [r.run, r.fired]) {
        expect(day.state).toBe('computed');
        expect(day.computed_at >= from && day.computed_at <= to, `${day.computed_at} in [${from}, ${to}]`).toBe(true);
      }
      expect(r.run.computed_at).toBe(r.end);
    });
});
