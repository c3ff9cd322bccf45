import { describe, expect, it } from 'vitest';
import { GateFullError, QueryGate } from '../../../api/query-gate.ts';
import { Rng } from '../../../lib/random.ts';

/** A statement the test finishes by hand: the gate's order is observed, never timed. */
function held() {
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // failed before its statement starts, the rejection is still the statement's to report
  done.catch(() => undefined);
  return { done, finish, fail };
}
const settle = () => new Promise<void>((r) => setImmediate(r));

const options = { engineSlots: 1, heavyStatementSlots: 1, heavyRequests: 1, heavyQueue: 2, retryAfterS: 9 };

describe('QueryGate: statements', () => {
  it('a cheap statement goes before every heavy statement queued ahead of it', async () => {
    const gate = new QueryGate(options);
    const order: string[] = [];
    const first = held();
    const running = gate.run('heavy', async () => {
      order.push('heavy-0');
      await first.done;
    });
    const queued = [1, 2, 3].map((i) => gate.run('heavy', () => Promise.resolve(order.push(`heavy-${i}`))));
    const cheap = gate.run('cheap', () => Promise.resolve(order.push('cheap')));
    await settle();
    expect(order).toEqual(['heavy-0']);
    expect(gate.stats().waiting_statements).toEqual({ cheap: 1, heavy: 3 });
    first.finish();
    await Promise.all([running, cheap, ...queued]);
    expect(order).toEqual(['heavy-0', 'cheap', 'heavy-1', 'heavy-2', 'heavy-3']);
  });

  it('heavy statements of different requests take turns, one each: a burst delays another request by one', async () => {
    const gate = new QueryGate(options);
    const order: string[] = [];
    const a = {},
      b = {};
    const first = held();
    const running = gate.run(
      'heavy',
      async () => {
        order.push('a0');
        await first.done;
      },
      a,
    );
    const push = (name: string, owner: object) => gate.run('heavy', () => Promise.resolve(order.push(name)), owner);
    // request a reads ahead: four statements at once; request b sends two after them, then a cheap lookup comes
    const queued = [push('a1', a), push('a2', a), push('a3', a), push('a4', a), push('b1', b), push('b2', b)];
    const cheap = gate.run('cheap', () => Promise.resolve(order.push('cheap')));
    await settle();
    expect(gate.stats().waiting_statements).toEqual({ cheap: 1, heavy: 6 });
    first.finish();
    await Promise.all([running, cheap, ...queued]);
    expect(order).toEqual(['a0', 'cheap', 'a1', 'b1', 'a2', 'b2', 'a3', 'a4']);
    expect(gate.stats().waiting_statements).toEqual({ cheap: 0, heavy: 0 });
  });

  it('on a pool, heavy statements leave the reserved slots to cheap ones', async () => {
    const gate = new QueryGate({ ...options, engineSlots: 4, heavyStatementSlots: 2 });
    const hold = held();
    const heavies = Array.from({ length: 5 }, () => gate.run('heavy', () => hold.done));
    await settle();
    expect(gate.stats().statements).toEqual({ cheap: 0, heavy: 2 });
    // two cheap statements run at once beside the two heavy ones
    const a = held();
    const b = held();
    const cheap = [gate.run('cheap', () => a.done), gate.run('cheap', () => b.done)];
    await settle();
    expect(gate.stats().statements).toEqual({ cheap: 2, heavy: 2 });
    a.finish();
    b.finish();
    hold.finish();
    await Promise.all([...heavies, ...cheap]);
    expect(gate.stats()).toMatchObject({
      statements: { cheap: 0, heavy: 0 },
      waiting_statements: { cheap: 0, heavy: 0 },
    });
  });

  it('frees the slot when a statement fails, and never exceeds its slots (random workloads)', async () => {
    const rng = new Rng(5);
    for (let run = 0; run < 30; run++) {
      const engineSlots = rng.int(1, 4);
      const gate = new QueryGate({ ...options, engineSlots, heavyStatementSlots: rng.int(1, engineSlots) });
      let peak = { all: 0, heavy: 0 };
      const watch = () => {
        const s = gate.stats().statements;
        peak = { all: Math.max(peak.all, s.cheap + s.heavy), heavy: Math.max(peak.heavy, s.heavy) };
      };
      const holds = Array.from({ length: rng.int(5, 25) }, () => ({
        lane: rng.chance(0.5) ? ('heavy' as const) : ('cheap' as const),
        fails: rng.chance(0.3),
        h: held(),
      }));
      const all = holds.map(({ lane, h }) =>
        gate.run(lane, async () => {
          watch();
          await h.done;
        }),
      );
      const settled = Promise.allSettled(all);
      // finish them in a random order, some failing
      for (const i of holds.map((_, i) => i).sort(() => rng.next() - 0.5)) {
        await settle();
        const x = holds[i]!;
        if (x.fails) x.h.fail(new Error('boom'));
        else x.h.finish();
      }
      const results = await settled;
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(holds.filter((x) => x.fails).length);
      expect(peak.all).toBeLessThanOrEqual(engineSlots);
      expect(peak.heavy).toBeLessThanOrEqual(gate.options.heavyStatementSlots);
      expect(gate.stats().statements).toEqual({ cheap: 0, heavy: 0 });
    }
  });
});

describe('QueryGate: heavy requests', () => {
  it('admits in turn, queues up to the depth, refuses beyond it, and releases once per request', async () => {
    const gate = new QueryGate(options);
    const first = await gate.admit();
    const admitted: number[] = [];
    const waiting = [1, 2].map((i) =>
      gate.admit().then((release) => {
        admitted.push(i);
        return release;
      }),
    );
    await settle();
    expect(gate.stats()).toMatchObject({ heavy_running: 1, heavy_queued: 2 });
    await expect(gate.admit()).rejects.toBeInstanceOf(GateFullError);
    await expect(gate.admit()).rejects.toMatchObject({ retryAfterS: 9, running: 1, queued: 2 });
    first();
    first(); // a second release of the same turn does nothing
    await settle();
    expect(admitted).toEqual([1]);
    expect(gate.stats()).toMatchObject({ heavy_running: 1, heavy_queued: 1 });
    (await waiting[0]!)();
    (await waiting[1]!)();
    expect(admitted).toEqual([1, 2]);
    expect(gate.stats()).toMatchObject({ heavy_running: 0, heavy_queued: 0 });
  });
});
