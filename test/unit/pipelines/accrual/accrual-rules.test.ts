import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allocationItems,
  defaultAccrualRulesPath,
  defaultRule,
  loadAccrualRules,
  parseAccrualRules,
  ruleFor,
} from '../../../../pipelines/accrual/accrual-rules.ts';
import { UserError } from '../../../../lib/user-error.ts';

const refused = (json: unknown) => {
  try {
    parseAccrualRules(json, 'rules.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`accepted: ${JSON.stringify(json)}`);
};

describe('accrual rules', () => {
  it('an empty file is the documented defaults; a product entry replaces only its fields', () => {
    const r = parseAccrualRules({ products: { card: { late_fee: 50 } } });
    expect(r.default).toEqual(defaultRule);
    expect(defaultRule).toMatchObject({
      day_count: 'actual/360',
      penalty_markup: 0.5,
      compound_interest: true,
      non_accrual_dpd: 90,
      allocation_order: ['scheduled', 'penalty_interest', 'compound_interest', 'fee'],
    });
    expect(ruleFor(r, 'card')).toEqual({ ...defaultRule, late_fee: 50 });
    expect(ruleFor(r, 'consumer')).toBe(r.default);
    expect(ruleFor(r, 'constructor')).toBe(r.default); // own keys only
  });

  it('the shipped default file parses', () => {
    const r = loadAccrualRules(defaultAccrualRulesPath);
    expect(r.default).toEqual(defaultRule);
    expect(ruleFor(r, 'credit_card')).toMatchObject({ day_count: 'actual/365', late_fee: 50, late_fee_cap: 300 });
  });

  it('names the field of every bad value, in the default entry and in a product entry', () => {
    const bad: [string, unknown][] = [
      ['day_count', 'actual/actual'],
      ['penalty_markup', -0.1],
      ['penalty_markup', '50%'],
      ['compound_interest', 'yes'],
      ['late_fee', -1],
      ['late_fee_cap', -5],
      ['non_accrual_dpd', 0],
      ['non_accrual_dpd', 90.5],
      ['waive_on_restructure', 1],
      ['allocation_order', ['scheduled', 'penalty', 'compound_interest', 'fee']],
    ];
    for (const [field, value] of bad) {
      expect(refused({ default: { [field]: value } })).toMatch(new RegExp(`^rules\\.json at default\\.${field}`));
      expect(refused({ products: { consumer: { [field]: value } } })).toMatch(
        new RegExp(`^rules\\.json at products\\.consumer\\.${field}`),
      );
    }
  });

  it('refuses unknown allocation items, repeats and gaps in the order', () => {
    expect(refused({ default: { allocation_order: ['scheduled', 'late_fee', 'compound_interest', 'fee'] } })).toContain(
      'unknown allocation item "late_fee"',
    );
    expect(refused({ default: { allocation_order: ['scheduled', 'scheduled', 'compound_interest', 'fee'] } })).toMatch(
      /scheduled is listed twice/,
    );
    expect(refused({ default: { allocation_order: ['scheduled', 'fee'] } })).toContain(
      'lacks penalty_interest, compound_interest',
    );
    // every permutation is accepted
    const perms = (xs: string[]): string[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of perms([...allocationItems]))
      expect(parseAccrualRules({ default: { allocation_order: order } }).default.allocation_order).toEqual(order);
  });

  it('refuses unknown fields, a product key that is not a product name, and a product named default', () => {
    expect(refused({ default: { penalty_rate: 0.2 } })).toBe('rules.json at default.penalty_rate: unknown field');
    expect(refused({ products: { card: { markup: 1 } } })).toBe('rules.json at products.card.markup: unknown field');
    expect(refused({ defaults: {} })).toBe('rules.json at defaults: unknown field');
    expect(refused({ products: { 'credit card': {} } })).toMatch(
      /^rules\.json at products\.credit card: a product key/,
    );
    expect(refused({ products: { default: {} } })).toBe(
      'rules.json at products.default: overlaps the top-level default entry',
    );
    expect(refused({ products: [] })).toMatch(/^rules\.json at products/);
    expect(refused([])).toMatch(/^rules\.json/);
  });

  it('a file that is not JSON, or is missing, is a one-line error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-accrual-rules-'));
    writeFileSync(join(dir, 'bad.json'), '{ "default": ');
    expect(() => loadAccrualRules(join(dir, 'bad.json'))).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadAccrualRules(join(dir, 'none.json'))).toThrow(/accrual rules file .*none\.json not found/);
    expect(() => loadAccrualRules(dir)).toThrow(`accrual rules file ${dir} is a directory, not a file`);
  });
});
