/**
 * SQL as values: a fragment carries its text and its bound values together, so fragments compose
 * without anyone choosing parameter names. Names are given once, by one allocator, when the whole
 * statement is rendered (Cube's ParamAllocator). Text inside a fragment comes from code and
 * catalogues only (definitions, table names); a value from a request is always a `param`.
 */
export interface Param {
  readonly kind: 'param';
  readonly value: unknown;
  /** the ClickHouse type of the placeholder, e.g. `Array(String)`, `Date` */
  readonly type: string;
}

type Part = string | Param;

export class Sql {
  private constructor(readonly parts: readonly Part[]) {}

  static of(parts: readonly Part[]): Sql {
    const merged: Part[] = [];
    for (const p of parts) {
      const last = merged.at(-1);
      if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
      else if (p !== '') merged.push(p);
    }
    return new Sql(merged);
  }

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }
}

const placeholderType = /^[A-Za-z][A-Za-z0-9_(), ]*$/u;

/** A value bound as a query parameter of `type`. */
export function param(value: unknown, type: string): Param {
  if (!placeholderType.test(type)) throw new Error(`not a parameter type: ${type}`);
  return { kind: 'param', value, type };
}

/** Text from code or a catalogue (an identifier, a definition's expression), never from a request. */
export const trusted = (text: string): Sql => Sql.of([text]);

/** `sql\`… ${fragment} … ${param(v, 'Date')} …\`` */
export function sql(strings: TemplateStringsArray, ...values: (Sql | Param)[]): Sql {
  const parts: Part[] = [];
  strings.forEach((s, i) => {
    parts.push(s);
    const v = values[i];
    if (v === undefined) return;
    if (v instanceof Sql) parts.push(...v.parts);
    else parts.push(v);
  });
  return Sql.of(parts);
}

/** Fragments separated by `separator` (an empty list gives the empty fragment). */
export function joinSql(fragments: readonly Sql[], separator: string): Sql {
  return Sql.of(fragments.flatMap((f, i) => (i === 0 ? [...f.parts] : [separator, ...f.parts])));
}

/** The prefix of allocated names: hand-written named parameters must not use it. */
const allocatedPrefix = 'lwp_';

/**
 * Names the params of one statement: each distinct param gets the next name (`lwp_0`, `lwp_1`, …);
 * the same param object used twice is bound once. A statement written as several texts that run
 * together (a model's scoring stages, nested one inside the next) is named by one allocator, so its
 * texts share one set of parameters. `named` are parameters the text names itself (`{as_of:Date}` in
 * a source), passed through unchanged.
 */
/**
 * `from` under one SELECT per layer, each adding its columns (`expr AS name, …`) to all before it.
 * For a chain of aliases over per-loan arrays: within one SELECT the engine's analyzer expands an
 * alias used beside its definition into its whole expression, so chains of them multiply into a
 * query tree of megabytes, analysed on every statement whatever the number of rows; across layers
 * a column is a reference.
 */
export const underLayers = (from: Sql, layers: readonly (string | Sql)[]): Sql =>
  layers.reduce<Sql>(
    (inner, layer) => sql`SELECT *, ${typeof layer === 'string' ? trusted(layer) : layer} FROM (${inner})`,
    from,
  );

export class ParamAllocator {
  private readonly names = new Map<Param, string>();
  private readonly values: Record<string, unknown>;

  constructor(named: Record<string, unknown> = {}) {
    const clash = Object.keys(named).find((k) => k.startsWith(allocatedPrefix));
    if (clash) throw new Error(`named parameter ${clash} uses the allocator's prefix ${allocatedPrefix}`);
    this.values = { ...named };
  }

  /** The fragment's text with a placeholder for each of its params. */
  text(fragment: Sql): string {
    return fragment.parts
      .map((p) => {
        if (typeof p === 'string') return p;
        let name = this.names.get(p);
        if (!name) {
          name = `${allocatedPrefix}${this.names.size}`;
          this.names.set(p, name);
          this.values[name] = p.value;
        }
        return `{${name}:${p.type}}`;
      })
      .join('');
  }

  /** Every parameter named so far (and the named ones), to send with the texts. */
  get query_params(): Record<string, unknown> {
    return { ...this.values };
  }
}

/** The statement's text and parameters (one ParamAllocator over the whole statement). */
export function render(
  statement: Sql,
  named: Record<string, unknown> = {},
): { query: string; query_params: Record<string, unknown> } {
  const names = new ParamAllocator(named);
  const query = names.text(statement);
  return { query, query_params: names.query_params };
}

/**
 * A ClickHouse string literal of text from code or a catalogue, for the few places where a value
 * cannot be a bound parameter: a SETTINGS clause, the structure argument of file(), the constant
 * messages of a validation rule compiled into a SELECT list. Each caller says why it inlines. A
 * backslash is doubled (ClickHouse reads `\` as an escape) and a quote doubled (`''`), so the
 * literal reads back as exactly `text`.
 */
export const sqlStringLiteral = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/**
 * A filter on a column of code's choosing: true when the list is empty, else the column's value is
 * one of the list's. IN, not has(): the engine evaluates has() of a constant array row by row (on
 * the 1M book 3× slower over the promises' facts, 23× over the payments' ingest ids).
 */
export function anyOf(values: readonly string[] | undefined, column: string): Sql {
  const list = param(values ?? [], 'Array(String)');
  return sql`(empty(${list}) OR ${trusted(column)} IN ${list})`;
}
