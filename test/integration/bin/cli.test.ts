import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliHarness } from '../../helpers/cli.ts';
import { csvRecords } from '../../../lib/csv-records.ts';
import { disposalMoneyColumns } from '../../../pipelines/collections/disposal/disposal-list.ts';
import { agentAwardMoneyColumns, evidenceMoneyColumns } from '../../../pipelines/collections/incentives/read.ts';

describe('loanwatch CLI', () => {
  const { dir, out, err, run, stdout } = cliHarness('cli');

  it('rejects unknown commands, unknown flags and bad flag values with exit code 2 and a clear message', async () => {
    expect(await run('frobnicate')).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command 'frobnicate'/);
    expect(await run('generate', '--colour', 'red')).toBe(2);
    expect(err.join('\n')).toMatch(/unknown flag --colour/);
    expect(await run('generate', '--loans', 'many')).toBe(2);
    expect(err.join('\n')).toMatch(/--loans/);
    expect(await run('snapshot', '--as-of', '30/06/2024')).toBe(2);
    expect(err.join('\n')).toMatch(/--as-of "30\/06\/2024": expected a calendar date YYYY-MM-DD/);
    expect(await run('snapshot', '--as-of', '2024-13-45')).toBe(2);
    expect(err.join('\n')).toMatch(/--as-of "2024-13-45": expected a calendar date YYYY-MM-DD/);
    expect(await run('cases', '--as-of', '2024-06-15', '--stage', 'soon')).toBe(2);
    expect(err.join('\n')).toMatch(/--stage "soon": "soon" is not one of watch, early, mid, late/);
    expect(await run('cases')).toBe(2);
    expect(err.join('\n')).toMatch(/--as-of/);
    expect(await run('ingest')).toBe(2);
    expect(err.join('\n')).toMatch(/name at least one file or directory/);
    expect(await run('ingest', '/no/such/path')).toBe(2);
    expect(err.join('\n')).toMatch(/no such file or directory/);
  });

  it('generate refuses a folder that already holds files (nothing in it replaced) unless --force', async () => {
    const folder = join(dir, 'lender-files');
    mkdirSync(folder, { recursive: true });
    for (const [n, name] of ['payments.csv', 'notes.txt', 'a.csv', 'b.csv'].entries()) {
      writeFileSync(join(folder, name), 'important\n');
      expect(await run('generate', '--out', folder, '--loans', '5', '--months', '6')).toBe(2);
      expect(err.join('\n')).toContain(`--out ${folder} already holds ${n + 1} ${n === 0 ? 'entry' : 'entries'} (`);
      expect(err.join('\n')).toMatch(/add --force/u);
      expect(readFileSync(join(folder, 'payments.csv'), 'utf8')).toBe('important\n');
    }
    expect(await run('generate', '--out', folder, '--loans', '5', '--months', '6', '--daily-from', '2024-06-01')).toBe(
      2,
    );
    expect(readdirSync(folder).sort()).toEqual(['a.csv', 'b.csv', 'notes.txt', 'payments.csv']);
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(await run('generate', '--out', join(dir, 'a-file'), '--loans', '5')).toBe(2);
    expect(err.join('\n')).toMatch(/is a file, not a folder/u);
    expect(await run('generate', '--out', folder, '--loans', '5', '--months', '6', '--force')).toBe(0);
    expect(readFileSync(join(folder, 'payments.csv'), 'utf8')).not.toBe('important\n');
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('important\n');
  });

  it('fails fast on a bad environment', async () => {
    process.env.LOANWATCH_GRACE_DAYS = '-3';
    try {
      expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(2);
      expect(err.join('\n')).toMatch(/LOANWATCH_GRACE_DAYS/);
    } finally {
      delete process.env.LOANWATCH_GRACE_DAYS;
    }
    // read at start-up, not where they are used (a request recording a promise, a snapshot's accrual)
    for (const [name, value] of [
      ['LOANWATCH_PROMISE_MAX_DAYS', 'two months'],
      ['LOANWATCH_ACCRUAL_RULES', join(dir, 'no-such-rules.json')],
    ] as const) {
      process.env[name] = value;
      try {
        expect(await run('metrics', 'overdue'), name).toBe(2);
        expect(err[0]).toMatch(new RegExp(`^loanwatch: invalid configuration: ${name}: `, 'u'));
        expect(err.join('\n')).not.toMatch(/\n {2}/u);
      } finally {
        Reflect.deleteProperty(process.env, name);
      }
    }
  });

  it('generate → ingest → snapshot → dpd', async () => {
    const book = join(dir, 'book');
    expect(
      await run('generate', '--out', book, '--loans', '300', '--months', '18', '--seed', '4', '--bad-rows', '0.01'),
    ).toBe(0);
    expect((JSON.parse(out.join('\n')) as { rows: { loans: number } }).rows.loans).toBeGreaterThanOrEqual(300);
    expect(await run('ingest', book)).toBe(0);
    const ingestOut = JSON.parse(out.join('\n')) as {
      receipts: { entity: string; rows_read: number; rows_accepted: number; rows_quarantined: number }[];
    };
    for (const r of ingestOut.receipts) expect(r.rows_read).toBe(r.rows_accepted + r.rows_quarantined);
    const quarantined = ingestOut.receipts.reduce((a, r) => a + r.rows_quarantined, 0);
    expect(quarantined).toBeGreaterThan(0);
    expect(await run('quarantine', '--format', 'csv')).toBe(0);
    expect(out[0]).toBe('file,entity,line,reason,raw,ingest_id,file_sha256,quarantined_at,status,resolved_by');
    expect(out.filter((l) => l.startsWith('/') || l.startsWith('"/'))).toHaveLength(quarantined);
    expect(await run('quarantine', '--entity', 'payments', '--format', 'json')).toBe(0);
    const payments = JSON.parse(out.join('\n')) as { entity: string; line: number; reason: string }[];
    expect(payments.length).toBe(ingestOut.receipts.find((r) => r.entity === 'payments')!.rows_quarantined);
    expect(payments.every((r) => r.entity === 'payments' && r.line > 1 && r.reason.length > 0)).toBe(true);
    expect(await run('quarantine', '--limit', '2')).toBe(0);
    expect(out.join('\n')).toMatch(
      new RegExp(`^showing 2 of ${quarantined}; use --format csv \\(or json\\) for all$`, 'mu'),
    );
    expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ lastMonthEnd: '2024-06-30' });
    // a typo in the year is refused before anything is rebuilt: before the book, after its data, or back in time
    const refused: [string, RegExp][] = [
      [
        '1990-01-31',
        /^loanwatch: --as-of 1990-01-31 is before the first month-end of the data \(\d{4}-\d{2}-\d{2}, the first loan's month\): there is nothing to snapshot$/u,
      ],
      [
        '2025-06-30',
        /^loanwatch: --as-of 2025-06-30 builds month-end 2025-06-30, 365 days after the data's last day 2024-06-30 \(at most 7\): installments due since would count as unpaid$/u,
      ],
      ['9999-12-31', /days after the data's last day/u],
      [
        '2024-03-31',
        /^loanwatch: --as-of 2024-03-31 is before the last snapshot's month-end 2024-06-30: rebuilding to it drops the later month-ends$/u,
      ],
    ];
    for (const [asOf, message] of refused) {
      expect(await run('snapshot', '--as-of', asOf)).toBe(2);
      expect(err[0]).toMatch(message);
    }
    // the snapshot is still there, whole
    expect(await run('metrics', 'overdue', '--from', '2024-06-30', '--to', '2024-06-30', '--format', 'json')).toBe(0);
    expect(out.join('\n')).toMatch(/2024-06-30/u);
    // a day's files in the month the data ends in are the daily run's case: allowed
    expect(await run('snapshot', '--as-of', '2024-07-01')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ lastMonthEnd: '2024-06-30' });
    expect(await run('demo', '--loans', '100', '--serve', 'false')).toBe(2);
    expect(err[0]).toMatch(
      /already holds [\d,]+ loans the demo did not write; the demo will not mix its book into it$/u,
    );
    expect(err[1]).toMatch(/LOANWATCH_DATA_DIR=/u);
    expect(await run('dpd', '--as-of', '2024-07-15')).toBe(2);
    expect(err[0]).toBe(
      "loanwatch: --as-of 2024-07-15 is 15 days after the data's last day 2024-06-30 (at most 7): installments due since would count as unpaid (load the newer files first)",
    );
    expect(err[1]).toBe('use --as-of 2024-06-30 or earlier');
    expect(await run('dpd', '--as-of', '2024-06-15', '--format', 'table')).toBe(0);
    expect(out.join('\n')).toMatch(/^showing 50 of \d+; use --format csv \(or json\) for all$/mu);
    expect(await run('dpd', '--as-of', '2024-06-15', '--format', 'json')).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { as_of: string; loan_id: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ as_of: '2024-06-15' });
    // every amount a number (the snapshot's came as strings beside the accrual's numbers)
    for (const k of ['principal_balance', 'overdue_principal', 'overdue_interest', 'amount_to_cure'])
      expect(typeof (rows[0] as unknown as Record<string, unknown>)[k], k).toBe('number');
    // --loan takes a list as every list flag does, and names each loan it does not find
    const two = rows.slice(0, 2).map((r) => r.loan_id);
    expect(await run('dpd', '--as-of', '2024-06-15', '--loan', two.join(','), '--format', 'json')).toBe(0);
    expect((JSON.parse(out.join('\n')) as { loan_id: string }[]).map((r) => r.loan_id).sort()).toEqual([...two].sort());
    expect(await run('dpd', '--as-of', '2024-06-15', '--loan', `${two[0]},NOPE`)).toBe(2);
    expect(err[0]).toBe('loanwatch: no loan "NOPE" on 2024-06-15');
    // a loan or agent that picks rows but names nothing loaded is refused by name (it printed
    // "(no rows)" with exit 0, as a real one with nothing in the period does)
    const loan = rows[0]!.loan_id;
    expect(await run('placements', '--as-of', '2024-06-28', '--history', '--loan', loan.toLowerCase())).toBe(2);
    expect(err[0]).toBe(
      `loanwatch: unknown loan "${loan.toLowerCase()}" (did you mean "${loan}"?) — not in the loans loaded`,
    );
    expect(await run('placements', '--as-of', '2024-06-28', '--history', '--loan', 'NOPE')).toBe(2);
    expect(err[0]).toBe('loanwatch: unknown loan "NOPE" — not in the loans loaded');
    expect(await run('placements', '--as-of', '2024-06-28', '--history', '--loan', loan, '--format', 'json')).toBe(0);
    expect(await run('promises', '--as-of', '2024-06-28', '--format', 'json')).toBe(0);
    const agent = (JSON.parse(out.join('\n')) as { agent_id: string }[]).find((p) => p.agent_id)!.agent_id;
    expect(await run('promises', '--as-of', '2024-06-28', '--agent', agent, '--format', 'json')).toBe(0);
    // a filtered list's summary names its filters and counts only the states asked for
    expect(await run('promises', '--as-of', '2024-06-28', '--status', 'broken,kept', '--format', 'json')).toBe(0);
    expect(err.join('\n')).toMatch(
      /^promises 2024-06-28 \(grace 3 days; --status broken,kept\): \d+ — broken \d+, kept \d+$/mu,
    );
    for (const argv of [
      ['promises', '--as-of', '2024-06-28', '--agent', 'nobody'],
      ['contact-compliance', '--from', '2024-06-01', '--to', '2024-06-30', '--agent', `${agent},nobody`],
      ['incentives', '--month', '2024-06', '--list', '--agent', 'nobody'],
    ]) {
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0]).toMatch(/^loanwatch: unknown agent "nobody" — known: [^\n]*\S$/u);
    }
    // an accrual rules file whose product key names no loaded product (a typo) is refused, naming the near one
    const typo = join(dir, 'typo-rules.json');
    writeFileSync(typo, JSON.stringify({ products: { creditcard: { late_fee: 999 } } }));
    expect(await run('dpd', '--as-of', '2024-06-15', '--accrual-rules', typo)).toBe(2);
    expect(err[0]).toMatch(
      /typo-rules\.json: a product entry names no loaded loan's product: unknown product "creditcard" \(did you mean "credit_card"\?\)/u,
    );
    // the case list folds its amounts to cure with the configured rules: refused alike
    process.env.LOANWATCH_ACCRUAL_RULES = typo;
    try {
      expect(await run('cases', '--as-of', '2024-06-15')).toBe(2);
      expect(err[0]).toMatch(
        /LOANWATCH_ACCRUAL_RULES \(.*typo-rules\.json\): a product entry names no loaded loan's product: unknown product "creditcard"/u,
      );
    } finally {
      delete process.env.LOANWATCH_ACCRUAL_RULES;
    }
    writeFileSync(typo, JSON.stringify({ products: { credit_card: { late_fee: 50 } } }));
    expect(await run('dpd', '--as-of', '2024-06-15', '--accrual-rules', typo, '--format', 'json')).toBe(0);

    expect(await run('metrics', 'overdue', '--format', 'csv', '--from', '2024-01-31')).toBe(0);
    const lines = out.join('\n').trim().split('\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['month_end', 'outstanding', 'm1plus']);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
      '2024-06-30',
    ]);
    // in CSV money has exactly two decimals (the engine wrote 1234.5, an ECL a float's nine) and
    // ratios six, without thousands separators; ratios and shares by their denominator
    for (const name of ['overdue', 'ecl', 'roll_rate']) {
      expect(await run('metrics', name, '--format', 'json')).toBe(0);
      const { columns } = JSON.parse(out.join('\n')) as {
        columns: { name: string; kind: string; denominator?: string }[];
      };
      expect(await run('metrics', name, '--format', 'csv')).toBe(0);
      const records: string[][] = [];
      for await (const r of csvRecords([stdout()])) records.push(r.fields);
      const [head, ...body] = records;
      expect(head).toEqual(columns.map((c) => c.name));
      expect(body.length, name).toBeGreaterThan(0);
      columns.forEach((c, i) => {
        const cells = body.map((r) => r[i]!);
        if (c.kind === 'measure' && !c.denominator)
          for (const v of cells) expect(v, `${name}.${c.name}`).toMatch(/^-?\d+\.\d\d$/u);
        if (c.kind === 'ratio' || (c.kind === 'measure' && c.denominator))
          for (const v of cells) expect(v, `${name}.${c.name}`).toMatch(/^(-?\d+\.\d{6})?$/u);
      });
      if (name === 'ecl') expect(columns.find((c) => c.name === 'ecl')?.kind).toBe('measure');
    }
    expect(await run('metrics', 'roll_rate', '--format', 'json', '--basis', 'count')).toBe(0);
    const rollRate = JSON.parse(out.join('\n')) as { columns: { name: string; denominator?: string }[] };
    expect(rollRate.columns.find((c) => c.name === 'flow_share')!.denominator).toBe('loans in from_bucket at t');
    for (const [argv, message] of [
      [
        ['metrics', 'overdue', '--product', 'mortgag'],
        /^loanwatch: unknown product "mortgag" \(did you mean "mortgage"\?\) — known: .*consumer/u,
      ],
      [
        ['cases', '--as-of', '2024-06-15', '--region', 'eats'],
        /^loanwatch: unknown region "eats" \(did you mean "east"\?\) — known: /u,
      ],
      [['warnings', '--as-of', '2024-06-15', '--list', '--team', 'nobody'], /^loanwatch: unknown team "nobody"/u],
    ] as const) {
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0]).toMatch(message);
    }
    expect(await run('metrics', 'overdue', '--from', '2024-04-30', '--to', '2024-06-30', '--format', 'table')).toBe(0);
    expect(out.join('\n')).toMatch(/│ 2024-06-30 +│ +[\d,]+\.\d+ │ .*\d+\.\d\d% │/u);
    expect(out.join('\n')).not.toMatch(/\(index\)/u);
    // a number a label describes (days late) is no percentage; a ratio is
    expect(await run('metrics', 'promises', '--group-by', 'channel', '--format', 'table')).toBe(0);
    const header = out.find((l) => l.includes('avg_days_late'))!;
    const col = header.split('│').findIndex((h) => h.includes('avg_days_late'));
    const cells = out
      .filter((l) => /^│ (sms|phone|visit|letter|legal|agency) /u.test(l))
      .map((l) => l.split('│')[col]!.trim());
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect(cell).not.toMatch(/%/u);
    expect(await run('metrics', 'forecast', '--months', '3', '--format', 'json')).toBe(0);
    const forecast = JSON.parse(out.join('\n')) as { rows: { month_ahead: number; charged_off: number }[] };
    expect(forecast.rows.map((r) => r.month_ahead)).toEqual([1, 2, 3]);
    for (const r of forecast.rows) expect(r.charged_off).toBeGreaterThanOrEqual(0);
  });

  it('warnings, a strategy experiment and its results through the CLI; bad configuration files exit 2 naming the file', async () => {
    // a month before the data: the shared refusal of dates outside it (test/integration/bin/date-bounds.test.ts)
    expect(await run('incentives', '--month', '2022-06')).toBe(2);
    expect(err[0]).toBe("loanwatch: --month 2022-06 is before the data's first day 2023-01-05: there is nothing on it");
    // a month of the data without collection work (the first action is in March): one line saying there is
    // nothing to award, not '0 agents — stored'
    expect(await run('incentives', '--month', '2023-02')).toBe(2);
    expect(err.join('\n')).not.toMatch(/stored/u);
    expect(err[0]).toBe(
      'loanwatch: incentives 2023-02: no agent acted or was credited a payment in 2023-02: nothing to award, nothing issued',
    );
    expect(await run('incentives', '--month', '2024-06')).toBe(0);
    expect(err[0]).toMatch(/^incentives 2024-06: \d+ agents, .* — stored$/u);
    expect(await run('warnings', '--as-of', '2024-06-30', '--format', 'json', '--limit', '100000')).toBe(0);
    const ws = JSON.parse(out.join('\n')) as { rule_id: string }[];
    expect(err.join('\n')).toMatch(/overdue_3_months\s+consecutive_overdue\s+critical\s+\d+ fired/);
    expect(err.join('\n')).toMatch(/high_score .*skipped: no champion/);
    expect(await run('warnings', '--as-of', '2024-06-30', '--list', '--format', 'json', '--limit', '100000')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(ws);
    // a rule id no rules file names and that never fired is refused by name, with the nearest one;
    // a known rule with nothing stored for the day lists nothing, exit 0, saying the day ran
    expect(await run('warnings', '--as-of', '2024-06-30', '--list', '--rule', 'nosuch')).toBe(2);
    expect(err[0]).toBe(
      'loanwatch: unknown rule "nosuch" — known: broken_promise, high_score, model_drift, overdue_3_months, overdue_amount_50k, score_jump',
    );
    expect(await run('warnings', '--as-of', '2024-06-30', '--list', '--rule', 'broken_promis')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: unknown rule "broken_promis" \(did you mean "broken_promise"\?\) — known: /u);
    // high_score needs a champion: skipped in the run, not "ran and fired nothing"
    expect(await run('warnings', '--as-of', '2024-06-30', '--list', '--rule', 'high_score')).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^no warnings for 2024-06-30: high_score was skipped in the run at [\d-]{10} [\d:]{8}: no champion model$/u,
    );
    expect(await run('warnings', '--as-of', '2024-06-30', '--list', '--kind', 'teleport')).toBe(2);
    expect(err[0]).toMatch(/--kind "teleport": "teleport" is not one of consecutive_overdue, /u);
    const exp = join(dir, 'exp.json');
    writeFileSync(
      exp,
      JSON.stringify({
        name: 'cli-exp',
        arms: [
          { name: 'control', weight: 1 },
          { name: 'challenger', weight: 1 },
        ],
      }),
    );
    expect(await run('cases', '--as-of', '2024-05-15', '--experiment', exp, '--format', 'csv')).toBe(0);
    expect(out.join('\n').split('\n')[0]).toMatch(/,arm$/);
    expect(
      await run(
        'experiment',
        '--experiment',
        exp,
        '--as-of',
        '2024-05-15',
        '--until',
        '2024-06-15',
        '--segment',
        'all',
        '--format',
        'json',
      ),
    ).toBe(0);
    expect((JSON.parse(out.join('\n')) as { arm: string }[]).map((r) => r.arm).sort()).toEqual([
      'challenger',
      'control',
    ]);
    expect(await run('experiment', '--experiment', exp, '--as-of', '2024-05-15', '--until', '2024-05-01')).toBe(2);
    expect(err.join('\n')).toMatch(/--until 2024-05-01 must be after --as-of 2024-05-15/);
    expect(await run('experiment', '--experiment', exp, '--as-of', '2024-04-15', '--until', '2024-05-15')).toBe(2);
    expect(err.join('\n')).toMatch(/no cases were assigned in experiment cli-exp on 2024-04-15: issue the list first/);

    const bad = join(dir, 'bad.json');
    for (const [content, message] of [
      ['{ not json', /warning rules .*bad\.json: not JSON/],
      [JSON.stringify({ rules: [{ id: 'x', kind: 'score_above', threshold: 2 }] }), /rules\.0\.threshold/],
      [JSON.stringify({ rules: [{ id: 'x', kind: 'teleport' }] }), /rules\.0\.kind/],
    ] as const) {
      writeFileSync(bad, content);
      expect(await run('warnings', '--as-of', '2024-06-30', '--rules', bad)).toBe(2);
      expect(err.join('\n')).toMatch(message);
    }
    expect(await run('warnings', '--as-of', '2024-06-30', '--rules', join(dir, 'missing.json'))).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: warning rules .*missing\.json: no such file or directory$/u);
    writeFileSync(bad, JSON.stringify({ rules: [{ stage: 'early', grades: ['A'], action: 'sms_reminder' }] }));
    expect(await run('cases', '--as-of', '2024-06-15', '--strategy', bad)).toBe(2);
    expect(err.join('\n')).toMatch(/strategy table .*early × B has 0 actions/);
    writeFileSync(bad, JSON.stringify({ name: 'x', arms: [{ name: 'only', weight: 1 }] }));
    expect(await run('cases', '--as-of', '2024-06-15', '--experiment', bad)).toBe(2);
    expect(err.join('\n')).toMatch(/at least two arms/);
    const agents = join(dir, 'agents.json');
    writeFileSync(
      agents,
      JSON.stringify([
        { agent_id: 'a1', cap: 3 },
        { agent_id: 'a2', cap: 2 },
      ]),
    );
    expect(
      await run('cases', '--as-of', '2024-06-15', '--agents', agents, '--assign-by', 'balance', '--format', 'json'),
    ).toBe(0);
    const listed = JSON.parse(out.join('\n')) as { rank: number; agent_id: string }[];
    expect(listed.filter((c) => c.agent_id === 'a1')).toHaveLength(Math.min(3, listed.length));
    expect(listed.filter((c) => c.agent_id === '').length).toBe(Math.max(0, listed.length - 5));
    expect(listed.slice(0, Math.min(5, listed.length)).every((c) => c.agent_id !== '')).toBe(true);
    expect(err.join('\n')).toMatch(/assigned \d+ cases over 2 agents by balance/);
    writeFileSync(agents, JSON.stringify([{ agent_id: 'a1', cap: -1 }]));
    expect(await run('cases', '--as-of', '2024-06-15', '--agents', agents)).toBe(2);
    expect(err.join('\n')).toMatch(/agents .*0\.cap/);

    // every CSV the CLI writes ends its last line: `wc -l` counts the rows, `cat a.csv b.csv` keeps them apart
    for (const argv of [
      ['metrics', 'overdue', '--format', 'csv'],
      ['cases', '--as-of', '2024-06-15', '--format', 'csv'],
      ['promises', '--as-of', '2024-06-28', '--format', 'csv'],
      [
        'promises',
        '--as-of',
        '2024-06-28',
        '--status',
        'open',
        '--due',
        'today',
        '--region',
        'east',
        '--format',
        'csv',
      ],
      ['warnings', '--as-of', '2024-06-30', '--list', '--format', 'csv'],
      ['dpd', '--as-of', '2024-06-15', '--format', 'csv'],
      ['quarantine', '--format', 'csv'],
      ['contact-compliance', '--from', '2024-06-01', '--to', '2024-06-30', '--format', 'csv'],
      ['incentives', '--month', '2024-06', '--list', '--format', 'csv'],
      ['placements', '--as-of', '2024-06-28', '--format', 'csv'],
      ['bureau', '--month', '2024-06'],
    ]) {
      expect(await run(...argv), argv.join(' ')).toBe(0);
      expect(stdout(), argv.join(' ')).toMatch(/[^\n]\n$/u);
    }

    // money to the cent in every CSV, as the metrics and cases CSVs write it (these wrote 1766100, 639, 2000)
    for (const [argv, money] of [
      [['disposal', '--as-of', '2024-06-30', '--format', 'csv'], disposalMoneyColumns],
      [
        ['promises', '--as-of', '2024-06-28', '--format', 'csv'],
        ['promised_amount', 'paid_amount'],
      ],
      [['placements', '--as-of', '2024-06-28', '--format', 'csv'], ['balance']],
      [['placements', '--as-of', '2024-06-28', '--history', '--format', 'csv'], ['placed_amount']],
      [['incentives', '--month', '2024-06', '--list', '--format', 'csv'], agentAwardMoneyColumns],
      [['incentives', '--month', '2024-06', '--list', '--evidence', '--format', 'csv'], evidenceMoneyColumns],
    ] as const) {
      expect(await run(...argv), argv.join(' ')).toBe(0);
      const records: string[][] = [];
      for await (const r of csvRecords([stdout()])) records.push(r.fields);
      const [head = [], ...body] = records;
      for (const column of money) {
        const i = head.indexOf(column);
        expect(i, `${argv.join(' ')}: ${column}`).toBeGreaterThanOrEqual(0);
        for (const r of body) expect(r[i], `${argv.join(' ')}: ${column}`).toMatch(/^(-?\d+\.\d\d)?$/u);
      }
    }
  });

  it('report: a pack folder; bad periods, packs and provisions files exit 2 with the reason, loading nothing', async () => {
    const out = join(dir, 'report');
    const prov = join(dir, 'provisions.csv');
    writeFileSync(prov, 'month_end,provision\n2024-05-31,1000.00\n2024-06,1200.50\n');
    expect(
      await run(
        'report',
        '--pack',
        'regulatory',
        '--period',
        '2024-06',
        '--lang',
        'en',
        '--format',
        'html',
        '--out',
        out,
        '--provisions',
        prov,
      ),
    ).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      charts: { id: string; rows: number }[];
      files: string[];
    };
    expect(manifest.files).toContain('report.html');
    expect(manifest.charts.find((c) => c.id === 'provision-coverage')!.rows).toBe(2);
    // every chart's CSV has its header (an empty chart's: its metric's columns, test/unit/reports/rows-csv.test.ts)
    for (const c of manifest.charts) {
      const [header] = readFileSync(join(out, `${c.id}.csv`), 'utf8').split('\n');
      expect(header, c.id).toMatch(/^[a-z_0-9]+(,[a-z_0-9]+)*$/u);
    }
    for (const [args, message] of [
      [['--period', '2024-13'], /--period "2024-13": expected a month YYYY-MM/],
      [['--period', '2024-06', '--pack', 'weekly'], /--pack/],
      [['--period', '2030-01'], /after the latest snapshot month-end 2024-06-30/],
      [
        ['--period', '1990-01'],
        /period 1990-01 is before the first snapshot month-end \d{4}-\d{2}-\d{2}: there is no data to report/,
      ],
      [['--period', '2024-06', '--format', 'docx'], /--format/],
      [['--period', '2024-06', '--lang', 'fr'], /--lang/],
    ] as const) {
      expect(await run('report', ...args, '--out', join(dir, 'bad-report'))).toBe(2);
      expect(err.join('\n')).toMatch(message);
    }
    for (const [content, message] of [
      ['month_end,amount\n2024-06-30,1\n', /header needs month_end and provision/],
      [
        'month_end,provision\n2024-06-15,1\n2024-05-31,-3\n',
        /line 2: month_end .* not a month-end[\s\S]*line 3: provision "-3"/,
      ],
      ['month_end,provision\n2024-13,1.00\n', /line 2: month_end "2024-13" is not a month-end or YYYY-MM/],
      ['month_end,provision\n2024-06-30,1.00\n2024-06-30,2.00\n', /appears twice/],
      ['month_end,provision\n', /no rows/],
    ] as const) {
      writeFileSync(prov, content);
      expect(
        await run(
          'report',
          '--period',
          '2024-06',
          '--pack',
          'regulatory',
          '--format',
          'html',
          '--out',
          join(dir, 'bad-report'),
          '--provisions',
          prov,
        ),
      ).toBe(2);
      expect(err.join('\n')).toMatch(message);
    }
  });

  it('metrics: unknown names and bad filters are refused with exit code 2', async () => {
    expect(await run('metrics', 'happiness')).toBe(2);
    expect(err.join('\n')).toMatch(/unknown metric "happiness" — known: overdue/);
    expect(await run('metrics', 'overdue', '--from', 'yesterday')).toBe(2);
    expect(err.join('\n')).toMatch(/--from "yesterday": expected a calendar date YYYY-MM-DD/);
    expect(await run('metrics', 'vintage', '--group-by', 'product')).toBe(2);
    expect(err.join('\n')).toMatch(/cannot be grouped by product/);
  });
});
