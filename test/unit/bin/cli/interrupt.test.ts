import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Interrupted, interruptedLine, trapInterrupt, type InterruptTrap } from '../../../../bin/cli/interrupt.ts';
import type { Warehouse } from '../../../../warehouse/connection.ts';

/** A warehouse whose client records the statements it is given. */
function fakeWarehouse() {
  const ran: string[] = [];
  const client = {
    query: (q: { query: string }) => {
      ran.push(q.query);
      return Promise.resolve({ json: () => Promise.resolve([]) });
    },
    command: (q: { query: string }) => {
      ran.push(q.query);
      return Promise.resolve({});
    },
    close: () => Promise.resolve(),
  };
  const wh = { client, database: 'd', cluster: undefined, embedded: true, close: () => client.close() };
  return { wh: wh as unknown as Warehouse, ran };
}

describe('Ctrl-C during a command', () => {
  let err: string[] = [];
  let trap: InterruptTrap | undefined;
  const exit = vi.fn<(code: number) => void>();
  beforeEach(() => {
    err = [];
    exit.mockReset();
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      err.push(a.join(' '));
    });
  });
  afterEach(() => {
    trap?.dispose();
    trap = undefined;
    vi.restoreAllMocks();
  });

  it('with the warehouse open: one line saying what state it is in, the next statement throws, a second Ctrl-C exits at once', async () => {
    trap = trapInterrupt(exit);
    trap.select('ingest', true);
    const { wh, ran } = fakeWarehouse();
    const guarded = trap.guard(wh);
    await guarded.client.command({ query: 'SELECT 1' });
    expect(trap.interrupted).toBe(false);
    process.emit('SIGINT');
    expect(trap.interrupted).toBe(true);
    expect(err).toEqual([interruptedLine('ingest', true)]);
    expect(err[0]).toMatch(/^loanwatch: interrupted — .*run the same ingest again/u);
    expect(exit).not.toHaveBeenCalled();
    await expect(guarded.client.query({ query: 'SELECT 2' })).rejects.toBeInstanceOf(Interrupted);
    await expect(guarded.client.command({ query: 'SELECT 3' })).rejects.toBeInstanceOf(Interrupted);
    expect(ran).toEqual(['SELECT 1']);
    // closing is not a statement: the warehouse still closes
    await expect(guarded.close()).resolves.toBeUndefined();
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledExactlyOnceWith(130);
    expect(err).toHaveLength(1);
  });

  it.each([
    ['snapshot', /live snapshot tables are as before or replaced whole; run the snapshot again/u],
    ['dpd', /an ingest or a snapshot stopped so is safe to run again/u],
  ])('%s: the line says what the warehouse holds', (name, words) => {
    trap = trapInterrupt(exit);
    trap.select(name, true);
    process.emit('SIGINT');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(words);
    expect(err[0]).toMatch(/^loanwatch: interrupted — /u);
  });

  it('without the warehouse (generate, or before a command is chosen) it exits 130 at once', () => {
    trap = trapInterrupt(exit);
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledExactlyOnceWith(130);
    trap.dispose();
    exit.mockReset();
    trap = trapInterrupt(exit);
    trap.select('generate', false);
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledExactlyOnceWith(130);
    expect(err).toEqual([interruptedLine(undefined, false), interruptedLine('generate', false)]);
  });

  it('while a server listens for Ctrl-C itself (serve, the demo), it is the server’s', () => {
    trap = trapInterrupt(exit);
    trap.select('serve', true);
    const server = vi.fn();
    process.once('SIGINT', server);
    process.emit('SIGINT');
    expect(server).toHaveBeenCalledOnce();
    expect(trap.interrupted).toBe(false);
    expect(err).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
    // the server is finishing its requests (its listener gone): a second Ctrl-C exits at once
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledExactlyOnceWith(130);
    expect(err).toEqual([]);
  });

  it('after the command, Ctrl-C is no longer trapped', () => {
    const before = process.listenerCount('SIGINT');
    trap = trapInterrupt(exit);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    trap.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
