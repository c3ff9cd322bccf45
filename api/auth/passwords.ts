import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords, hashed with scrypt (memory-hard, in Node's crypto: no dependency). Each hash
 * carries its own salt and parameters, so the cost can be raised later without invalidating the
 * stored ones: `scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url; 16-byte salt, 32-byte hash).
 *
 * Parameters: N = 2^15, r = 8, p = 1 — 32 MiB and about 0.1 s per hash on one core (OWASP's
 * scrypt minimum is N = 2^17 with r = 8 at 128 MiB; 2^15 keeps a burst of sign-ins from taking the
 * API process's memory, and the per-address failure limit bounds guessing online). Argon2id would
 * need a native dependency; bcrypt truncates at 72 bytes and is not memory-hard.
 */
export interface ScryptCost {
  /** log2 of N */
  ln: number;
  r: number;
  p: number;
}
export const defaultCost: ScryptCost = { ln: 15, r: 8, p: 1 };

const keyLength = 32;
const saltLength = 16;

const derive = (password: string, salt: Buffer, c: ScryptCost) =>
  new Promise<Buffer>((resolve, reject) => {
    const o: ScryptOptions = { N: 2 ** c.ln, r: c.r, p: c.p, maxmem: 256 * 2 ** c.ln * c.r };
    scrypt(password.normalize('NFC'), salt, keyLength, o, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });

/** The stored form of a password: parameters, salt and hash. */
export async function hashPassword(password: string, cost: ScryptCost = defaultCost): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, cost);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const storedPattern = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([\w-]{16,64})\$([\w-]{32,128})$/u;

/**
 * Whether the password is the one hashed in `stored`, compared in constant time. A stored value
 * that is not a hash (or none: an unknown user) still costs one hash of the default cost, so the
 * answer's timing does not tell which user names exist.
 */
export async function passwordMatches(password: string, stored: string | undefined): Promise<boolean> {
  const m = stored === undefined ? null : storedPattern.exec(stored);
  const ln = Number(m?.[1]);
  const r = Number(m?.[2]);
  const p = Number(m?.[3]);
  const usable = m !== null && ln >= 10 && ln <= 20 && r >= 1 && p >= 1;
  const cost = usable ? { ln, r, p } : defaultCost;
  const salt = usable ? Buffer.from(m[4]!, 'base64url') : Buffer.alloc(saltLength);
  const want = usable ? Buffer.from(m[5]!, 'base64url') : Buffer.alloc(keyLength);
  const got = await derive(password, salt, cost);
  return usable && got.length === want.length && timingSafeEqual(got, want);
}

/** The rule of the password policy a new password breaks. */
export type PasswordRule = 'too_short' | 'too_long' | 'spaces';
export const passwordRuleText: Record<PasswordRule, string> = {
  too_short: 'a password has at least 10 characters',
  too_long: 'a password has at most 256 characters',
  spaces: 'a password does not start or end with a space',
};

/** What a new password must be: long enough to resist guessing, short enough not to be a denial of service. */
export function passwordRuleBroken(password: string): PasswordRule | undefined {
  const n = Array.from(password).length;
  if (n < 10) return 'too_short';
  if (n > 256) return 'too_long';
  if (password.trim() !== password) return 'spaces';
  return undefined;
}

/** The broken rule in words (English: the CLI's), or undefined for a password the policy allows. */
export function passwordProblem(password: string): string | undefined {
  const broken = passwordRuleBroken(password);
  return broken && passwordRuleText[broken];
}

/**
 * A first password an admin hands to a new user (the console's user page): 120 random bits as 20
 * base64url characters, within the policy above. Shown once; the user changes it after signing in.
 */
export function generatedPassword(): string {
  return randomBytes(15).toString('base64url');
}
