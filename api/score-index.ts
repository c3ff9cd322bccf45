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
}

/**
 * The champion's latest scores held in memory for low-latency lookups (the "current score" of a
 * loan). It re-checks at most every `refreshMs` whether the champion or its latest scored month
 * changed and reloads only then, answering from the loaded index meanwhile; lookups with an explicit as-of date go to the warehouse instead.
 */
export class ScoreIndex {
  private state: { version: string; byLoan: Map<string, ServedScore> } | null = null;
  private checkedAt = 0;
  private pending: Promise<void> | null = null;
  constructor(
    private wh: Warehouse,
    private target: string,
    private refreshMs = 30_000,
  ) {}

  async lookup(ids: string[]): Promise<ServedScore[] | null> {
    if (Date.now() - this.checkedAt > this.refreshMs) {
      const refreshing = (this.pending ??= this.refresh().finally(() => {
        this.pending = null;
      }));
      // while an index is loaded, lookups keep answering from it and the re-check runs beside them
      // (awaiting it made every request of that moment wait: the latency tail of the API bench)
      if (this.state) refreshing.catch(() => undefined);
      else await refreshing;
    }
    if (!this.state) return null;
    return ids.flatMap((id) => {
      const s = this.state!.byLoan.get(id);
      return s ? [s] : [];
    });
  }

  private async refresh() {
    const champion = await latestChampionEvent(this.wh, this.target);
    this.checkedAt = Date.now();
    if (!champion) {
      this.state = null;
      return;
    }
    const [m] = await queryRows<{ me: string; n: string }>(
      this.wh,
      `SELECT toString(max(month_end)) AS me, count() AS n FROM ${tableRef(this.wh, 'scores')}
      WHERE model_name = {n:String} AND model_version = {v:UInt32}`,
      { n: champion.model_name, v: champion.version },
    );
    const version = `${champion.model_name}@${champion.version}@${m?.me}@${m?.n}`;
    if (this.state?.version === version) return;
    const rows = await latestScores(this.wh, champion, {});
    this.state = { version, byLoan: new Map(rows.map((r) => [r.loan_id, r])) };
  }
}

/** A model version's latest score per loan (optionally only some loans, on or before a date), with the loan's region. */
export async function latestScores(
  wh: Warehouse,
  m: { model_name: string; version: number },
  o: { ids?: string[]; asOf?: string },
): Promise<ServedScore[]> {
  return queryRows<ServedScore>(
    wh,
    `
    SELECT s.loan_id AS loan_id, toString(s.month_end) AS month_end, s.model_name AS model_name, s.model_version AS model_version,
      s.probability AS probability, s.points AS points, s.grade AS grade, s.reasons AS reasons, l.region AS region
    FROM ${tableRef(wh, 'scores')} AS s
    -- the loans read for their region are only the requested ones: joining the whole table made a
    -- lookup of one loan cost a scan of every loan (the score lookup's latency under load)
    INNER JOIN (SELECT loan_id, region FROM ${tableRef(wh, 'loans')} WHERE {all:UInt8} = 1 OR loan_id IN {ids:Array(String)}) AS l
      ON l.loan_id = s.loan_id
    WHERE s.model_name = {n:String} AND s.model_version = {v:UInt32} AND s.month_end <= {as_of:Date}
      AND ({all:UInt8} = 1 OR s.loan_id IN {ids:Array(String)})
    ORDER BY s.loan_id, s.month_end DESC LIMIT 1 BY s.loan_id`,
    { n: m.model_name, v: m.version, as_of: o.asOf ?? '2149-06-06', all: o.ids ? 0 : 1, ids: o.ids ?? [] },
  );
}
