import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { languages, type Lang, type Text } from '../../reports/i18n.ts';
import type { Action } from '../../pipelines/cases/strategy.ts';

export type { Lang } from '../../reports/i18n.ts';

/**
 * The console's words in both languages. Codes of the book (products, regions, channels, buckets,
 * stages) reuse the reports' labels (reports/i18n.ts, reports/summary/segments.ts), so a page and a
 * pack name things alike.
 */
export const text = {
  app: { 'zh-CN': 'loanwatch 贷后管理台', en: 'loanwatch console' },
  sign_in: { 'zh-CN': '登录', en: 'Sign in' },
  sign_out: { 'zh-CN': '退出', en: 'Sign out' },
  api_key: { 'zh-CN': 'API 密钥', en: 'API key' },
  key_hint: {
    'zh-CN': '输入管理员发给您的密钥（lw_…）。密钥只用于登录，不保存在浏览器中。',
    en: 'Paste the key an admin gave you (lw_…). It is used to sign in only and is not kept in the browser.',
  },
  bad_key: { 'zh-CN': '密钥无效或已吊销', en: 'Unknown or revoked API key' },
  bad_password: {
    'zh-CN': '用户名或密码错误，或用户已停用',
    en: 'Wrong user name or password, or the user is disabled',
  },
  by_password: { 'zh-CN': '用户名与密码', en: 'User name and password' },
  by_key: { 'zh-CN': 'API 密钥', en: 'API key' },
  user_name: { 'zh-CN': '用户名', en: 'User name' },
  password: { 'zh-CN': '密码', en: 'Password' },
  signed_in_as: { 'zh-CN': '当前用户', en: 'Signed in as' },
  dashboard: { 'zh-CN': '经营看板', en: 'Dashboard' },
  queue: { 'zh-CN': '催收工作台', en: 'Collector workbench' },
  home: { 'zh-CN': '首页', en: 'Home' },
  language: { 'zh-CN': 'English', en: '中文' },
  period: { 'zh-CN': '报告期', en: 'Period' },
  product: { 'zh-CN': '产品', en: 'Product' },
  region: { 'zh-CN': '区域', en: 'Region' },
  branch: { 'zh-CN': '分行', en: 'Branch' },
  channel: { 'zh-CN': '渠道', en: 'Channel' },
  all: { 'zh-CN': '全部', en: 'All' },
  apply: { 'zh-CN': '查询', en: 'Apply' },
  reset: { 'zh-CN': '重置', en: 'Reset' },
  key_figures: { 'zh-CN': '关键指标', en: 'Key figures' },
  figure: { 'zh-CN': '指标', en: 'Figure' },
  value: { 'zh-CN': '本期', en: 'This month' },
  on_month: { 'zh-CN': '较上月', en: 'On month' },
  on_year_start: { 'zh-CN': '较年初', en: 'Since year start' },
  limit: { 'zh-CN': '限额', en: 'Limit' },
  status: { 'zh-CN': '状态', en: 'Status' },
  red: { 'zh-CN': '超限', en: 'breach' },
  amber: { 'zh-CN': '预警', en: 'watch' },
  green: { 'zh-CN': '正常', en: 'within' },
  whole_bank: { 'zh-CN': '全行口径', en: 'whole bank' },
  channel_not_in_figures: {
    'zh-CN': '关键指标按产品、区域、分行口径计算，不含渠道筛选；趋势图与明细已按渠道筛选。',
    en: 'The key figures take product, region and branch, not the channel; the trend and the breakdown below do.',
  },
  trend: { 'zh-CN': '近 12 个月趋势', en: 'The last 12 months' },
  breakdown_by: { 'zh-CN': '按{dim}下钻', en: 'Drill down by {dim}' },
  drill_hint: {
    'zh-CN': '点击柱形或表格行查看下一层级。',
    en: 'Click a bar or a row to see the next level.',
  },
  segment: { 'zh-CN': '分部', en: 'Segment' },
  balance: { 'zh-CN': '余额', en: 'Balance' },
  m1plus_ratio: { 'zh-CN': '逾期率（M1+）', en: 'M1+ ratio' },
  npl_balance: { 'zh-CN': '不良余额', en: 'NPL balance' },
  npl_ratio: { 'zh-CN': '不良率', en: 'NPL ratio' },
  par90: { 'zh-CN': 'PAR90', en: 'PAR90' },
  loans_behind: {
    'zh-CN': '该分行的贷款（按 IFRS 9 阶段与风险暴露排序，金额合计即余额）',
    en: 'The loans of this branch (by IFRS 9 stage and exposure; their exposures add up to the balance)',
  },
  loan: { 'zh-CN': '贷款', en: 'Loan' },
  customer_phone: { 'zh-CN': '客户电话（脱敏）', en: 'Customer phone (masked)' },
  ifrs9_stage: { 'zh-CN': 'IFRS 9 阶段', en: 'IFRS 9 stage' },
  ead: { 'zh-CN': '风险暴露', en: 'Exposure' },
  ecl: { 'zh-CN': '预期信用损失', en: 'Expected credit loss' },
  shown_of: { 'zh-CN': '显示 {n} / {total} 笔', en: '{n} of {total} loans shown' },
  packs: { 'zh-CN': '报告包', en: 'Report packs' },
  empty_segment: {
    'zh-CN': '{segment} 在 {date} 没有贷款：没有可显示的指标，也没有该范围的报告包。请选择其他筛选条件。',
    en: 'There are no loans in this segment ({segment}) at {date}: no figures to show and no pack for it. Choose other filters.',
  },
  empty_channel: {
    'zh-CN': '{segment} 在 {date} 没有渠道为 {channel} 的贷款：没有可显示的指标。',
    en: 'There are no loans of channel {channel} in this segment ({segment}) at {date}: no figures to show.',
  },
  management_pdf: { 'zh-CN': '贷后管理月报（PDF）', en: 'Management pack (PDF)' },
  regulatory_pdf: { 'zh-CN': '监管分析包（PDF）', en: 'Regulatory pack (PDF)' },
  archive: { 'zh-CN': '已归档报告', en: 'Archived packs' },
  no_packs: { 'zh-CN': '该期间没有已归档的报告包。', en: 'No pack is archived for this period.' },
  pack: { 'zh-CN': '报告包', en: 'Pack' },
  pack_language: { 'zh-CN': '语言', en: 'Language' },
  issued_at: { 'zh-CN': '生成时间', en: 'Issued' },
  files: { 'zh-CN': '文件', en: 'Files' },
  more_files: { 'zh-CN': '其余 {n} 个文件（图表、数据、清单）', en: '{n} more files (charts, data, manifest)' },
  archive_note: {
    'zh-CN': '每个文件按归档时的内容提供，并与归档时记录的 SHA-256 核对（鼠标悬停可见）。',
    en: 'Each file is served as it was issued, checked against the SHA-256 recorded when it was archived (hover to see it).',
  },
  whole_book: { 'zh-CN': '全行', en: 'Whole book' },
  as_of: { 'zh-CN': '日期', en: 'Date' },
  stage: { 'zh-CN': '阶段', en: 'Stage' },
  dpd: { 'zh-CN': '逾期天数', en: 'DPD' },
  bucket: { 'zh-CN': '逾期段', en: 'Bucket' },
  expected_loss: { 'zh-CN': '预期损失', en: 'Expected loss' },
  // overdue principal and interest plus penalty interest, compound interest and fees outstanding (pipelines/accrual)
  amount_to_cure: { 'zh-CN': '应还清欠款', en: 'Amount to cure' },
  charges_owed: { 'zh-CN': '其中罚息、复利及费用', en: 'of which penalty, compound interest and fees' },
  grade: { 'zh-CN': '风险等级', en: 'Grade' },
  action: { 'zh-CN': '建议措施', en: 'Recommended action' },
  placed_with: { 'zh-CN': '已委外', en: 'Placed with agency' },
  placed_reference: {
    'zh-CN': '由该机构催收，内部措施仅供参考',
    en: 'the agency works it; the in-house action is for reference only',
  },
  open_promises: { 'zh-CN': '未到期承诺', en: 'Open promises' },
  last_contact: { 'zh-CN': '最近联系', en: 'Last contact' },
  rank: { 'zh-CN': '排名', en: 'Rank' },
  search_loan: { 'zh-CN': '贷款编号', en: 'Loan id' },
  cases_of: { 'zh-CN': '共 {n} 笔案件', en: '{n} cases' },
  one_case: { 'zh-CN': '共 1 笔案件', en: '1 case' },
  queue_before_data: {
    'zh-CN': '{date} 没有案件：最早的工作台日期是数据的第一个月末 {first}。请选择 {first} 至 {last} 之间的日期。',
    en: "There is no queue for {date}: the first queue is of the data's first month-end, {first}. Pick a day from {first} to {last}.",
  },
  queue_after_data: {
    'zh-CN':
      '{date} 还没有案件：已加载的数据截至 {last}，之后到期的还款尚未加载，会全部算作逾期。请选择 {first} 至 {last} 之间的日期。',
    en: 'There is no queue for {date} yet: the loaded data ends on {last}, and the payments after it are not loaded (every instalment due since would count as unpaid). Pick a day from {first} to {last}.',
  },
  no_data_loaded: { 'zh-CN': '尚未加载任何贷款数据。', en: 'No loans are loaded yet.' },
  blocked_by: { 'zh-CN': '受联系规则限制', en: 'Blocked by contact rule' },
  allowed_again: { 'zh-CN': '最早可于', en: 'Allowed again' },
  when_lifted: { 'zh-CN': '限制解除后', en: 'when the restriction is lifted' },
  today_instead: { 'zh-CN': '今日可做', en: 'Today instead' },
  no_contact_today: { 'zh-CN': '今日不可联系', en: 'no contact allowed today' },
  scope: { 'zh-CN': '范围', en: 'Scope' },
  none: { 'zh-CN': '无', en: 'none' },
  loan_facts: { 'zh-CN': '贷款信息', en: 'Loan' },
  principal: { 'zh-CN': '本金', en: 'Principal' },
  annual_rate: { 'zh-CN': '年利率', en: 'Annual rate' },
  term: { 'zh-CN': '期限（月）', en: 'Term (months)' },
  originated: { 'zh-CN': '放款日', en: 'Originated' },
  schedule: { 'zh-CN': '还款计划', en: 'Schedule' },
  installment: { 'zh-CN': '期次', en: 'No.' },
  due_date: { 'zh-CN': '应还日', en: 'Due' },
  principal_due: { 'zh-CN': '应还本金', en: 'Principal due' },
  interest_due: { 'zh-CN': '应还利息', en: 'Interest due' },
  payments: { 'zh-CN': '还款记录', en: 'Payments' },
  paid_date: { 'zh-CN': '还款日', en: 'Paid' },
  amount: { 'zh-CN': '金额', en: 'Amount' },
  dpd_history: { 'zh-CN': '逾期天数历史（月末）', en: 'DPD at each month-end' },
  contacts: { 'zh-CN': '催收记录与承诺', en: 'Contacts and promises' },
  date: { 'zh-CN': '日期', en: 'Date' },
  outcome: { 'zh-CN': '结果', en: 'Outcome' },
  promised_amount: { 'zh-CN': '承诺金额', en: 'Promised amount' },
  promised_date: { 'zh-CN': '承诺日期', en: 'Promised date' },
  note: { 'zh-CN': '备注', en: 'Note' },
  source: { 'zh-CN': '来源', en: 'Source' },
  recorded_by: { 'zh-CN': '记录人', en: 'Recorded by' },
  score: { 'zh-CN': '预警评分', en: 'Early-warning score' },
  probability: { 'zh-CN': '违约概率', en: 'Probability' },
  points: { 'zh-CN': '分数', en: 'Points' },
  reasons: { 'zh-CN': '主要原因', en: 'Reason codes' },
  counterfactual: { 'zh-CN': '改善建议', en: 'What would improve it' },
  no_score: { 'zh-CN': '暂无评分', en: 'Not scored' },
  warnings: { 'zh-CN': '预警', en: 'Warnings' },
  warnings_through: {
    'zh-CN': '预警规则最近运行于 {day}：{day} 之后至 {date} 的预警尚未计算。',
    en: 'The warning rules last ran for {day}: warnings after it, up to {date}, are not computed yet.',
  },
  warnings_ran_on: {
    'zh-CN': '预警规则已于 {day} 运行。',
    en: 'The warning rules ran for {day}.',
  },
  warnings_never_run: {
    'zh-CN': '截至 {date} 预警规则从未运行：“无”不代表没有风险（运行 loanwatch warnings --as-of {date}）。',
    en: 'The warning rules have never run up to {date}: no warnings here does not mean no risk (run loanwatch warnings --as-of {date}).',
  },
  rule: { 'zh-CN': '规则', en: 'Rule' },
  severity: { 'zh-CN': '级别', en: 'Severity' },
  evidence: { 'zh-CN': '依据', en: 'Evidence' },
  record_outcome: { 'zh-CN': '登记催收结果', en: 'Record an outcome' },
  contact_date: { 'zh-CN': '联系日期', en: 'Contact date' },
  contact_time: { 'zh-CN': '联系时间', en: 'Contact time' },
  contact_date_hint: {
    'zh-CN':
      '联系日期默认为今天（{today}），补登以前的联系时请修改；工作台的日期（{queue}）不会被用作联系日期。时间可留空：留空则不记录时间，也不按允许联系时段核对。',
    en: "The contact date is today ({today}) unless you change it for an earlier contact; the queue's date ({queue}) is not used for it. The time may be left blank: then no time is recorded and the contact hours are not checked.",
  },
  save: { 'zh-CN': '保存', en: 'Save' },
  recorded: { 'zh-CN': '已登记', en: 'Recorded' },
  correct: { 'zh-CN': '更正', en: 'Correct' },
  withdraw: { 'zh-CN': '撤回', en: 'Withdraw' },
  correct_action: { 'zh-CN': '更正催收记录 {id}', en: 'Correct action {id}' },
  withdraw_action: { 'zh-CN': '撤回催收记录 {id}', en: 'Withdraw action {id}' },
  correct_hint: {
    'zh-CN': '保存后以新值替换原记录；原记录、更正人与时间保留在审计日志中。',
    en: 'Saving replaces the recorded values; the earlier values, who corrected them and when stay in the audit log.',
  },
  withdraw_hint: {
    'zh-CN': '撤回后该记录不再计入案件列表、承诺与考核指标；原记录与您填写的原因保留在审计日志中。',
    en: 'A withdrawn action no longer counts in the case list, the promises or the KPIs; it stays in the audit log with your reason.',
  },
  unsaved_values: { 'zh-CN': '您填写但未保存的内容', en: 'What you typed (not saved)' },
  corrected: { 'zh-CN': '已更正', en: 'Corrected' },
  withdrawn: { 'zh-CN': '已撤回', en: 'Withdrawn' },
  cancel: { 'zh-CN': '取消', en: 'Cancel' },
  refused: { 'zh-CN': '未保存：', en: 'Not saved: ' },
  not_found: { 'zh-CN': '未找到（或不在您的区域或团队）', en: 'Not found (or outside your region or team)' },
  forbidden: { 'zh-CN': '无权访问', en: 'Not allowed' },
  error: { 'zh-CN': '出错了', en: 'Something went wrong' },
  bad_request: { 'zh-CN': '请求有误', en: 'Not a valid request' },
  technical_detail: { 'zh-CN': '技术细节', en: 'Technical detail' },
  back: { 'zh-CN': '返回', en: 'Back' },
  no_pages: {
    'zh-CN': '您的角色在控制台中没有页面，请使用 API：',
    en: 'Your role has no console pages; use the API:',
  },
  in_queue: { 'zh-CN': '今日队列', en: "Today's queue" },
  not_in_queue: { 'zh-CN': '不在今日队列', en: "Not in today's queue" },
  month_end: { 'zh-CN': '月末', en: 'Month-end' },
  five_class: { 'zh-CN': '五级分类', en: 'Five-category class' },
  skip: { 'zh-CN': '跳到正文', en: 'Skip to content' },
  models: { 'zh-CN': '模型管理', en: 'Models' },
  versions: { 'zh-CN': '模型与版本', en: 'Models and versions' },
  model: { 'zh-CN': '模型', en: 'Model' },
  version: { 'zh-CN': '版本', en: 'Version' },
  target: { 'zh-CN': '目标', en: 'Target' },
  kind: { 'zh-CN': '类型', en: 'Kind' },
  created: { 'zh-CN': '创建', en: 'Created' },
  test_auc: { 'zh-CN': '测试集 AUC', en: 'Test AUC' },
  champion: { 'zh-CN': '冠军模型', en: 'Champion' },
  no_models: { 'zh-CN': '尚无已注册的模型（loanwatch train）。', en: 'No registered model yet (loanwatch train).' },
  monitoring: { 'zh-CN': '月度监控', en: 'Monthly monitoring' },
  no_monitoring: {
    'zh-CN': '尚无冠军模型的监控结果（loanwatch evaluate）。',
    en: 'No stored monitoring of the champion yet (loanwatch evaluate).',
  },
  psi_rule: {
    'zh-CN': 'PSI/CSI 低于 {watch} 为稳定，{watch}–{act} 需关注，高于 {act} 需处理（重新训练）。',
    en: 'PSI/CSI below {watch} is stable, {watch}–{act} to watch, above {act} to act on (retrain).',
  },
  psi_stable: { 'zh-CN': '稳定', en: 'stable' },
  psi_watch: { 'zh-CN': '关注', en: 'watch' },
  psi_act: { 'zh-CN': '处理', en: 'act' },
  stability: { 'zh-CN': '稳定性', en: 'Stability' },
  score_psi: { 'zh-CN': '评分 PSI', en: 'Score PSI' },
  max_csi: { 'zh-CN': '最大 CSI（变量）', en: 'Largest CSI (variable)' },
  realised_auc: { 'zh-CN': '实际 AUC', en: 'Realised AUC' },
  // monitoring counts the target's population (active, DPD ≤ 30), not every loan `score` scores
  loans_scored: { 'zh-CN': '监测贷款数（目标人群）', en: 'Loans monitored (eligible)' },
  champion_history: { 'zh-CN': '冠军模型变更记录', en: 'Champion history' },
  no_history: { 'zh-CN': '尚无冠军模型。', en: 'No champion yet.' },
  decided_at: { 'zh-CN': '时间', en: 'When' },
  promoted_by: { 'zh-CN': '操作人', en: 'Promoted by' },
  reason: { 'zh-CN': '原因', en: 'Reason' },
  previous_auc: { 'zh-CN': '原冠军 AUC', en: "Previous champion's AUC" },
  promoted: { 'zh-CN': '已设为冠军模型', en: 'Now the champion' },
  quality: { 'zh-CN': '模型表现', en: 'Quality' },
  sample: { 'zh-CN': '样本', en: 'Sample' },
  train_sample: { 'zh-CN': '训练样本', en: 'Training' },
  test_sample: { 'zh-CN': '测试样本', en: 'Test' },
  split_out_of_time: { 'zh-CN': '样本外（跨时间）', en: 'out of time' },
  split_random: { 'zh-CN': '随机 {pct}% 留出', en: 'random {pct} % hold-out' },
  bads: { 'zh-CN': '坏样本', en: 'Bads' },
  promote: { 'zh-CN': '设为冠军模型', en: 'Promote to champion' },
  promote_button: { 'zh-CN': '提交晋升', en: 'Promote' },
  is_champion: { 'zh-CN': '该版本是当前冠军模型。', en: 'This version is the current champion.' },
  current_champion: {
    'zh-CN': '当前冠军：{model}（测试集 AUC {auc}）。',
    en: 'Current champion: {model} (test AUC {auc}).',
  },
  no_champion: { 'zh-CN': '该目标尚无冠军模型。', en: 'The target has no champion yet.' },
  gate_rule: {
    'zh-CN': '准入规则与命令行、API 相同：评分 PSI 低于 0.1，且测试集 AUC 至少高出冠军 0.005。',
    en: "The gate is the CLI's and the API's: score PSI below 0.1 and a test AUC at least 0.005 above the champion's.",
  },
  gains: { 'zh-CN': '收益表', en: 'Gains' },
  band: { 'zh-CN': '分段', en: 'Band' },
  bad_rate: { 'zh-CN': '坏账率', en: 'Bad rate' },
  cum_bad_rate: { 'zh-CN': '累计坏账率', en: 'Cumulative bad rate' },
  bad_capture: { 'zh-CN': '坏样本捕获率', en: 'Bad capture' },
  lift: { 'zh-CN': '提升度', en: 'Lift' },
  approval_rate: { 'zh-CN': '通过率', en: 'Approval rate' },
  rejection_rate: { 'zh-CN': '拒绝率', en: 'Rejection rate' },
  approved_bad_rate: { 'zh-CN': '通过样本坏账率', en: 'Approved bad rate' },
  gains_note: {
    'zh-CN':
      '每行是一个切分点：拒绝本档及风险更高的各档（拒绝率、捕获的坏样本及其坏账率），通过其余各档（通过率及其坏账率）。',
    en: 'Each row is a cut-off: this band and every riskier one rejected (rejection rate, the bads caught and their bad rate), the rest approved (approval rate and their bad rate).',
  },
  calibration: { 'zh-CN': '校准', en: 'Calibration' },
  mean_predicted: { 'zh-CN': '平均预测概率', en: 'Mean predicted' },
  observed: { 'zh-CN': '实际坏账率', en: 'Observed' },
  selection: { 'zh-CN': '变量筛选', en: 'Variable selection' },
  variable: { 'zh-CN': '变量', en: 'Variable' },
  kept: { 'zh-CN': '入模', en: 'Kept' },
  binning: { 'zh-CN': '分箱表', en: 'Binning tables' },
  bins: { 'zh-CN': '箱', en: 'bins' },
  bin: { 'zh-CN': '分箱', en: 'Bin' },
  count: { 'zh-CN': '笔数', en: 'Count' },
  share: { 'zh-CN': '占比', en: 'Share' },
  event_rate: { 'zh-CN': '坏账率', en: 'Event rate' },
  points_table: { 'zh-CN': '评分表', en: 'Points table' },
  scored_as: { 'zh-CN': '按此分箱计分：', en: 'scored as' },
  log_odds_term: { 'zh-CN': '对数几率项', en: 'Log-odds term' },
  points_dir_ascending: { 'zh-CN': '分数随取值升高', en: 'points rise with the value' },
  points_dir_descending: { 'zh-CN': '分数随取值降低', en: 'points fall as the value rises' },
  points_dir_flat: { 'zh-CN': '分数不随取值变化', en: 'points flat' },
  points_against_rise: {
    'zh-CN': '{feature} 越高分数越高，而其单变量坏账率随之上升：在其他变量给定时，{feature} 越低风险越大',
    en: 'points rise as {feature} rises although its own bad rate rises: given the other variables, lower {feature} is riskier',
  },
  points_against_fall: {
    'zh-CN': '{feature} 越高分数越低，而其单变量坏账率随之下降：在其他变量给定时，{feature} 越高风险越大',
    en: 'points fall as {feature} rises although its own bad rate falls: given the other variables, higher {feature} is riskier',
  },
  points_riskiest_low: {
    'zh-CN':
      '{feature} 分数最低的区间 {bin} 自身坏账率 {rate} 低于其平均 {average}：在其他变量给定时该区间风险最高，原因码会指向它',
    en: "{feature}'s fewest points fall on {bin}, whose own bad rate {rate} is below its average {average}: given the other variables that range is the riskiest, and a reason code names it",
  },
  reason_codes_rule: {
    'zh-CN': '原因码：相对各变量最高分的分箱，扣分最多的三个变量（分数越低风险越高）。',
    en: "Reason codes: the three variables whose bin cost the most points against that variable's best bin (fewer points = riskier).",
  },
  reason_codes_joint: {
    'zh-CN':
      '联合评分卡：各变量分数的方向由联合拟合决定（给定其他变量），可能与其单变量坏账率相反；原因码按联合拟合的分数给出。',
    en: "A joint scorecard: each variable's direction of points is the joint fit's (given the other variables) and can run against its own bad rate; the reason codes follow the joint fit's points.",
  },
  prob_calibration: { 'zh-CN': '概率校准', en: 'Probability calibration' },
  held_back_part: {
    'zh-CN': '留出部分：{part}，{rows} 行（{bads} 坏）——不参与任何模型拟合，用于校准。',
    en: 'Held-back part: {part}, {rows} rows ({bads} bad) — no model was fitted on them; the calibration is fitted there.',
  },
  calibration_none: { 'zh-CN': '未校准（--calibration none）。', en: 'Not calibrated (--calibration none).' },
  calibration_skipped: {
    'zh-CN': '要求 Platt 校准但未应用：{why}。',
    en: 'Platt scaling asked for but not applied: {why}.',
  },
  calibration_platt: {
    'zh-CN': 'Platt 校准：概率 = σ(a·z + b)，a = {a}，b = {b}。',
    en: 'Platt scaling: probability = σ(a·z + b), a = {a}, b = {b}.',
  },
  calibration_ece: {
    'zh-CN': '期望校准误差（ECE）：测试 {before} → {after}；留出部分 {held_before} → {held_after}（拟合样本内）。',
    en: 'Expected calibration error (ECE): test {before} → {after}; held-back part {held_before} → {held_after} (in-sample for the fit).',
  },
  calibration_rule: {
    'zh-CN': '是否校准只在留出部分上决定，从不看测试样本。',
    en: 'Whether to calibrate is decided on the held-back part alone, never by the test rows.',
  },
  calibration_worse: {
    'zh-CN':
      '校准未改善测试样本的 ECE（{before} → {after}）；在拟合它的留出部分上，ECE {held_how}（{held_before} → {held_after}）；校准仍保留，因为其拟合通过了检查（留出部分的坏样本与好样本各至少 {events} 个，斜率至少 {slope}），不看测试样本决定——可考虑 --calibration none 或更大的留出部分。',
    en: 'The calibration did not improve the test part: ECE {before} → {after}; on the held-back part, where it was fitted, the ECE {held_how} ({held_before} → {held_after}); it is kept because its fit passed the checks (at least {events} bads and goods on the held-back part, a slope of at least {slope}), decided without the test rows — consider --calibration none or a larger held-back part.',
  },
  held_back_ece_improved: { 'zh-CN': '有所改善', en: 'improved' },
  held_back_ece_worse: { 'zh-CN': '也变差了', en: 'got worse too' },
  held_back_ece_unchanged: { 'zh-CN': '没有变化', en: 'did not change' },
  fold_choice: { 'zh-CN': '经典或联合评分卡', en: 'Classic or joint scorecard' },
  fold_choice_classic: {
    'zh-CN': '保留经典评分卡：最佳联合评分卡（{best}）在 {folds} 折上领先 {lead}（标准误 {se}），未超过两倍标准误。',
    en: 'The classic scorecard kept: the best joint scorecard ({best}) led it by {lead} over {folds} folds (standard error {se}), not more than twice the standard error.',
  },
  fold_choice_joint: {
    'zh-CN': '采用联合评分卡 {chosen}：在 {folds} 折上领先经典评分卡 {lead}（标准误 {se}），超过两倍标准误。',
    en: 'The joint scorecard {chosen} kept: it led the classic by {lead} over {folds} folds (standard error {se}), more than twice the standard error.',
  },
  candidate: { 'zh-CN': '候选', en: 'Candidate' },
  fold_auc: { 'zh-CN': '第 {fold} 折 AUC', en: 'Fold {fold} AUC' },
  mean: { 'zh-CN': '均值', en: 'Mean' },
  data_quality: { 'zh-CN': '数据质量检查', en: 'Data-quality gate' },
  gate_summary: {
    'zh-CN': '基于 {rows} 条训练样本：{columns} 列，其中 {changed} 列被删除或变更（原因为训练程序的英文说明）。',
    en: 'Decided on {rows} training rows: {columns} columns, {changed} dropped or changed.',
  },
  column: { 'zh-CN': '列', en: 'Column' },
  gate_decision: { 'zh-CN': '处理', en: 'Decision' },
  review_protected: { 'zh-CN': '受保护属性：请做公平信贷审查', en: 'Protected attribute: review for fair lending' },
  review_coded: { 'zh-CN': '少量整数取值：可能是代码', en: 'Few integer levels: may be codes' },
  review_near_unique: { 'zh-CN': '近乎唯一的整数：可能是标识符', en: 'Near-unique integers: may be an identifier' },
  refinement_classic: {
    'zh-CN': '联合细化未胜过经典拟合（留出样本上未超过一个标准误），保留 WoE × 系数的经典评分卡。',
    en: 'The joint refinement did not rank the held-back rows better than the classic fit by more than its standard error: the classic WoE × coefficient scorecard is kept.',
  },
  refinement_not_tried: {
    'zh-CN': '未做联合细化（{why}），保留经典评分卡。',
    en: 'No joint refinement was fitted ({why}): the classic scorecard is kept.',
  },
  refinement_kept: {
    'zh-CN': '各分箱分数经联合细化（λ = {lambda}），新增变量：{added}。',
    en: "The bins' points were refined jointly (λ = {lambda}); variables added: {added}.",
  },
  reason_needed: { 'zh-CN': '请填写至少 3 个字符的原因', en: 'Give a reason of at least 3 characters' },
  audit: { 'zh-CN': '审计日志', en: 'Audit log' },
  actor: { 'zh-CN': '操作人（密钥/用户）', en: 'Actor (key or user)' },
  role: { 'zh-CN': '角色', en: 'Role' },
  audit_action: { 'zh-CN': '操作', en: 'Action' },
  audit_target: { 'zh-CN': '对象', en: 'Target' },
  details: { 'zh-CN': '详情', en: 'Details' },
  from: { 'zh-CN': '起始日期', en: 'From' },
  to: { 'zh-CN': '截止日期', en: 'To' },
  result: { 'zh-CN': '结果', en: 'Outcome' },
  result_ok: { 'zh-CN': '成功', en: 'done' },
  result_refused: { 'zh-CN': '被拒绝', en: 'refused' },
  at: { 'zh-CN': '时间（UTC）', en: 'Time (UTC)' },
  request: { 'zh-CN': '请求', en: 'Request' },
  export_csv: { 'zh-CN': '导出 CSV（当前筛选）', en: 'Export CSV (these filters)' },
  next_page: { 'zh-CN': '下一页', en: 'Next page' },
  first_page: { 'zh-CN': '第一页', en: 'First page' },
  entries_shown: { 'zh-CN': '本页 {n} 条', en: '{n} entries on this page' },
  no_entries: { 'zh-CN': '没有符合条件的记录。', en: 'No entry matches.' },
  time: { 'zh-CN': '时间', en: 'Time' },
  change_password: { 'zh-CN': '修改密码', en: 'Change password' },
  current_password: { 'zh-CN': '当前密码', en: 'Current password' },
  new_password: { 'zh-CN': '新密码', en: 'New password' },
  new_password_again: { 'zh-CN': '再次输入新密码', en: 'New password again' },
  password_rule: {
    'zh-CN': '10–256 个字符，首尾不能是空格。修改后，您在其他浏览器或设备上的登录将全部退出。',
    en: '10–256 characters, not starting or ending with a space. Your sign-ins on other browsers and devices end when it is changed.',
  },
  passwords_differ: { 'zh-CN': '两次输入的新密码不一致', en: 'The two new passwords differ' },
  wrong_current_password: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
  password_changed: {
    'zh-CN': '密码已修改；其他 {n} 个登录已退出。',
    en: 'Password changed; {n} other sign-ins ended.',
  },
  key_has_no_password: {
    'zh-CN': '您是用 API 密钥登录的，密钥没有密码。请用用户名登录后再修改密码。',
    en: 'You signed in with an API key, which has no password: sign in with a user to change a password.',
  },
  users: { 'zh-CN': '用户管理', en: 'Users' },
  create_user: { 'zh-CN': '新建用户', en: 'Create a user' },
  team: { 'zh-CN': '团队', en: 'Team' },
  created_by: { 'zh-CN': '创建人', en: 'Created by' },
  disabled: { 'zh-CN': '已停用', en: 'Disabled' },
  disable: { 'zh-CN': '停用', en: 'Disable' },
  user_scope_rule: {
    'zh-CN': '催收员必须选择区域（团队可选）；其他角色不分区域。规则与命令行 loanwatch users create 相同。',
    en: 'A collector needs a region (a team is optional); other roles take none. The rules are those of loanwatch users create.',
  },
  first_password_rule: {
    'zh-CN': '初始密码由系统随机生成，只显示一次；请安全地交给用户，并请其登录后立即修改。',
    en: 'The first password is generated at random and shown once: hand it to the user safely and ask them to change it after signing in.',
  },
  user_created: {
    'zh-CN': '已创建用户 {name}。初始密码（只显示这一次）：',
    en: 'User {name} created. Their first password, shown this once:',
  },
  user_disabled: {
    'zh-CN': '已停用用户 {name}，其登录已全部退出。',
    en: 'User {name} disabled; their sign-ins ended.',
  },
  not_yourself: {
    'zh-CN': '不能停用自己（请由另一位管理员操作）',
    en: 'You cannot disable yourself (ask another admin)',
  },
  all_users: { 'zh-CN': '共 {n} 个用户', en: '{n} users' },
  // a refused user or password request (api/auth/users.ts UserProblem), said in the page's language
  bad_user_name: {
    'zh-CN': '用户名须为 2–40 个小写字母、数字、“.”、“_”或“-”，并以字母或数字开头（输入的是“{name}”）',
    en: 'a user name is 2–40 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (got "{name}")',
  },
  unknown_role: { 'zh-CN': '未知角色“{role}”，可选角色：{roles}', en: 'unknown role "{role}": one of {roles}' },
  scope_not_collector: {
    'zh-CN': '只有催收员选择区域和团队：{role}可查看所有区域，请将区域和团队留空',
    en: 'only collectors are scoped: leave the region and team blank for the {role} role (it sees every region)',
  },
  collector_needs_region: {
    'zh-CN': '催收员必须选择区域（{regions}），团队可不选',
    en: 'a collector needs a region, one of: {regions}; a team is optional',
  },
  unknown_region: {
    'zh-CN': '未知区域“{region}”，已有区域：{regions}',
    en: 'unknown region "{region}": known regions are {regions}',
  },
  unknown_team: {
    'zh-CN': '未知团队“{team}”，已有团队：{teams}',
    en: 'unknown team "{team}": known teams are {teams}',
  },
  team_not_in_region: {
    'zh-CN': '团队“{team}”不负责区域“{region}”；该区域的团队有：{teams}',
    en: 'team "{team}" does not work in region "{region}": the teams of {region} are {teams}',
  },
  password_too_short: { 'zh-CN': '密码至少 10 个字符', en: 'a password has at least 10 characters' },
  password_too_long: { 'zh-CN': '密码最多 256 个字符', en: 'a password has at most 256 characters' },
  password_spaces: { 'zh-CN': '密码首尾不能是空格', en: 'a password does not start or end with a space' },
  password_unchanged: {
    'zh-CN': '新密码与当前密码相同，请另选一个',
    en: 'the new password is the current one: choose another',
  },
  user_exists: {
    'zh-CN': '已有名为“{name}”的用户（用户名不会重复使用，已停用的用户也一样）',
    en: 'a user named "{name}" exists (names are never reused, not even a disabled user\'s)',
  },
  no_such_user: { 'zh-CN': '没有名为“{name}”的用户', en: 'no user named "{name}"' },
  reason_too_long: { 'zh-CN': '原因最多 500 个字符', en: 'a reason is at most 500 characters' },
  password_attempts: {
    'zh-CN': '当前密码输错次数过多，请 {seconds} 秒后再试',
    en: 'Too many wrong passwords from your address: try again in {seconds} s',
  },
  more_in_all: { 'zh-CN': '……（共 {n} 个）', en: ', … ({n} in all)' },
} as const satisfies Record<string, Text>;
export type TextId = keyof typeof text;

/** A text in the language, `{name}` placeholders filled. */
export function t(lang: Lang, id: TextId, vars: Record<string, string | number> = {}): string {
  return text[id][lang].replace(/\{(\w+)\}/gu, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export const actionLabels: Record<Action, Text> = {
  sms_reminder: { 'zh-CN': '短信提醒', en: 'SMS reminder' },
  call_account_manager: { 'zh-CN': '客户经理致电', en: 'Call (account manager)' },
  call_collection_team: { 'zh-CN': '催收团队致电', en: 'Call (collection team)' },
  visit: { 'zh-CN': '上门', en: 'Visit' },
  legal_action: { 'zh-CN': '法律诉讼', en: 'Legal action' },
  restructuring_offer: { 'zh-CN': '重组方案', en: 'Restructuring offer' },
  debt_sale: { 'zh-CN': '债权转让', en: 'Debt sale' },
};
export const outcomeLabels: Record<string, Text> = {
  no_contact: { 'zh-CN': '未联系上', en: 'No contact' },
  contacted: { 'zh-CN': '已联系', en: 'Contacted' },
  promise_to_pay: { 'zh-CN': '承诺还款', en: 'Promise to pay' },
  refused: { 'zh-CN': '拒绝还款', en: 'Refused' },
  paid: { 'zh-CN': '已还款', en: 'Paid' },
  wrong_party: { 'zh-CN': '非本人', en: 'Wrong party' },
};
/** the contact rules a recommended action can be blocked by (pipelines/collections/contact-rules.ts ruleIds) */
export const contactRuleLabels: Record<string, Text> = {
  do_not_contact: { 'zh-CN': '禁止联系', en: 'do not contact' },
  consent: { 'zh-CN': '已撤回联系同意', en: 'consent withdrawn' },
  cooling_off_complaint: { 'zh-CN': '投诉冷静期', en: 'cooling-off after a complaint' },
  cooling_off_refused: { 'zh-CN': '拒绝还款冷静期', en: 'cooling-off after a refusal' },
  daily_cap: { 'zh-CN': '当日联系次数上限', en: 'daily contact cap' },
  weekly_cap: { 'zh-CN': '每周联系次数上限', en: 'weekly contact cap' },
  hours: { 'zh-CN': '允许联系时段', en: 'contact hours' },
  min_gap: { 'zh-CN': '两次联系最短间隔', en: 'minimum gap between contacts' },
};
export const caseStageLabels: Record<string, Text> = {
  watch: { 'zh-CN': '关注', en: 'watch' },
  early: { 'zh-CN': '早期', en: 'early' },
  mid: { 'zh-CN': '中期', en: 'mid' },
  late: { 'zh-CN': '后期', en: 'late' },
};
/** an amount to the cent with thousands separators (a schedule, a payment, a promise) */
export const amount = (x: number) => x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** a code's label in the language, or the code itself */
export const label = (labels: Record<string, Text>, code: string, lang: Lang) => labels[code]?.[lang] ?? code;

const langCookie = 'lw_lang';
const isLang = (x: string | undefined): x is Lang => (languages as readonly string[]).includes(x ?? '');

/**
 * The page's language: `?lang=` (the switch link, remembered in a cookie), else the cookie, else the
 * browser's Accept-Language (Chinese of any region → zh-CN, anything else → English).
 */
export function langOf(c: Context): Lang {
  const asked = c.req.query('lang');
  if (isLang(asked)) {
    setCookie(c, langCookie, asked, { path: '/', sameSite: 'Strict', httpOnly: true, maxAge: 365 * 86400 });
    return asked;
  }
  const kept = getCookie(c, langCookie);
  if (isLang(kept)) return kept;
  const accept = c.req.header('accept-language') ?? '';
  const first = accept.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}
