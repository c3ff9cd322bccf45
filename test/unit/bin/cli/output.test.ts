import { describe, expect, it } from 'vitest';
import { printTable, type Output } from '../../../../bin/cli/output.ts';
import { visibleControls } from '../../../../bin/cli/visible-controls.ts';

function captured(): Output & { text: () => string } {
  const lines: string[] = [];
  return {
    line: (t) => void lines.push(t),
    write: (t) => {
      lines.push(t);
      return Promise.resolve();
    },
    text: () => lines.join('\n'),
  };
}

/** every control character a loaded file can carry: C0 but the line feed, DEL, C1 */
const controls = [
  ...Array.from({ length: 0x20 }, (_, i) => i).filter((i) => i !== 0x0a),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
].map((c) => String.fromCharCode(c));

describe('a table shows the control characters of its values, never sends them to the terminal', () => {
  it.each(controls.map((c) => [c.charCodeAt(0).toString(16), c]))('U+00%s, first, inside and last', (_, c) => {
    const out = captured();
    const values = [`${c}start`, `in${c}side`, `end${c}`, '\u001b]0;title\u0007\u001b[31mred'];
    printTable(
      out,
      values.map((v) => ({ v })),
      [{ header: 'raw', value: (r: { v: string }) => r.v }],
    );
    // cli-table3 styles nothing here (no colours): every control character in the output came from a value
    // eslint-disable-next-line no-control-regex
    expect(out.text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u);
    expect(out.text()).toContain(visibleControls(`in${c}side`));
  });

  it('shows each as \\xNN and leaves text, line breaks and other scripts alone', () => {
    expect(visibleControls('a\u001b[31mb\tc\nd\u009b逾期')).toBe('a\\x1b[31mb\\x09c\nd\\x9b逾期');
  });
});
