import type { z } from 'zod';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import type { Output } from './output.ts';

/** One flag of one command: its zod schema (what the value means), its help line, its placeholder. */
export interface FlagSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  help: string;
  /** the value's placeholder in help (`YYYY-MM-DD`); absent: a switch that takes no value */
  value?: string;
  /** what to say when a required flag is missing (default: "--x is required (placeholder)") */
  missing?: string;
}

/** A positional argument; `variadic` collects the rest into a list. */
export interface ArgSpec<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  help: string;
  variadic?: boolean;
  missing?: string;
}

type Specs = Record<string, FlagSpec>;
export type FlagValues<F extends Specs> = { [K in keyof F]: z.output<F[K]['schema']> };
type ArgValues<A extends readonly ArgSpec[]> = { [S in A[number] as S['name']]: z.output<S['schema']> };

export interface BaseContext {
  config: Config;
  out: Output;
}
export interface WarehouseContext extends BaseContext {
  wh: Warehouse;
}

interface CommandParts<F extends Specs, A extends readonly ArgSpec[]> {
  /** `ingest`, or `keys create` for a sub-command */
  name: string;
  /** whether the command reads a piped stdin (pipedStdin()) on these flags; any other's is set aside unread (piped-stdin.ts) */
  readsStdin?: (values: FlagValues<F> & ArgValues<A>) => boolean;
  summary: string;
  /** more than the summary, shown in the command's own help */
  description?: string;
  args?: A;
  flags: F;
  /** at least one working command line, shown in help */
  examples: string[];
  /**
   * a check across flags; returns the one-line error, or undefined when the flags go together.
   * `given`: the flags written on the command line (a flag left at its default is not given)
   */
  check?: (values: FlagValues<F> & ArgValues<A>, given: ReadonlySet<keyof F & string>) => string | undefined;
}

/** `warehouse: false` runs without opening the warehouse (generate); otherwise it is open and migrated. */
type Runner<V> =
  | { warehouse: true; run(ctx: WarehouseContext, values: V): Promise<unknown> }
  | { warehouse: false; run(ctx: BaseContext, values: V): Promise<unknown> };

export type CommandModule<F extends Specs = Specs, A extends readonly ArgSpec[] = readonly ArgSpec[]> = CommandParts<
  F,
  A
> &
  Runner<FlagValues<F> & ArgValues<A>>;

/** A command in the table: its name (`keys create`), and its module, imported only when the line names it. */
export interface CommandEntry {
  name: string;
  load(): Promise<CommandModule>;
}

/** Keeps the literal flag names, so the handler's values are typed by the specs. */
export const defineCommand = <const F extends Specs, const A extends readonly ArgSpec[] = []>(m: CommandModule<F, A>) =>
  m;

export const flag = <S extends z.ZodType>(schema: S, help: string, value?: string): FlagSpec<S> => ({
  schema,
  help,
  ...(value ? { value } : {}),
});

/** What a handler receives for a command's flags. */
export type ValuesOf<M> = M extends CommandModule<infer F, infer A> ? FlagValues<F> & ArgValues<A> : never;

/**
 * A command's values for a call from code (the demo runs other commands): the given ones, and
 * every other flag at its default — a required flag left out throws here, as it would on the line.
 */
export function valuesFor<F extends Specs, A extends readonly ArgSpec[]>(
  m: CommandModule<F, A>,
  given: Partial<FlagValues<F> & ArgValues<A>>,
): FlagValues<F> & ArgValues<A> {
  const values: Record<string, unknown> = { ...given };
  for (const [name, spec] of Object.entries(m.flags))
    if (!Object.hasOwn(given, name)) values[name] = spec.schema.parse(undefined);
  return values as FlagValues<F> & ArgValues<A>;
}
