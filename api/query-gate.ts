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
 * Heavy work runs its statements one after another, so cheap statements slip in between them.
 * Cheap statements can hold heavy ones back for as long as they keep coming: they are short.
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

export class QueryGate {
  private running: Record<Lane, number> = { cheap: 0, heavy: 0 };
  private waiting: Record<Lane, (() => void)[]> = { cheap: [], heavy: [] };
  private admitted = 0;
  private queue: (() => void)[] = [];
  constructor(readonly options: QueryGateOptions) {}

  /** Runs one statement when the engine has room for its lane (cheap first); the slot is freed however it ends. */
  async run<T>(lane: Lane, statement: () => Promise<T>): Promise<T> {
    if (this.hasRoom(lane) && this.waiting[lane].length === 0) this.running[lane]++;
    // the slot is taken for it by pump() before it is woken
    else await new Promise<void>((resolve) => this.waiting[lane].push(resolve));
    try {
      return await statement();
    } finally {
      this.running[lane]--;
      this.pump();
    }
  }

  private hasRoom(lane: Lane): boolean {
    if (this.running.cheap + this.running.heavy >= this.options.engineSlots) return false;
    return (
      lane === 'cheap' || (this.running.heavy < this.options.heavyStatementSlots && this.waiting.cheap.length === 0)
    );
  }

  private pump() {
    for (;;) {
      const lane: Lane | null =
        this.waiting.cheap.length > 0 && this.hasRoom('cheap')
          ? 'cheap'
          : this.waiting.heavy.length > 0 && this.hasRoom('heavy')
            ? 'heavy'
            : null;
      if (!lane) return;
      this.running[lane]++;
      this.waiting[lane].shift()?.();
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
      waiting_statements: { cheap: this.waiting.cheap.length, heavy: this.waiting.heavy.length },
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

/** The lane of the work running now: heavy inside heavy() (api/admission.ts), else cheap. */
export const laneStorage = new AsyncLocalStorage<Lane>();
export const currentLane = (): Lane => laneStorage.getStore() ?? 'cheap';

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
      return (params: unknown) => gate.run(currentLane(), () => method.call(target, params));
    },
  });
  return { ...wh, client };
}
