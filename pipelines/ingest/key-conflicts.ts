import { rawTables } from '../../warehouse/tables.ts';
import { isPiiKind, type EntitySpec, type FieldKind } from './entity-specs.ts';
import { targetKeyExpr } from './validation-sql.ts';

/** A value as the file gives it: money with its two decimals (`toString` of a Decimal drops trailing zeros), a month as `YYYY-MM`. */
function asText(col: string, type: string, kind?: FieldKind): string {
  const inner = type.replace(/^Nullable\((.*)\)$/u, '$1');
  return inner === 'Decimal(18, 2)'
    ? `toDecimalString(${col}, 2)`
    : kind === 'month'
      ? `formatDateTime(${col}, '%Y-%m')`
      : `toString(${col})`;
}

/** A value for a reader: as the file gives it, a missing one as `(empty)`. */
const shown = (col: string, type: string, kind?: FieldKind) =>
  type.startsWith('Nullable(') ? `if(isNull(${col}), '(empty)', ${asText(col, type, kind)})` : asText(col, type, kind);

/** the data columns of an entity's rows with their file name, type and whether they hold PII */
function columnsOf(spec: EntitySpec) {
  const typeOf = new Map<string, string>(rawTables[spec.entity].columns.map(([n, t]) => [n, t]));
  return spec.fields.map((f) => {
    const col = f.target ?? f.name;
    return { name: f.name, col, kind: f.kind, type: typeOf.get(col) ?? 'String', pii: isPiiKind(f.kind) };
  });
}

/** The key as a reader names it: `payment_id P1`, `loan_id L1, installment_no 3` (over columns of `prefix`). */
export function keyLabelExpr(spec: EntitySpec, prefix = ''): string {
  const cols = columnsOf(spec);
  const parts = spec.key.map((k) => {
    const c = cols.find((x) => x.col === k)!;
    return `'${c.name} ', ${shown(`${prefix}${k}`, c.type, c.kind)}`;
  });
  return `concat(${parts.join(", ', ', ")})`;
}

/** The same label from the key text (`key`: the key's parts as text, `\x1f`-separated, as the stage builds it). */
export function keyLabelFromText(spec: EntitySpec, keyText: string): string {
  const cols = columnsOf(spec);
  const parts = spec.key.map((k, i) => {
    const c = cols.find((x) => x.col === k)!;
    const part = spec.key.length === 1 ? keyText : `splitByChar('\x1f', ${keyText})[${i + 1}]`;
    return `'${c.name} ', ${c.kind === 'month' ? `substring(${part}, 1, 7)` : part}`;
  });
  return `concat(${parts.join(", ', ', ")})`;
}

/**
 * A row as a JSON object of its data columns as text (money with two decimals, PII as stored:
 * hashed or masked) — the audit's old and new rows.
 */
export function rowJsonExpr(spec: EntitySpec, prefix = ''): string {
  return `toJSONString(map(${columnsOf(spec)
    .map((c) => `'${c.col}', ${asText(`${prefix}${c.col}`, c.type, c.kind)}`)
    .join(', ')}))`;
}

/**
 * What differs between a loaded row (columns `o_<col>`) and a new row of the same key: each
 * differing column with its old and new value, `amount 100.00 → 120.00`; a PII column only by name
 * (its stored hash or mask says nothing to a reader and is not shown either).
 */
export function diffExpr(spec: EntitySpec): string {
  const parts = columnsOf(spec)
    .filter((c) => !spec.key.includes(c.col))
    .map((c) => {
      const changed = `NOT (${c.col} <=> o_${c.col})`;
      const text = c.pii
        ? `'${c.name} (changed)'`
        : `concat('${c.name} ', ${shown(`o_${c.col}`, c.type, c.kind)}, ' → ', ${shown(c.col, c.type, c.kind)})`;
      return `if(${changed}, ${text}, '')`;
    });
  return `arrayStringConcat(arrayFilter(x -> x != '', [${parts.join(', ')}]), ', ')`;
}

/**
 * The staged rows of `stg` matching `where` (fixed SQL) whose key is loaded in `target` with other
 * content, one per line: the loaded row's hash, ingest run and loan, the reason naming what
 * differs, and both rows as JSON (for the corrections' audit).
 */
export function keyConflictsSelect(spec: EntitySpec, o: { stg: string; where: string; target: string }): string {
  const cols = columnsOf(spec).map((c) => c.col);
  const tk = targetKeyExpr(spec);
  const hasLoan = cols.includes('loan_id');
  return `SELECT line, key, old_hash, row_hash AS new_hash, old_ingest_id,
      ${hasLoan ? 'o_loan_id' : "''"} AS old_loan_id, ${hasLoan ? 'loan_id' : "''"} AS new_loan_id,
      concat(${keyLabelExpr(spec)}, ' already loaded with different content: ', ${diffExpr(spec)}) AS reason,
      ${rowJsonExpr(spec, 'o_')} AS old_row, ${rowJsonExpr(spec)} AS new_row
    FROM (SELECT line, key, row_hash, ${cols.join(', ')} FROM ${o.stg} WHERE ${o.where}) AS lwq_n
    INNER JOIN (SELECT ${tk} AS okey, row_hash AS old_hash, toString(ingest_id) AS old_ingest_id,
        ${cols.map((c) => `${c} AS o_${c}`).join(', ')}
      FROM ${o.target} WHERE ${tk} IN (SELECT key FROM ${o.stg} WHERE ${o.where})) AS lwq_o ON lwq_o.okey = lwq_n.key
    WHERE old_hash != row_hash
    LIMIT 1 BY line`;
}
