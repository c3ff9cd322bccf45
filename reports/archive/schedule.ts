/**
 * How an operations team runs the monthly packs unattended: a cron line, or a systemd service and
 * timer, that run `loanwatch report` for the month just ended, N days after the month-end (time
 * for the month's files to arrive and the snapshot to be built). Running it again for the same
 * month — a retry, a catch-up after downtime — is safe: the archive keeps one entry per period,
 * filters, language and inputs.
 */
export interface ScheduleOptions {
  /** days after the month-end: the run is on day N of the next month (1–28, so every month has it) */
  daysAfter: number;
  /** HH:MM, the host's local time */
  at: string;
  /** the command's words after `report --period <month>` (--pack, --lang, a segment) */
  reportArgs: readonly string[];
  /** how to start loanwatch: absolute node and CLI paths */
  node: string;
  cli: string;
  workdir: string;
  dataDir: string;
}

/** a word as sh reads it back unchanged */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/u.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** a word as systemd reads it back unchanged: % starts a specifier and $ a variable unless doubled */
const unitWord = (s: string) => {
  const escaped = s.replaceAll('%', '%%').replaceAll('$', '$$$$');
  return /^[\w@%$+=:,./-]+$/u.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
};

/**
 * `--period previous`: loanwatch takes the month before the host's current one, so neither line
 * computes a date in shell (cron's % and systemd's specifiers make that fragile), and a timer that
 * catches up a missed run later in the month still reports the month just ended.
 */
export function scheduleUnits(o: ScheduleOptions): { cron: string; service: string; timer: string } {
  const [hour = '06', minute = '00'] = o.at.split(':');
  const words = [o.node, o.cli, 'report', '--period', 'previous', ...o.reportArgs];
  const logs = `${o.dataDir}/logs`;
  const cron = [
    `# loanwatch: the monthly packs for the month just ended, on day ${o.daysAfter} of each month at ${o.at}`,
    `${Number(minute)} ${Number(hour)} ${o.daysAfter} * * cd ${shellWord(o.workdir)} && mkdir -p ${shellWord(logs)} && LOANWATCH_DATA_DIR=${shellWord(o.dataDir)} ${words
      .map(shellWord)
      .join(' ')
      // cron ends the command at an unescaped %
      .replaceAll('%', '\\%')} >> ${shellWord(`${logs}/report-monthly.log`).replaceAll('%', '\\%')} 2>&1`,
  ].join('\n');
  const service = [
    '[Unit]',
    'Description=loanwatch monthly report packs (management and regulatory) for the month just ended',
    '',
    '[Service]',
    'Type=oneshot',
    `WorkingDirectory=${o.workdir.replaceAll('%', '%%')}`,
    `Environment=${unitWord(`LOANWATCH_DATA_DIR=${o.dataDir}`)}`,
    `ExecStart=${words.map(unitWord).join(' ')}`,
  ].join('\n');
  const timer = [
    '[Unit]',
    `Description=loanwatch monthly report packs, day ${o.daysAfter} of each month at ${o.at}`,
    '',
    '[Timer]',
    `OnCalendar=*-*-${String(o.daysAfter).padStart(2, '0')} ${o.at}:00`,
    // a run missed while the host was down happens at the next boot (safe: one archive entry per period)
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
  ].join('\n');
  return { cron, service, timer };
}
