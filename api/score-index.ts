import { queryRows, type Warehouse } from '../warehouse/connection.ts';
import { tableRef } from '../warehouse/ddl.ts';
import { latestChampionEvent } from '../models/registry/registry.ts';

export interface ServedScore {
  loan_id: string;
  month_end: string;
  model_name: string;
  model_version: number;
  probability: number;
  points: number;
  grade: string;
  reasons: string[];
  region: string;
  /** the loan's DPD at the score's month-end (its snapshot), null without one: whether it is in the model's population */
  dpd: number | null;
}

/** Month-ends whose scores-as-of are held besides the latest: the months a collector's tools look back on. */
const heldMonths = 4;

interface IndexState {
  version: string;
  champion: { model_name: string; version: number };
  /** the champion's scored month-ends, ascending */
  months: string[];
  /** each loan's latest score (the latest month-end's index) */
  byLoan: Map<string, ServedScore>;
  /** each loan's latest score on or before a scored month-end, for lookups with an earlier as-of date (least recently used first) */
  asOf: Map<string, Map<string, ServedScore>>;
}

/**
 * The champion's scores held in memory for low-latency lookups: each loan's latest score (its
 * "current score") and, for lookups with an as-of date before the latest scored month-end, each
 * loan's latest score on or before that date for the last few such month-ends asked for. It
 * re-checks at most every `refreshMs` whether the champion or its scores changed and reloads only
 * then, answering from the loaded index meanwhile. A lookup the index cannot answer yet (no champion
 * checked, or an as-of month being loaded beside it) gets null: the caller asks the warehouse, whose
 * statements wait behind any heavy one on the embedded engine — the lookup the index answers does not.
 */
export class ScoreIndex {
  private state: IndexState | null = null;
  private checkedAt = 0;
  private pending: Promise<void> | null = null;
  private loading = new Map<string, Promise<void>>();
  constructor(
    private wh: Warehouse,
    private target: string,
    private refreshMs = 30_000,
  ) {}

  /** Scores of `ids` (those that have one) as of `asOf` (default: now), or null when the warehouse must answer. */
  async lookup(ids: string[], asOf?: string): Promise<ServedScore[] | null> {
    if (Date.now() - this.checkedAt > this.refreshMs) {
      const refreshing = (this.pending ??= this.refresh().finally(() => {
        this.pending = null;
      }));
      // while an index is loaded, lookups keep answering from it and the re-check runs beside them
      // (awaiting it made every request of that moment wait: the latency tail of the API bench)
      if (this.state) refreshing.catch(() => undefined);
      else await refreshing;
    }
    const state = this.state;
    if (!state) return null;
    const byLoan = asOf === undefined ? state.byLoan : this.asOfIndex(state, asOf);
    if (!byLoan) return null;
    return ids.flatMap((id) => {
      const s = byLoan.get(id);
      return s ? [s] : [];
    });
  }

  /** each loan's latest score on or before `asOf`: the latest scored month-end on or before it decides */
  private asOfIndex(state: IndexState, asOf: string): Map<string, ServedScore> | null {
    const month = state.months.filter((m) => m <= asOf).at(-1);
    if (month === undefined) return new Map();
    if (month === state.months.at(-1)) return state.byLoan;
    const held = state.asOf.get(month);
    if (held) {
      state.asOf.delete(month);
      state.asOf.set(month, held);
      return held;
    }
    if (!this.loading.has(month)) {
      const load = latestScores(this.wh, state.champion, { asOf: month })
        .then((rows) => {
          if (this.state !== state) return;
          state.asOf.set(month, new Map(rows.map((r) => [r.loan_id, r])));
          for (const old of state.asOf.keys()) if (state.asOf.size > heldMonths) state.asOf.delete(old);
        })
        .catch(() => undefined)
        .finally(() => this.loading.delete(month));
      this.loading.set(month, load);
    }
    return null;
  }

  private async refresh() {
    const champion = await latestChampionEvent(this.wh, this.target);
    this.checkedAt = Date.now();
    if (!champion) {
      this.state = null;
      return;
    }
    const [m] = await queryRows<{ months: string[]; n: string }>(
      this.wh,
      `SELECT arraySort(groupUniqArray(toString(month_end))) AS months, count() AS n FROM ${tableRef(this.wh, 'scores')}
      WHERE model_name = {n:String} AND model_version = {v:UInt32}`,
      { n: champion.model_name, v: champion.version },
    );
    const months = m?.months ?? [];
    const version = `${champion.model_name}@${champion.version}@${months.at(-1)}@${months.length}@${m?.n}`;
    if (this.state?.version === version) return;
    const rows = await latestScores(this.wh, champion, {});
    this.state = {
      version,
      champion: { model_name: champion.model_name, version: champion.version },
      months,
      byLoan: new Map(rows.map((r) => [r.loan_id, r])),
      asOf: new Map(),
    };
  }
}

/** A model version's latest score per loan (optionally only some loans, on or before a date), with the loan's region and its DPD then. */
export async function latestScores(
  wh: Warehouse,
  m: { model_name: string; version: number },
  o: { ids?: string[]; asOf?: string },
): Promise<ServedScore[]> {
  const scores = tableRef(wh, 'scores');
  const own = `model_name = {n:String} AND model_version = {v:UInt32} AND month_end <= {as_of:Date}`;
  return queryRows<ServedScore>(
    wh,
    `
    SELECT s.loan_id AS loan_id, toString(s.month_end) AS month_end, s.model_name AS model_name, s.model_version AS model_version,
      s.probability AS probability, s.points AS points, s.grade AS grade, s.reasons AS reasons, l.region AS region,
      if(d.found = 1, toNullable(d.dpd), NULL) AS dpd
    FROM (SELECT loan_id, month_end, model_name, model_version, probability, points, grade, reasons FROM ${scores}
      WHERE ${own} AND ({all:UInt8} = 1 OR loan_id IN {ids:Array(String)})
      ORDER BY loan_id, month_end DESC LIMIT 1 BY loan_id) AS s
    -- the loans read for their region are only the requested ones: joining the whole table made a
    -- lookup of one loan cost a scan of every loan (the score lookup's latency under load)
    INNER JOIN (SELECT loan_id, region FROM ${tableRef(wh, 'loans')} WHERE {all:UInt8} = 1 OR loan_id IN {ids:Array(String)}) AS l
      ON l.loan_id = s.loan_id
    -- the snapshot read only at the month-ends this model scored (the table's sort key leads with month_end)
    LEFT JOIN (SELECT loan_id, month_end, dpd, toUInt8(1) AS found FROM ${tableRef(wh, 'loan_month')}
      WHERE month_end IN (SELECT DISTINCT month_end FROM ${scores} WHERE ${own})
        AND ({all:UInt8} = 1 OR loan_id IN {ids:Array(String)})) AS d
      ON d.loan_id = s.loan_id AND d.month_end = s.month_end`,
    { n: m.model_name, v: m.version, as_of: o.asOf ?? '2149-06-06', all: o.ids ? 0 : 1, ids: o.ids ?? [] },
  );
}
