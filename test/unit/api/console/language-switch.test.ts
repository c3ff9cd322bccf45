import { describe, expect, it } from 'vitest';
import { withLang } from '../../../../api/console/layout.ts';

describe('the language switch', () => {
  it('keeps the page and its filters', () => {
    expect(withLang('http://h/console/queue?as_of=2024-06-30&stage=late', 'en')).toBe(
      '/console/queue?as_of=2024-06-30&stage=late&lang=en',
    );
    expect(withLang('http://h/console/loans/L1?as_of=2024-06-30&lang=en', 'zh-CN')).toBe(
      '/console/loans/L1?as_of=2024-06-30&lang=zh-CN',
    );
  });

  it("a page rendered for a form's POST switches to the page the form is on, never the POST-only address", () => {
    const cases: [string, string][] = [
      ['/console/loans/L1/actions?as_of=2024-06-30', '/console/loans/L1?as_of=2024-06-30&lang=en'],
      ['/console/loans/L1/actions/a-9/correct?as_of=2024-06-30', '/console/loans/L1?as_of=2024-06-30&lang=en'],
      ['/console/loans/L1/actions/a-9/withdraw?as_of=2024-06-30', '/console/loans/L1?as_of=2024-06-30&lang=en'],
      ['/console/models/dpd30_3m_network/1/promote', '/console/models/dpd30_3m_network/1?lang=en'],
      ['/console/users/wang/disable', '/console/users?lang=en'],
      ['/console/password', '/console/password?lang=en'],
    ];
    for (const [from, to] of cases) expect(withLang(`http://h${from}`, 'en'), from).toBe(to);
  });
});
