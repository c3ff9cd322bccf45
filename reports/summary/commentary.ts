import { scopedLabel } from './scoped-label.ts';
import { migrationName } from './figures.ts';
import type { Summary, SummaryBreakdown, SummaryFigure } from './summary.ts';

/**
 * 3–6 sentences from the summary's own figures, deterministic: the headline (balance, NPL ratio),
 * the largest movers among the ratios, the limits breached or close, where the NPL-ratio change
 * comes from (the product and the region contributing most in the direction of the change, and the
 * one that offset it most, by the breakdowns' decomposition), and
 * the warnings (management) or migration (regulatory). Every number is quoted from `display`, so it
 * is in summary.json exactly as written here.
 */
export function commentary(s: Summary): string[] {
  const zh = s.lang === 'zh-CN';
  const fig = (id: string) => s.figures.find((f) => f.id === id);
  const out: string[] = [];
  const list = (xs: string[]) => (zh ? xs.join('；') : xs.join('; '));
  // a bank-wide figure in a segment pack says so wherever it is named
  const name = (f: SummaryFigure) => scopedLabel(f, s.lang);

  // 1. headline
  const bal = fig('outstanding'),
    npl = fig('npl_ratio'),
    nplBal = fig('npl_balance');
  const head: string[] = [];
  if (bal?.value != null)
    head.push(
      zh
        ? `本月末贷款余额 ${bal.display.value}${bal.change_on_month !== null ? `，较上月 ${bal.display.change_on_month}（${bal.display.relative_change_on_month}）` : ''}`
        : `Outstanding loans stand at ${bal.display.value}${bal.change_on_month !== null ? `, ${bal.display.change_on_month} (${bal.display.relative_change_on_month}) on the month` : ''}`,
    );
  if (npl?.value != null)
    head.push(
      zh
        ? `不良贷款率 ${npl.display.value}${npl.change_on_month !== null ? `，较上月 ${npl.display.change_on_month}` : ''}${npl.change_on_year_start !== null ? `，较年初 ${npl.display.change_on_year_start}` : ''}${nplBal?.value != null ? `（不良余额 ${nplBal.display.value}）` : ''}`
        : `the NPL ratio is ${npl.display.value}${npl.change_on_month !== null ? `, ${npl.display.change_on_month} on the month` : ''}${npl.change_on_year_start !== null ? ` and ${npl.display.change_on_year_start} since the year start` : ''}${nplBal?.value != null ? ` (NPL balance ${nplBal.display.value})` : ''}`,
    );
  if (head.length > 0) out.push(zh ? `${head.join('；')}。` : `${cap(head.join('; '))}.`);

  // 2. largest movers among the ratios (percentage points), other than the NPL ratio said above
  const movers = s.figures
    .filter((f) => f.unit === 'pct' && f.id !== 'npl_ratio' && f.change_on_month !== null)
    .filter((f) => Math.abs(f.change_on_month!) >= 0.00005)
    .sort((a, b) => Math.abs(b.change_on_month!) - Math.abs(a.change_on_month!) || a.id.localeCompare(b.id))
    .slice(0, 2);
  if (movers.length > 0)
    out.push(
      zh
        ? `本月变动最大的比率：${movers.map((f) => `${name(f)} ${f.display.value}（较上月 ${f.display.change_on_month}）`).join('，')}。`
        : `The largest moves among the ratios: ${movers.map((f) => `${name(f)} at ${f.display.value} (${f.display.change_on_month} on the month)`).join(', ')}.`,
    );
  else
    out.push(
      zh
        ? '上月无可比数据，本月无法计算环比变动。'
        : 'There is no previous month to compare with, so no changes on the month.',
    );

  // 3. limits
  const red = s.figures.filter((f) => f.status === 'red'),
    amber = s.figures.filter((f) => f.status === 'amber');
  const limited = s.figures.filter((f) => f.status !== '');
  const who = (f: SummaryFigure) =>
    f.limit?.source === 'regulatory' ? (zh ? '监管' : 'regulatory') : zh ? '行内' : "bank's";
  const breach = (f: SummaryFigure) => {
    const floor = f.limit?.min !== undefined;
    return zh
      ? `${name(f)} ${f.display.value}，${floor ? '低于' : '高于'}${who(f)}${floor ? '下限' : '上限'} ${f.display.limit}`
      : `${name(f)} at ${f.display.value} is ${floor ? 'below the' : 'above the'} ${who(f)} ${floor ? 'minimum' : 'maximum'} of ${f.display.limit}`;
  };
  // "past" its line left a board reader to work out which way a floor's amber runs
  const watch = (f: SummaryFigure) => {
    const floor = f.limit?.min !== undefined;
    return zh
      ? `${name(f)} ${f.display.value}，${floor ? '低于' : '高于'}预警线 ${f.display.amber}（限额 ${f.display.limit}）`
      : `${name(f)} at ${f.display.value} is ${floor ? 'below' : 'above'} its amber line of ${f.display.amber} (limit ${f.display.limit})`;
  };
  // a limited figure with no value this month (the first month of data, provisions not loaded) has
  // no status: it is named, and never counted as within its limit
  const unvalued = s.figures.filter((f) => f.limit !== null && f.value === null).map(name);
  const noValue = zh ? `本月无数值：${unvalued.join('、')}` : `no value this month for: ${unvalued.join(', ')}`;
  if (red.length > 0 || amber.length > 0) {
    const parts: string[] = [];
    if (red.length > 0)
      parts.push(zh ? `超出限额：${list(red.map(breach))}` : `Limits breached: ${list(red.map(breach))}`);
    if (amber.length > 0) parts.push(zh ? `黄色预警：${list(amber.map(watch))}` : `Amber: ${list(amber.map(watch))}`);
    if (unvalued.length > 0) parts.push(zh ? noValue : cap(noValue));
    out.push(zh ? `${parts.join('。')}。` : `${parts.join('. ')}.`);
  } else if (limited.length > 0 && unvalued.length > 0)
    out.push(
      zh
        ? `有数值的设限指标均在限额内；${noValue}。`
        : `The figures with a limit and a value this month are within it; ${noValue}.`,
    );
  else if (limited.length > 0)
    out.push(zh ? '所有设有限额的指标均在限额内。' : 'Every figure with a limit is within it.');
  else if (unvalued.length > 0)
    out.push(
      zh
        ? `设有限额的指标本月均无数值：${unvalued.join('、')}。`
        : `No figure with a limit has a value this month: ${unvalued.join(', ')}.`,
    );
  else out.push(zh ? '本期无可与限额比较的指标。' : 'No figure this month has a value to compare with a limit.');

  // 4–5. where the NPL-ratio change comes from
  for (const b of s.breakdowns.filter((x) => x.dim === 'product' || x.dim === 'region')) {
    const sentence = decomposition(b, zh);
    if (sentence) out.push(sentence);
  }

  // 6. warnings (management) or migration (regulatory)
  if (s.pack === 'management') {
    const total = fig('warnings_total');
    const rules = s.figures.filter((f) => f.section === 'warnings' && f.id !== 'warnings_total' && f.value !== null);
    if (total?.value != null && rules.length > 0)
      out.push(
        zh
          ? `本月触发预警 ${total.display.value} 条，最多的是${rules[0]!.label.replace(/^预警：/u, '')}（${rules[0]!.display.value} 条）。`
          : `${total.display.value} early warnings fired this month, most of them ${rules[0]!.label.replace(/^Warnings: /u, '')} (${rules[0]!.display.value}).`,
      );
    // no value: the rules never ran for the month-end (a quiet run is 0), which a reader would otherwise take for a calm month
    else if (total?.value === 0) {
      // a segment's pack: the rules ran for the whole book, and may have fired outside the segment
      const segment = [s.segment.product, s.segment.region, s.segment.branch].some((v) => (v?.length ?? 0) > 0);
      out.push(
        segment
          ? zh
            ? '本月末预警规则已运行，本范围内未触发预警。'
            : 'The early-warning rules ran for the month-end and fired none in this segment.'
          : zh
            ? '本月末预警规则已运行，未触发预警。'
            : 'The early-warning rules ran for the month-end and fired none.',
      );
    } else if (total?.value === null)
      out.push(
        zh
          ? '本月末未运行预警规则（loanwatch warnings），预警数无数值，不表示没有风险信号。'
          : 'The early-warning rules were not run for the month-end (loanwatch warnings): no warning figure, which does not mean no risk signals.',
      );
  } else {
    const mig = (['normal', 'special_mention'] as const).flatMap((c) => {
      const f = fig(`migration_${c}`);
      return f?.value != null ? [{ name: migrationName(c, zh ? 'zh-CN' : 'en'), f }] : [];
    });
    if (mig.length > 0)
      out.push(
        zh
          ? `当月迁徙率：${mig.map(({ name, f }) => `${name} ${f.display.value}（较上月 ${f.display.change_on_month}）`).join('，')}。`
          : `Migration in the month: ${mig.map(({ name, f }) => `${name} ${f.display.value} (${f.display.change_on_month} on the month)`).join(', ')}.`,
      );
  }
  return out.slice(0, 6);
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** a contribution that the pack writes as something other than 0.00 pp */
const shows = (x: number | null) => x !== null && Math.abs(x) >= 0.00005;

/**
 * Where the NPL-ratio change comes from along one breakdown. The rows are ranked by the size of
 * their contribution, but the segment named is the largest one in the direction of the change: a
 * segment that pushed the other way (a rise inside a fall) does not explain the change, however
 * large; it is named as what offset it most.
 */
function decomposition(b: SummaryBreakdown, zh: boolean): string | null {
  const change = b.total.npl_ratio.change;
  if (change === null || !shows(b.total.contribution) || b.rows.length < 2) return null;
  const direction = Math.sign(b.total.contribution ?? 0);
  const along = b.rows.filter((r) => Math.sign(r.contribution ?? 0) === direction);
  const against = b.rows.filter((r) => Math.sign(r.contribution ?? 0) === -direction && shows(r.contribution));
  // the rows are ranked by size already: the first of each side is its largest
  const top = along[0];
  if (!top) return null;
  const offset = against[0];
  const dim = zh ? { product: '产品', region: '区域', branch: '分行' }[b.dim] : b.dim;
  const d = top.display;
  return zh
    ? `不良率较上月变动 ${b.total.display.contribution}，按${dim}分解，${top.segment_label}贡献最大：${d.contribution}（结构效应 ${d.mix_effect}，比率效应 ${d.rate_effect}；其不良率 ${d.npl_ratio}，较上月 ${d.npl_ratio_change}）${offset ? `；${offset.segment_label}反向抵消最多（${offset.display.contribution}）` : ''}。`
    : `Of the ${b.total.display.contribution} change in the NPL ratio, by ${dim} ${top.segment_label} contributes most: ${d.contribution} (mix ${d.mix_effect}, rate ${d.rate_effect}; its NPL ratio ${d.npl_ratio}, ${d.npl_ratio_change} on the month)${offset ? `, offset most by ${offset.segment_label} (${offset.display.contribution})` : ''}.`;
}
