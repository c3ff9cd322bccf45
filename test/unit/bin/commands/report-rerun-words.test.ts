import { describe, expect, it } from 'vitest';
import { rerunDiffersWords } from '../../../../bin/commands/report-rerun-words.ts';

/** Review 3: "this build's summary.csv differ", naming 0.1.0+611fdc8ebd5b for both builds of a modified checkout. */
describe('the re-run line when a build differs from the archived files', () => {
  const id = '2024-05-management-en-f158e17bc804';

  it('one file differs, several differ', () => {
    expect(rerunDiffersWords(id, ['summary.csv'], '0.1.0+611fdc8ebd5b', '0.1.0+eb3030d1a2b3')).toBe(
      `archive ${id}: already archived from the same inputs, but this build's summary.csv differs from the archived files; the archived ones are kept (archived by loanwatch 0.1.0+611fdc8ebd5b, this is loanwatch 0.1.0+eb3030d1a2b3: wording changed between versions is one cause)`,
    );
    expect(rerunDiffersWords(id, ['summary.csv', 'report.html'], '0.1.0', '0.1.1')).toContain(
      "this build's summary.csv, report.html differ from the archived files",
    );
  });

  it('a modified checkout is named as such; two builds of one version are not said to be two versions', () => {
    expect(rerunDiffersWords(id, ['summary.csv'], '0.1.0+611fdc8ebd5b', '0.1.0+611fdc8ebd5b-dirty')).toContain(
      'archived by loanwatch 0.1.0+611fdc8ebd5b, this is loanwatch 0.1.0+611fdc8ebd5b-dirty',
    );
    const both = rerunDiffersWords(id, ['summary.csv'], '0.1.0+611fdc8ebd5b-dirty', '0.1.0+611fdc8ebd5b-dirty');
    expect(both).toContain(
      '(archived by loanwatch 0.1.0+611fdc8ebd5b-dirty too: both built from uncommitted changes, which may differ)',
    );
    expect(both).not.toContain('between versions');
    expect(rerunDiffersWords(id, ['summary.csv'], '0.1.0+611fdc8ebd5b', '0.1.0+611fdc8ebd5b')).toContain(
      '(archived by this same loanwatch 0.1.0+611fdc8ebd5b)',
    );
  });

  it('an archived pack that recorded no version', () => {
    expect(rerunDiffersWords(id, ['summary.csv'], undefined, '0.1.0')).toContain(
      'archived by a loanwatch that did not record its version, this is loanwatch 0.1.0',
    );
  });
});
