import { sqlStringLiteral } from '../../warehouse/sql.ts';
import { dataColumns, rawTables, rowHashExpr } from '../../warehouse/tables.ts';
import { isPiiKind, type EntitySpec, type FieldSpec } from './entity-specs.ts';
import { maskedPersonalNumbersSql } from '../../warehouse/personal-numbers.ts';

/** What a decoder puts for bytes it cannot read (U+FFFD) */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Compiles an EntitySpec into the SELECT that turns landed rows (every field a
 * Nullable(String) named `<field>__in`) into staged rows: typed values, the
 * list of every rule the row breaks, its idempotency key and content hash.
 * Constants in the SQL come from the spec catalogue; data values never do.
 * They are inlined as literals (sqlStringLiteral), not bound: the SELECT is one text that the
 * ingest nests in several statements of its own (stage, quarantine), each with its own parameters,
 * and the catalogue's messages, aliases and defaults are part of the rule, like its SQL.
 */
const sqlArray = (xs: readonly string[]) => `[${xs.map(sqlStringLiteral).join(', ')}]`;

/**
 * C0 control characters (U+0000–U+001F) a field may not hold: none in an identifier; in other text
 * all but tab, line feed and carriage return (a note written over lines, quoted in a CSV). A NUL or an
 * escape character is no text anyone typed: a file cut off, binary glued in, a terminal's colours.
 * `allowed` are the code points let through.
 */
function controlCheck(name: string, v: string, allowed: readonly number[]) {
  const codes = Array.from({ length: 32 }, (_, i) => i).filter((i) => !allowed.includes(i));
  // `translate` maps the bytes one by one: a value that changes has one. UTF-8 never uses these bytes
  // inside a multi-byte character, so this is the regex below at a third of its cost (payments at 1M
  // loans: 0.07 s against 0.24 s per id column); the regex names the first one, for failing rows only
  const hex = codes.map((i) => `\\x${i.toString(16).padStart(2, '0')}`).join('');
  // (escapes, not the bytes: a NUL would end the query's text on its way to the engine)
  const bytes = `'${hex}'`;
  return {
    bad: `${v} != translate(${v}, ${bytes}, ${sqlStringLiteral('_'.repeat(codes.length))})`,
    message: `concat(${sqlStringLiteral(`${name}: control character U+`)}, leftPad(hex(extract(${v}, ${sqlStringLiteral(`[${hex}]`)})), 4, '0'))`,
  };
}

/** tab, line feed, carriage return */
const TEXT_CONTROLS = [0x09, 0x0a, 0x0d] as const;

/** the latest day a thing that happened may carry: the engine's today, and a day for a clock ahead of its timezone */
const tomorrow = '(today() + 1)';

/** a decimal number as written, whatever its size */
const MONEY_RE = '^-?[0-9]+(\\.[0-9]+)?$';
/**
 * The contract's widest integer part of a money field, leading zeros aside (docs/data-contract.md;
 * the console's form says the same, api/console/form-amount.ts): within the columns' Decimal(18, 2)
 */
const MONEY_MAX_INTEGER_DIGITS = 15;
/** an integer part beyond MONEY_MAX_INTEGER_DIGITS */
const MONEY_TOO_LARGE = `^-?0*[1-9][0-9]{${MONEY_MAX_INTEGER_DIGITS},}(\\.[0-9]+)?$`;
/** a spreadsheet's number with thousands separators (`1,025.50`): the fix is to write it without them */
const MONEY_THOUSANDS = '^-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?$';
/** a currency sign before the number or a unit after it (`￥500.00`, `500元`): the fix is the number alone */
const MONEY_CURRENCY = '^-?\\s*[￥¥$€£]|(元|RMB|CNY|USD)\\s*$';
/** the common case of a money field: at most 15 digits (leading zeros aside), at most 2 decimals (trailing zeros aside) */
const MONEY_OK = `^0*[0-9]{1,${MONEY_MAX_INTEGER_DIGITS}}(\\.[0-9]{1,2}0*)?$`;

function normalized(f: FieldSpec): string {
  let v = `trim(BOTH ' \\t\\r' FROM ${f.name}__in)`;
  if (f.kind === 'enum' && f.values!.every((x) => x === x.toLowerCase())) v = `lowerUTF8(${v})`;
  // a spreadsheet's h:mm (9:30) and a database's HH:MM:SS are the same time of day: HH:MM (seconds dropped)
  if (f.kind === 'time') {
    const hm = `replaceRegexpOne(${v}, '^([0-9]{1,2}):([0-5][0-9])(:[0-5][0-9](\\.[0-9]*)?)?$', '\\1:\\2')`;
    v = `if(match(${hm}, '^[0-9]:'), concat('0', ${hm}), ${hm})`;
  }
  if (f.valueAliases) {
    const from = Object.keys(f.valueAliases);
    v = `transform(${v}, ${sqlArray(from)}, ${sqlArray(from.map((k) => f.valueAliases![k]!))}, ${v})`;
  }
  return v;
}

export interface Check {
  /** SQL boolean: the row breaks this rule */
  bad: string;
  /** SQL string expression: what to say when it does (evaluated for failing rows only) */
  message: string;
}

/** `<field>__v` is the normalised value; `<field>__present` says it is non-empty. */
/**
 * A field's checks. `encoding`: the file's, as sniffed: a GBK file is decoded in Node, where a character
 * cut short (a file truncated inside 手机银行) becomes U+FFFD as bytes of another encoding do — the
 * reason names the file's encoding, not UTF-8, whose advice (save as UTF-8) would be wrong for it.
 */
function fieldChecks(f: FieldSpec, encoding: 'utf8' | 'gbk' = 'utf8'): Check[] {
  const v = `${f.name}__v`;
  const p = `${f.name}__present`;
  const bad = (cond: string, msg: string): Check => ({
    bad: `(${p} AND (${cond}))`,
    message: sqlStringLiteral(`${f.name}: ${msg}`),
  });
  const checks: Check[] = [];
  if (f.required) checks.push({ bad: `(NOT ${p})`, message: sqlStringLiteral(`${f.name}: missing`) });
  // bytes of another encoding (a file whose encoding changes after the start it was recognised by)
  // would be stored as they are, not valid text: the row is quarantined instead. The stream loader
  // decodes in Node, where such bytes become U+FFFD: a replacement character is the same damage
  // (in either loader: text that holds one was damaged before it reached the file)
  const utf8 = bad(
    `NOT isValidUTF8(${v}) OR position(${v}, ${sqlStringLiteral(REPLACEMENT_CHARACTER)}) > 0`,
    encoding === 'utf8'
      ? 'not valid UTF-8 text (bytes of another encoding)'
      : 'not valid GBK text (a character cut short, or bytes of another encoding)',
  );
  const control = (allowed: readonly number[]): Check => {
    const c = controlCheck(f.name, v, allowed);
    return { bad: `(${p} AND (${c.bad}))`, message: c.message };
  };
  switch (f.kind) {
    case 'id':
      checks.push(utf8);
      // characters, not bytes: a Chinese id or note is three bytes a character
      checks.push(bad(`lengthUTF8(${v}) > 128`, 'identifier longer than 128 characters'));
      checks.push(control([]));
      break;
    case 'text':
      checks.push(utf8);
      checks.push(bad(`lengthUTF8(${v}) > 1000`, 'longer than 1000 characters'));
      checks.push(control(TEXT_CONTROLS));
      break;
    case 'pii_hash':
    case 'pii_mask':
      // (the message names the character, never the value)
      checks.push(control(TEXT_CONTROLS));
      break;
    case 'date':
      // toDateOrNull is NULL for text that is no date at all ('abcdefghij'): compared as is, the rule
      // would be NULL, i.e. not broken, and the row load with the zero date
      checks.push(
        bad(
          `length(${v}) != 10 OR ifNull(toString(toDateOrNull(${v})), '') != ${v}`,
          'not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)',
        ),
      );
      if (f.happened)
        checks.push(
          bad(
            `toString(toDateOrNull(${v})) = ${v} AND toDateOrNull(${v}) > ${tomorrow}`,
            'after today (a date that has not happened yet)',
          ),
        );
      break;
    case 'time':
      checks.push(
        bad(`NOT match(${v}, '^([01][0-9]|2[0-3]):[0-5][0-9]$')`, 'not a time of day (HH:MM, 00:00 to 23:59)'),
      );
      break;
    case 'month':
      checks.push(
        bad(
          `NOT match(${v}, '^[0-9]{4}-(0[1-9]|1[0-2])$') OR isNull(toDateOrNull(concat(${v}, '-01')))`,
          'not a valid month (YYYY-MM)',
        ),
      );
      if (f.happened)
        checks.push(
          bad(
            `match(${v}, '^[0-9]{4}-(0[1-9]|1[0-2])$') AND toDateOrNull(concat(${v}, '-01')) > ${tomorrow}`,
            'after this month (a month yet to come)',
          ),
        );
      break;
    case 'money': {
      // one regex decides the common case; the specific reasons are worked out only for failing rows
      const ok = `match(${v}, '${MONEY_OK}')`;
      checks.push(bad(`NOT ${ok} AND NOT match(${v}, '${MONEY_RE}')`, 'not a decimal number'));
      // what the data engineer does about it, where the export's usual decorations are why
      checks.push(
        bad(`NOT ${ok} AND match(${v}, '${MONEY_THOUSANDS}')`, 'thousands separators: write 1025.50, not 1,025.50'),
      );
      checks.push(
        bad(`NOT ${ok} AND match(${v}, '${MONEY_CURRENCY}')`, 'a currency sign or unit: write the number alone'),
      );
      // a number, only too wide for the column: said so, not "not a decimal number"
      checks.push(
        bad(
          `NOT ${ok} AND match(${v}, '${MONEY_TOO_LARGE}')`,
          `too large (more than ${MONEY_MAX_INTEGER_DIGITS} digits before the point)`,
        ),
      );
      checks.push(
        bad(
          `NOT ${ok} AND match(${v}, '${MONEY_RE}') AND match(${v}, '\\.[0-9]{2}[0-9]*[1-9]')`,
          'more than 2 decimal places',
        ),
      );
      checks.push(bad(`NOT ${ok} AND startsWith(${v}, '-')`, 'negative amount'));
      if (f.positive) checks.push(bad(`${ok} AND toDecimal64OrZero(${v}, 2) = 0`, 'must be greater than zero'));
      break;
    }
    case 'int': {
      const range = `toInt64OrZero(${v}) < ${f.min ?? 0} OR toInt64OrZero(${v}) > ${f.max ?? 2_000_000_000}`;
      checks.push(
        bad(
          `NOT match(${v}, '^-?[0-9]{1,12}$') OR ${range}`,
          `not a whole number in ${f.min ?? 0}..${f.max ?? 2_000_000_000}`,
        ),
      );
      break;
    }
    case 'rate':
      checks.push(
        bad(
          `NOT match(${v}, '^[0-9]{1,3}(\\.[0-9]{1,12})?$') OR toFloat64OrZero(${v}) >= 1 OR match(${v}, '\\.[0-9]{6}[0-9]*[1-9]')`,
          'must be a fraction in [0, 1) with at most 6 decimals (0.0435 = 4.35%)',
        ),
      );
      break;
    case 'enum':
      // a value cut inside its last character is that, not a misspelt value: the one reason given
      checks.push(utf8);
      checks.push({
        bad: `(${p} AND NOT (${utf8.bad}) AND ${v} NOT IN ${sqlArray(f.values!).replace(/^\[/, '(').replace(/\]$/, ')')})`,
        message: `concat(${sqlStringLiteral(`${f.name}: `)}, substring(${v}, 1, 40), ${sqlStringLiteral(f.valuesAre ? ` is not ${f.valuesAre}` : ` is not one of ${f.values!.join(', ')}`)})`,
      });
      break;
    default:
      break;
  }
  return checks;
}

/**
 * A value kept beside an entity's fields (the API's note on a recorded action), held to the rules of
 * a field of `f`'s kind: a SELECT list over `<name>__in` (the value as landed) giving `<name>__reason`,
 * its broken rules as a file's row would list them ('' when none).
 */
export function fieldReasonColumns(f: FieldSpec): string {
  const checks = fieldChecks(f);
  return [
    `${normalized(f)} AS ${f.name}__v`,
    `(${f.name}__v IS NOT NULL AND ${f.name}__v != '') AS ${f.name}__present`,
    `arrayStringConcat(arrayFilter(x -> x != '', [${checks.map((c) => `if(ifNull(${c.bad}, 0), ${c.message}, '')`).join(', ')}]), '; ') AS ${f.name}__reason`,
  ].join(', ');
}

/**
 * One boolean per field that is true whenever any of its checks is: the stage evaluates these on
 * every row and the per-check messages only on the rows they flag. Where a check needs the parsed
 * value, the flag reads the row's typed column (`typed`, computed for the stage anyway) instead of
 * parsing the text again: decimal parsing is the costliest step of a money check (payments at 1M
 * loans: 0.25 s of 0.46 s for `amount`), date parsing half of a date's round trip.
 */
function fieldFlag(f: FieldSpec, checks: Check[], typed: string): string {
  const v = `${f.name}__v`;
  const p = `${f.name}__present`;
  const required = f.required ? 1 : 0;
  if (f.kind === 'date') {
    // a present value turns into a date (or NULL, or the zero date when the column has no NULL);
    // the text must be exactly that date written back: as the round trip of fieldChecks
    const future = f.happened ? ` OR ${typed} > ${tomorrow}` : '';
    return `if(${p}, length(${v}) != 10 OR ifNull(toString(${typed}), '') != ${v}${future}, ${required})`;
  }
  if (f.kind !== 'money') return checks.length ? checks.map((c) => c.bad).join(' OR ') : '0';
  // a money field's checks all need the common-case pattern to fail, so that pattern alone decides;
  // a value of that pattern is its typed value exactly (zero where it must be positive is bad)
  const ok = `match(${v}, '${MONEY_OK}')`;
  return `if(${p}, NOT ${ok}${f.positive ? ` OR ${typed} = 0` : ''}, ${required})`;
}

/** The typed value (NULL when absent or invalid), cast to the target column's type. */
function typedValue(f: FieldSpec, targetType: string): string {
  const v = `${f.name}__v`;
  const p = `${f.name}__present`;
  const nullable = targetType.startsWith('Nullable(');
  const inner = nullable ? targetType.slice(9, -1) : targetType;
  let expr: string;
  switch (f.kind) {
    case 'date':
      expr = `toDateOrNull(${v})`;
      break;
    case 'month':
      expr = `toDateOrNull(concat(${v}, '-01'))`;
      break;
    case 'money':
      expr = `toDecimal64OrNull(${v}, 2)`;
      break;
    case 'rate':
      // a row the rate's rule refuses (12000, or a principal shifted into the rate by an unquoted comma)
      // is typed all the same: past 2147.48 the cast to Decimal(9, 6) threw and failed the whole file
      expr = `if(toFloat64OrZero(${v}) >= 0 AND toFloat64OrZero(${v}) < 1, toDecimal64OrNull(${v}, 6), NULL)`;
      break;
    case 'int':
      expr = `toInt64OrNull(${v})`;
      break;
    case 'text':
      expr = f.freeText ? maskedPersonalNumbersSql(v) : v;
      break;
    case 'pii_hash':
      // the check letter of an 18-digit id is X, often typed x: one person, one hash (the bureau's customer_hash)
      expr = `if(${p}, lower(hex(SHA256(concat({pii_secret:String}, upperUTF8(${v}))))), '')`;
      break;
    case 'pii_mask':
      expr = `if(${p}, if(lengthUTF8(${v}) >= 7, concat(substringUTF8(${v}, 1, 3), repeat('*', lengthUTF8(${v}) - 7), substringUTF8(${v}, -4)), repeat('*', lengthUTF8(${v}))), '')`;
      break;
    default:
      expr = v;
  }
  const withDefault =
    f.default !== undefined ? `if(${p}, ${expr}, ${sqlStringLiteral(f.default)})` : `if(${p}, ${expr}, NULL)`;
  const safe = isPiiKind(f.kind) ? expr : withDefault;
  if (nullable) return `CAST(${safe} AS Nullable(${inner}))`;
  const zero =
    inner === 'Date'
      ? `toDate(0)`
      : inner.startsWith('Decimal') || inner.startsWith('UInt') || inner.startsWith('Int')
        ? '0'
        : "''";
  return `CAST(ifNull(${safe}, ${zero}) AS ${inner})`;
}

export interface StagedSelect {
  /** SELECT list producing the staged row from landed columns (with the per-field work columns) */
  select: string;
  /** typed target columns in catalogue order, as they appear in the staged row */
  targetColumns: string[];
  /** the columns the stage stores: line, reason, bad_raw, bad_key and the target columns */
  columns: string[];
  /**
   * key, key_hash and row_hash, as expressions over the stored columns: the stage declares them as
   * ALIAS columns, computed where they are read. Stored, they were a third of what the stage wrote
   * (two incompressible 64-bit hashes and a copy of the key: payments at 1M loans, 5.1 s against
   * 6.1 s for the stage), while computing them again costs far less (hashing 10.9M keys: 0.03 s).
   */
  derived: { name: 'key' | 'key_hash' | 'row_hash'; type: string; expr: string }[];
  /**
   * the rule verdict over the SELECT list's columns: `anyBad` (the per-field flags the stage
   * evaluates on every row) and `details` (every broken rule's message, '' when none). The two are
   * written separately for speed and must always agree.
   */
  rules: { anyBad: string; details: string };
}

/**
 * The staged rows of a landed subquery. Only the staged row's columns leave the inner SELECT: the
 * per-field work columns (normalised text, presence flags) written to the stage as well would
 * double what the stage writes (payments at 1M loans: 29 columns instead of 13, 10.8 s against 7.0 s).
 */
export const stagedQuery = (staged: StagedSelect, landed: string) =>
  `SELECT ${staged.columns.join(', ')} FROM (SELECT ${staged.select} FROM (${landed}))`;

/**
 * The key a bad row is quarantined under (quarantine.row_key), over the stage's SELECT list: the
 * raw table's key expression of the typed key columns when every key field is valid text for its
 * kind, '' otherwise (a field missing or broken, a record broken as a whole). Whether a key month
 * is still to come is not asked: it is the key such a row would be loaded under once its month came.
 * Only the stage's bad rows need it (a row quarantined later has a valid key, the stage's `key`).
 */
function badKey(spec: EntitySpec, structural: string): string {
  const valid = spec.key.map((k) => {
    const f = spec.fields.find((x) => x.name === k);
    if (!f) throw new Error(`key field ${k} of ${spec.entity} is not a field of its spec`);
    const checks = fieldChecks({ ...f, happened: false });
    const broken = checks.length ? checks.map((c) => `ifNull(${c.bad}, 0)`).join(' OR ') : '0';
    return `(${f.name}__present AND NOT (${broken}))`;
  });
  return `if(${structural} = '' AND ${valid.join(' AND ')}, ${targetKeyExpr(spec)}, '')`;
}

/**
 * Staged row = line, reason, bad_raw, bad_key and every target column; key, key_hash and row_hash derived.
 * `structural` is an SQL expression with a reason for rows broken as a whole
 * (short, extra fields, malformed JSON, blank), or ''. `loans` (the loans table) makes a row of an
 * entity that references a loan bad when the loan is not there. The landed raw text is staged only
 * for the rows the stage finds bad (`bad_raw`); quarantineRows decides which raw text a file's
 * quarantined rows get.
 */
export function stagedSelect(
  spec: EntitySpec,
  structural: string,
  loans?: string,
  encoding: 'utf8' | 'gbk' = 'utf8',
): StagedSelect {
  const table = rawTables[spec.entity];
  const lets: string[] = [];
  for (const f of spec.fields) {
    lets.push(`${normalized(f)} AS ${f.name}__v`);
    lets.push(`(${f.name}__v IS NOT NULL AND ${f.name}__v != '') AS ${f.name}__present`);
  }
  const perField = spec.fields.map((f) => ({ f, checks: fieldChecks(f, encoding) }));
  // most payments have no split: the amounts are converted only for those that do. A part missing
  // from the file (a NULL column) counts as zero; it would otherwise make the sum NULL and the check pass
  const part = (f: string) => `ifNull(toDecimal64OrZero(${f}__v, 2), 0)`;
  const entityChecks: Check[] =
    spec.entity === 'payments'
      ? [
          {
            bad: `((principal_paid__present OR interest_paid__present OR penalty_paid__present) AND toDecimal64OrZero(amount__v, 2) > 0
      AND ${part('principal_paid')} + ${part('interest_paid')} + ${part('penalty_paid')} > toDecimal64OrZero(amount__v, 2))`,
            message: `'principal_paid + interest_paid + penalty_paid exceed amount'`,
          },
        ]
      : spec.entity === 'collection_actions'
        ? [
            // a promise falls due on or after the day it is made: one due before would be broken the
            // day it was recorded (both dates valid; an invalid one has its own message)
            {
              // (valid: the text is the date it reads as — toDateOrNull clamps 1969-12-31 to a date, which the date check refuses)
              bad: `(promised_date__present AND action_date__present
      AND toString(toDateOrNull(promised_date__v)) = promised_date__v AND toString(toDateOrNull(action_date__v)) = action_date__v
      AND toDateOrNull(promised_date__v) < toDateOrNull(action_date__v))`,
              message: `concat('promised_date: ', promised_date__v, ' is before the action_date ', action_date__v, ' (a promise falls due on or after the day it is made)')`,
            },
          ]
        : [];
  const checks = [...perField.flatMap((x) => x.checks), ...entityChecks];
  const typeOf = new Map<string, string>(table.columns.map(([n, t]) => [n, t]));
  const targetColumns: string[] = [];
  const typed: string[] = [];
  for (const f of spec.fields) {
    const col = f.target ?? f.name;
    const t = typeOf.get(col);
    if (!t) throw new Error(`spec field ${f.name} has no column ${col} in ${spec.entity}`);
    typed.push(`${typedValue(f, t)} AS ${col}`);
    targetColumns.push(col);
  }
  // the stage's row_hash is the target's, over the same columns: the spec must give every data column
  const data = dataColumns(table);
  if (data.map(([n]) => n).join() !== targetColumns.join())
    throw new Error(`spec fields of ${spec.entity} do not give its table's columns in order`);
  // the key as text: a String key column as it is (wrapping it in concat/ifNull/toString copied every
  // string: hashing 10.9M payment keys for the duplicate search 0.55 s against 0.89 s)
  const keyParts = spec.key.map((k) => {
    const t = typeOf.get(k) ?? '';
    return t === 'String' ? k : t.startsWith('Nullable(') ? `ifNull(toString(${k}), '')` : `toString(${k})`;
  });
  // a sum, not an OR: short-circuit evaluation of a long OR costs more than evaluating every flag
  // (payments at 1M loans: 5.7 s against 3.6 s for the chain alone)
  const flags = [
    `${structural} != ''`,
    ...perField.map(({ f, checks: c }) => fieldFlag(f, c, f.target ?? f.name)),
    ...entityChecks.map((c) => c.bad),
  ];
  // (a NULL flag counts as false, as it would in the OR; one NULL would otherwise make the sum NULL)
  const anyBad = `${flags.map((x) => `ifNull(${x}, 0)`).join(' + ')} > 0`;
  const fieldDetails = `arrayStringConcat(arrayFilter(x -> x != '', [${structural}, ${checks.map((c) => `if(${c.bad}, ${c.message}, '')`).join(',\n      ')}]), '; ')`;
  // a record broken as a whole (a JSON line that is none, a quote never closed) has no fields to
  // judge: its reason alone, not every field "missing". A record of another shape than the header
  // keeps its fields' messages — but not in a file with personal data, where its values sit under
  // other columns (an id number under an enum, whose message quotes the value)
  const hasPii = spec.fields.some((f) => isPiiKind(f.kind));
  const shapeOnly = hasPii
    ? `${structural} != ''`
    : `${structural} != '' AND NOT startsWith(${structural}, 'row has ')`;
  const details = `if(${shapeOnly}, ${structural}, ${fieldDetails})`;
  const select = [
    'line',
    ...lets,
    ...typed,
    // an unknown loan is reported only for rows with no other problem, naming it (as an unknown customer is)
    // a flagged row always gets a reason: should a rule's flag and its message ever disagree, the row
    // is quarantined under a general one rather than loaded
    `if(${anyBad}, if(${structural} = 'blank line', 'blank line', coalesce(nullIf(${details}, ''), 'breaks a field rule of the data contract')),
      ${spec.referencesLoan && loans ? `if(loan_id NOT IN (SELECT loan_id FROM ${loans}), concat('loan_id: no such loan ', loan_id, ' (not loaded, or quarantined)'), '')` : "''"}) AS reason`,
    "if(reason != '', raw, '') AS bad_raw",
    `if(reason != '', ${badKey(spec, structural)}, '') AS bad_key`,
  ].join(',\n  ');
  const key = keyParts.length === 1 ? keyParts[0]! : `concat(${keyParts.join(", '\\x1f', ")})`;
  const derived: StagedSelect['derived'] = [
    { name: 'key', type: 'String', expr: key },
    { name: 'key_hash', type: 'UInt64', expr: `cityHash64(${key})` },
    { name: 'row_hash', type: 'UInt64', expr: rowHashExpr(data) },
  ];
  return {
    select,
    targetColumns,
    columns: ['line', 'reason', 'bad_raw', 'bad_key', ...targetColumns],
    derived,
    rules: { anyBad, details },
  };
}

/** The idempotency key of rows already in the target table, built the same way as in the staged row. */
export function targetKeyExpr(spec: EntitySpec): string {
  return `concat(${spec.key.map((k) => `toString(${k})`).join(", '\\x1f', ")})`;
}
