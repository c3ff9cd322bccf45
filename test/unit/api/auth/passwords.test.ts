import { describe, expect, it } from 'vitest';
import { hashPassword, passwordMatches, passwordProblem } from '../../../../api/auth/passwords.ts';
import { Rng } from '../../../../lib/random.ts';

/** a cheap cost for the properties (the default, 2^15, is checked once) */
const cheap = { ln: 10, r: 8, p: 1 };
const alphabet = 'abcXYZ019 !"#$%&\'()*+,-./:;<=>?@[]^_{|}~逾期管理é';

describe('console passwords (scrypt)', () => {
  it('a hash carries its parameters and a fresh salt; it matches its password only', async () => {
    const rng = new Rng(3);
    const word = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join('');
    for (let i = 0; i < 12; i++) {
      const pw = word(10 + Math.floor(rng.next() * 30));
      const h = await hashPassword(pw, cheap);
      expect(h).toMatch(/^scrypt\$ln=10,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/u);
      expect(await hashPassword(pw, cheap)).not.toBe(h); // salted
      expect(await passwordMatches(pw, h)).toBe(true);
      // one character changed, added or dropped anywhere: no match
      const k = Math.floor(rng.next() * pw.length);
      for (const other of [
        `${pw.slice(0, k)}${pw[k] === 'a' ? 'b' : 'a'}${pw.slice(k + 1)}`,
        `${pw}a`,
        pw.slice(1),
        '',
      ])
        expect(await passwordMatches(other, h)).toBe(false);
    }
  });

  it('the default cost is N = 2^15, r = 8, p = 1; a composed and a decomposed é are the same password', async () => {
    const h = await hashPassword('caf\u00e9-password');
    expect(h.startsWith('scrypt$ln=15,r=8,p=1$')).toBe(true);
    expect(await passwordMatches('cafe\u0301-password', h)).toBe(true);
  });

  it('no stored hash, or a damaged one, never matches (and is not an error)', async () => {
    const h = await hashPassword('a long password', cheap);
    const broken = [undefined, h.replace('scrypt', 'bcrypt'), h.replace('ln=10', 'ln=40'), h.slice(0, -5)];
    for (const stored of broken) expect(await passwordMatches('a long password', stored)).toBe(false);
  });

  it('a new password is 10–256 characters without surrounding spaces', () => {
    expect(passwordProblem('123456789')).toMatch(/at least 10/u);
    expect(passwordProblem('1234567890')).toBeUndefined();
    expect(passwordProblem('逾期管理逾期管理逾期管')).toBeUndefined();
    expect(passwordProblem('x'.repeat(256))).toBeUndefined();
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/u);
    expect(passwordProblem(' 1234567890')).toMatch(/space/u);
    expect(passwordProblem('1234567890\n')).toMatch(/space/u);
  });
});
