import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { scheduleUnits } from '../../../../reports/archive/schedule.ts';

const base = {
  daysAfter: 5,
  at: '06:30',
  reportArgs: [] as string[],
  node: '/usr/bin/node',
  cli: '/srv/loanwatch/bin/loanwatch.mjs',
  workdir: '/srv/loanwatch',
  dataDir: '/srv/loanwatch-data',
};

/** what sh makes of a command line: its words, one per line */
const shellWords = (line: string) =>
  execFileSync('/bin/sh', ['-c', `set -- ${line}; for w in "$@"; do printf '%s\\n' "$w"; done`], {
    encoding: 'utf8',
  })
    .split('\n')
    .slice(0, -1);

describe('report --schedule monthly', () => {
  it('cron: day N of every month at the time, the previous month, logs under the data dir', () => {
    const { cron } = scheduleUnits(base);
    const line = cron.split('\n').find((l) => !l.startsWith('#'))!;
    expect(line.split(' ').slice(0, 5)).toEqual(['30', '6', '5', '*', '*']);
    expect(line).toContain(
      'cd /srv/loanwatch && mkdir -p /srv/loanwatch-data/logs && LOANWATCH_DATA_DIR=/srv/loanwatch-data /usr/bin/node /srv/loanwatch/bin/loanwatch.mjs report --period previous',
    );
    expect(line).toMatch(/>> \/srv\/loanwatch-data\/logs\/report-monthly\.log 2>&1$/u);
  });

  it('systemd: a oneshot service running the same command, a persistent timer on day N', () => {
    const { service, timer } = scheduleUnits({ ...base, daysAfter: 3, at: '07:05' });
    expect(service).toContain('Type=oneshot');
    expect(service).toContain('WorkingDirectory=/srv/loanwatch');
    expect(service).toContain('Environment=LOANWATCH_DATA_DIR=/srv/loanwatch-data');
    expect(service).toContain('ExecStart=/usr/bin/node /srv/loanwatch/bin/loanwatch.mjs report --period previous');
    expect(timer).toContain('OnCalendar=*-*-03 07:05:00');
    expect(timer).toContain('Persistent=true');
    expect(timer).toContain('WantedBy=timers.target');
  });

  it('flags and paths with spaces, quotes, % and $ reach loanwatch unchanged', () => {
    const args = ['--pack', 'management', '--region', "east,o'brien", '--product', 'a b%c$d'];
    const { cron, service } = scheduleUnits({ ...base, reportArgs: args, cli: '/opt/loan watch/bin/loanwatch.mjs' });
    const line = cron.split('\n').find((l) => !l.startsWith('#'))!;
    // cron turns \% back into %, then sh reads the words
    const command = line.slice(line.indexOf('/usr/bin/node'), line.indexOf(' >> ')).replaceAll('\\%', '%');
    expect(shellWords(command)).toEqual([
      '/usr/bin/node',
      '/opt/loan watch/bin/loanwatch.mjs',
      'report',
      '--period',
      'previous',
      ...args,
    ]);
    expect(line.replaceAll('\\%', '')).not.toContain('%');
    // systemd: % and $ doubled, a word with a space or a quote in double quotes
    const exec = service.split('\n').find((l) => l.startsWith('ExecStart='))!;
    expect(exec).toBe(
      `ExecStart=/usr/bin/node "/opt/loan watch/bin/loanwatch.mjs" report --period previous --pack management --region "east,o'brien" --product "a b%%c$$d"`,
    );
  });
});
