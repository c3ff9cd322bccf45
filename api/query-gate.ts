import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '../warehouse/config.ts';
import type { Warehouse } from '../warehouse/connection.ts';

/**
 * A gate in front of the warehouse for the API: which statements reach the engine, in what order,
 * and how many heavy requests may wait. Two levels:
 *
 * - statements: at most `engineSlots` in the engine at once, heavy ones at most
 *   `heavyStatementSlots`; when a slot frees, a waiting cheap statement goes first. The embedded
 *   engine runs one bound statement at a time whatever is sent (chdb's process-wide parameter
 *   chain), so it gets one slot and the gate decides the order instead of arrival: a score lookup
 *   waits at most for the statement in flight, never for the queue behind it. A server gets its
 *   connection pool, heavy statements leaving a reserved part of it to cheap ones.
 * - heavy requests (a case-list build, a metric computed, a report rendered): at most
 *   `heavyRequests` at once and `heavyQueue` waiting; one more is refused (503 with Retry-After)
 *   rather than queued without bound.
 *
 * Cheap statements slip in between heavy ones, and can hold them back for as long as they keep
 * coming: they are short. Heavy statements wait per heavy request and are taken from the requests
 * in turn, one each: a request that sends many at once (a report pack reads ahead) delays another
 * admitted request by one statement, not by its whole burst.
 */
export type Lane = 'cheap' | 'heavy';

export interface QueryGateOptions {
  /** statements in the engine at once: 1 embedded, the connection pool on a server */
  engineSlots: number;
  /** of which heavy statements at most (the rest is the cheap lane's reserve) */
  heavyStatementSlots: number;
  /** heavy requests computing at once */
  heavyRequests: number;
  /** heavy requests waiting for those; more are refused */
  heavyQueue: number;
  /** what a refused client is told to wait, in seconds */
  retryAfterS: number;
}

/** Heavy work refused: the queue is full. */
export class GateFullError extends Error {
  constructor(
    readonly retryAfterS: number,
    readonly running: number,
    readonly queued: number,
  ) {
    super(`${running} heavy requests running and ${queued} queued: retry in ${retryAfterS} s`);
  }
}

/** statements sent outside any heavy request share one owner (and one turn) */
const anyOwner = {};

export class QueryGate {
  private running: Record<Lane, number> = { cheap: 0, heavy: 0 };
  private waitingCheap: (() => void)[] = [];
  /** heavy statements waiting, per heavy request (its owner), and the owners in the order they are served */
  private waitingHeavy = new Map<object, (() => void)[]>();
  private heavyTurns: object[] = [];
  private admitted = 0;
  private queue: (() => void)[] = [];
  constructor(readonly options: QueryGateOptions) {}

  /**
   * Runs one statement when the engine has room for its lane (cheap first; heavy ones of different
   * owners in turn); the slot is freed however it ends.
   */
  async run<T>(lane: Lane, statement: () => Promise<T>, owner: object = anyOwner): Promise<T> {
    if (this.hasRoom(lane) && !this.hasWaiting(lane)) this.running[lane]++;
    // the slot is taken for it by pump() before it is woken
    else
      await new Promise<void>((resolve) => {
        this.wait(lane, owner, resolve);
      });
    try {
      return await statement();
    } finally {
      this.running[lane]--;
      this.pump();
    }
  }

  private wait(lane: Lane, owner: object, wake: () => void) {
    if (lane === 'cheap') return void this.waitingCheap.push(wake);
    const mine = this.waitingHeavy.get(owner);
    if (mine) return void mine.push(wake);
    this.waitingHeavy.set(owner, [wake]);
    this.heavyTurns.push(owner);
  }

  /** an owner is in the turns exactly while it has a statement waiting */
  private hasWaiting(lane: Lane): boolean {
    return lane === 'cheap' ? this.waitingCheap.length > 0 : this.heavyTurns.length > 0;
  }

  /** the next owner's first waiting heavy statement; the owner goes to the back of the turns while it has more */
  private nextHeavy(): (() => void) | undefined {
    const owner = this.heavyTurns.shift();
    if (owner === undefined) return undefined;
    const mine = this.waitingHeavy.get(owner)!;
    const wake = mine.shift();
    if (mine.length > 0) this.heavyTurns.push(owner);
    else this.waitingHeavy.delete(owner);
    return wake;
  }

  private hasRoom(lane: Lane): boolean {
    if (this.running.cheap + this.running.heavy >= this.options.engineSlots) return false;
    return (
      lane === 'cheap' || (this.running.heavy < this.options.heavyStatementSlots && this.waitingCheap.length === 0)
    );
  }

  private pump() {
    for (;;) {
      const lane: Lane | null =
        this.hasWaiting('cheap') && this.hasRoom('cheap')
          ? 'cheap'
          : this.hasWaiting('heavy') && this.hasRoom('heavy')
            ? 'heavy'
            : null;
      if (!lane) return;
      this.running[lane]++;
      (lane === 'cheap' ? this.waitingCheap.shift() : this.nextHeavy())?.();
    }
  }

  /**
   * A heavy request's turn: resolves with its release (call it once, however the work ends) when
   * fewer than `heavyRequests` run, after those queued before it; throws GateFullError when
   * `heavyQueue` already wait.
   */
  async admit(): Promise<() => void> {
    if (this.admitted < this.options.heavyRequests && this.queue.length === 0) this.admitted++;
    else if (this.queue.length >= this.options.heavyQueue)
      throw new GateFullError(this.options.retryAfterS, this.admitted, this.queue.length);
    // admitted by the release that wakes it
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.admitted--;
      const next = this.queue.shift();
      if (next) {
        this.admitted++;
        next();
      }
    };
  }

  /** What is running and waiting now (tests, the log of a refusal). */
  stats() {
    return {
      statements: { ...this.running },
      waiting_statements: {
        cheap: this.waitingCheap.length,
        heavy: [...this.waitingHeavy.values()].reduce((n, w) => n + w.length, 0),
      },
      heavy_running: this.admitted,
      heavy_queued: this.queue.length,
    };
  }
}

/** The gate's settings from the configuration: one engine slot embedded, the pool on a server. */
export function queryGateOptions(config: Config, embedded: boolean): QueryGateOptions {
  const pool = config.CLICKHOUSE_MAX_OPEN_CONNECTIONS;
  return {
    engineSlots: embedded ? 1 : pool,
    heavyStatementSlots: embedded ? 1 : Math.max(1, pool - config.LOANWATCH_API_CHEAP_RESERVED_CONNECTIONS),
    heavyRequests: config.LOANWATCH_API_HEAVY_REQUESTS,
    heavyQueue: config.LOANWATCH_API_HEAVY_QUEUE,
    retryAfterS: config.LOANWATCH_API_RETRY_AFTER_S,
  };
}

/**
 * The work running now: its lane — heavy inside heavy() (api/admission.ts), else cheap — and, heavy,
 * the request it belongs to (its statements wait in that request's turn).
 */
export const laneStorage = new AsyncLocalStorage<{ lane: Lane; owner: object }>();
export const currentLane = (): Lane => laneStorage.getStore()?.lane ?? 'cheap';
const currentOwner = (): object => laneStorage.getStore()?.owner ?? anyOwner;

const gatedMethods = new Set<PropertyKey>(['query', 'command', 'exec', 'insert']);

/**
 * The warehouse with every statement of its client passed through the gate, in the lane of the
 * work that sends it. Everything else of the client (close, ping) is the client's own.
 */
export function gatedWarehouse<W extends Warehouse>(wh: W, gate: QueryGate): W {
  // a stand-in warehouse without a client (the OpenAPI document's test) sends no statements to gate
  if (typeof wh.client !== 'object') return wh;
  const client = new Proxy(wh.client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (!gatedMethods.has(prop) || typeof value !== 'function') return value;
      const method = value as (params: unknown) => Promise<unknown>;
      return (params: unknown) => gate.run(currentLane(), () => method.call(target, params), currentOwner());
    },
  });
  return { ...wh, client };
}
