import { Command, CommanderError, Option } from 'commander';
import type { z } from 'zod';
import type { ArgSpec, CommandEntry, CommandModule, FlagSpec } from './command.ts';
import { exitCodeHelp } from '../../lib/exit-codes.ts';
import { textOf, type Output } from './output.ts';
import { UsageError } from './usage-error.ts';
import { issuesByField } from '../../lib/zod-wording.ts';

export interface Selected {
  module: CommandModule;
  values: Record<string, unknown>;
}

/** What help shows after a flag's text: its default, or that it is required. */
function defaultNote(spec: FlagSpec | ArgSpec): string {
  const r = spec.schema.safeParse(undefined);
  if (!r.success) return ' (required)';
  if (r.data === undefined || r.data === false) return '';
  const shown = Array.isArray(r.data) ? r.data.map(textOf).join(',') : textOf(r.data);
  return ` (default: ${shown})`;
}

function subcommand(parent: Command, name: string, out: Output): Command {
  const found = parent.commands.find((c) => c.name() === name);
  if (found) return found;
  return configure(parent.command(name), out);
}

function configure(cmd: Command, out: Output): Command {
  return cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => {
        out.line(s.trimEnd());
      },
      writeErr: (s) => {
        console.error(s.trimEnd());
      },
      // our own one-line message instead (see commanderMessage)
      outputError: () => undefined,
    });
}

/** The commander program for a command table; a command's action only records what was chosen. */
function buildProgram(
  modules: readonly CommandModule[],
  out: Output,
  onSelect: (s: { module: CommandModule; command: Command }) => void,
) {
  const program = configure(new Command('loanwatch'), out)
    .description('analytics and early warning for overdue-loan management (逾期管理 / 贷后管理)')
    .addHelpText(
      'after',
      [
        "\nRun 'loanwatch <command> --help' for a command's flags and an example. Environment: see the README (CLICKHOUSE_URL switches to a server).",
        '\nExit codes (docs/data-contract.md):',
        ...exitCodeHelp.map(([code, text]) => `  ${String(code).padEnd(4)}${text}`),
      ].join('\n'),
    );
  for (const m of modules) {
    const words = m.name.split(' ');
    const parent = words.slice(0, -1).reduce((p, w) => subcommand(p, w, out), program);
    const cmd = configure(parent.command(words.at(-1)!), out)
      .summary(m.summary)
      .description(m.description ?? m.summary);
    for (const a of m.args ?? [])
      cmd.argument(a.variadic ? `[${a.name}...]` : `[${a.name}]`, `${a.help}${defaultNote(a)}`);
    for (const [name, spec] of Object.entries(m.flags)) {
      cmd.addOption(
        new Option(spec.value ? `--${name} <${spec.value}>` : `--${name}`, `${spec.help}${defaultNote(spec)}`),
      );
    }
    cmd.addHelpText(
      'after',
      `\nExample${m.examples.length > 1 ? 's' : ''}:\n${m.examples.map((e) => `  ${e}`).join('\n')}`,
    );
    cmd.action((...params: unknown[]) => {
      onSelect({ module: m, command: params.at(-1) as Command });
    });
  }
  // a group (`keys`) is described by what it holds
  for (const group of program.commands.filter((c) => c.commands.length > 0))
    group.summary(group.commands.map((c) => c.name()).join(', '));
  return program;
}

const issueText = (e: z.ZodError) => {
  const [first] = issuesByField(e.issues);
  const i = first?.issue;
  const at = i && i.path.length > 0 && typeof i.path[0] === 'number' ? ` (item ${i.path[0] + 1})` : '';
  return `${first?.text ?? 'invalid value'}${at}`;
};

function validate(spec: FlagSpec | ArgSpec, label: string, raw: unknown, command: string): unknown {
  const r = spec.schema.safeParse(raw);
  if (r.success) return r.data;
  const empty = raw === undefined || (Array.isArray(raw) && raw.length === 0);
  const placeholder = 'value' in spec && spec.value ? ` (${spec.value})` : '';
  if (empty && !spec.schema.safeParse(undefined).success)
    throw new UsageError(spec.missing ?? `${label} is required${placeholder}`, command);
  throw new UsageError(
    `${label} ${JSON.stringify(Array.isArray(raw) ? raw.join(' ') : raw)}: ${issueText(r.error)}`,
    command,
  );
}

/** The first words of argv that name a command or a group (`keys revoke`, `keys`). */
function commandWords(argv: readonly string[], entries: readonly CommandEntry[]) {
  const names = new Set(entries.flatMap((e) => e.name.split(' ').map((_, i, w) => w.slice(0, i + 1).join(' '))));
  let words = '';
  for (const a of argv) {
    const next = words ? `${words} ${a}` : a;
    if (!names.has(next)) break;
    words = next;
  }
  return words || undefined;
}

/** an unknown command that is another command's flag (`rollback`: `ingest --rollback`), as a suggestion */
function flagOfAnother(word: string, modules: readonly CommandModule[]): string {
  const owners = modules.filter((m) => Object.hasOwn(m.flags, word)).map((m) => `${m.name} --${word}`);
  return owners.length ? ` (did you mean ${owners.join(' or ')}?)` : '';
}

/** commander's error text as one sentence: "unknown flag --loan (did you mean --loans?)". */
function commanderMessage(e: CommanderError): string {
  return e.message
    .replace(/^error: /u, '')
    .replace(/unknown option '([^']+)'/u, 'unknown flag $1')
    .replace(/\s*\(Did you mean ([^)]+)\?\)/u, ' (did you mean $1?)')
    .replace(/\n/gu, ' ')
    .trim();
}

/**
 * The first of the command's flags written twice on the line (commander keeps the last value, so
 * `--as-of 2024-06-30 … --as-of 2024-05-31` would run silently for the second): a flag's value is
 * the word after it, or after `=`, whatever it looks like, as commander reads it; `--` ends the flags.
 */
function repeatedFlag(line: readonly string[], m: CommandModule): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < line.length; i++) {
    const word = line[i]!;
    if (word === '--') return undefined;
    if (!word.startsWith('--')) continue;
    const name = word.slice(2).split('=')[0]!;
    const spec = Object.hasOwn(m.flags, name) ? m.flags[name] : undefined;
    if (!spec) continue;
    if (seen.has(name)) return name;
    seen.add(name);
    if (spec.value && !word.includes('=')) i++;
  }
  return undefined;
}

/**
 * A flag that takes a value followed by another of the command's flags (`generate --out --loans 10`):
 * commander reads the second as the first's value, and `generate --out --out` wrote a book into a
 * folder named `--out`. A value that really starts with `--` can be written `--out=--x`.
 */
function flagTakenAsValue(line: readonly string[], m: CommandModule): { flag: string; next: string } | undefined {
  for (let i = 0; i < line.length - 1; i++) {
    const word = line[i]!;
    if (word === '--') return undefined;
    if (!word.startsWith('--') || word.includes('=')) continue;
    const name = word.slice(2);
    const spec = Object.hasOwn(m.flags, name) ? m.flags[name] : undefined;
    if (!spec?.value) continue;
    const next = line[i + 1]!;
    const nextName = next.startsWith('--') ? next.slice(2).split('=')[0]! : '';
    if (nextName === 'help' || Object.hasOwn(m.flags, nextName)) return { flag: word, next };
    i++;
  }
  return undefined;
}

/**
 * Parses argv against the command table: the chosen command with validated values, or an exit code
 * when help was shown. A command line that does not fit throws a UsageError. Only the named
 * command's module is loaded; a line naming none (the overall help, a group's help, an unknown
 * command and its suggestion) loads them all.
 */
export async function parseCommandLine(
  argv: readonly string[],
  entries: readonly CommandEntry[],
  out: Output,
): Promise<Selected | number> {
  // `help keys create` as `keys create --help` (commander's help command looks one level deep)
  const line = argv[0] === 'help' && argv.length > 1 ? [...argv.slice(1), '--help'] : [...argv];
  const words = commandWords(line, entries);
  const named = entries.find((e) => e.name === words);
  const modules = named ? [await named.load()] : await Promise.all(entries.map((e) => e.load()));
  let chosen: { module: CommandModule; command: Command } | undefined;
  const program = buildProgram(modules, out, (s) => {
    chosen = s;
  });
  // before commander, whose own message for `--out --loans 10` is about the arguments left over
  const asValue = named ? flagTakenAsValue(line, modules[0]!) : undefined;
  if (asValue)
    throw new UsageError(
      `${asValue.flag} needs a value, but the next word is the flag ${asValue.next} (a value starting with -- is written ${asValue.flag}=VALUE)`,
      words,
    );
  // `rollback --help` named no command, and commander showed the overall help with exit 0: the
  // unknown word is the error, as without --help
  const unknownFirst = !words && line[0] !== undefined && !line[0].startsWith('-') && line[0] !== 'help';
  const parsed = unknownFirst ? line.filter((w) => w !== '--help' && w !== '-h') : line;
  try {
    program.parse(parsed, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    // help asked for (`help`) exits 0; help shown because the line names no command (`loanwatch`,
    // `loanwatch keys`) is a usage error
    if (e.code === 'commander.help') return argv[0] === 'help' ? 0 : 2;
    const message = commanderMessage(e);
    const hint = unknownFirst && !message.includes('did you mean') ? flagOfAnother(line[0]!, modules) : '';
    throw new UsageError(`${message}${hint}`, words);
  }
  if (!chosen) return 2;
  const { module: m, command } = chosen;
  const opts = command.opts<Record<string, unknown>>();
  const twice = repeatedFlag(line, m);
  if (twice) throw new UsageError(`--${twice} is given twice: give it once`, m.name);
  const values: Record<string, unknown> = {};
  // arguments first: `promote m` lacks its version before it lacks --reason
  (m.args ?? []).forEach((a, i) => {
    values[a.name] = validate(a, a.name, command.processedArgs[i], m.name);
  });
  for (const [name, spec] of Object.entries(m.flags)) {
    const option = command.options.find((o) => o.long === `--${name}`)!;
    values[name] = validate(spec, `--${name}`, opts[option.attributeName()], m.name);
  }
  // commander sets no defaults: a flag with a value in opts was written on the line
  const given = new Set(
    Object.keys(m.flags).filter((name) => {
      const option = command.options.find((o) => o.long === `--${name}`)!;
      return opts[option.attributeName()] !== undefined;
    }),
  );
  const problem = m.check?.(values, given);
  if (problem) throw new UsageError(problem, m.name);
  return { module: m, values };
}
