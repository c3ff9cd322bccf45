import { UserError } from '../../lib/user-error.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertKnownFilterValues, UnknownFilterValueError } from '../../warehouse/metrics/known-values.ts';
import type { AccrualRules } from './accrual-rules.ts';

/**
 * Refuses rules whose product entries name no loaded product: a misspelt key ("creditcard") left the
 * product on the defaults without a word (a card's late fee not charged). Checked where the rules
 * meet the data (snapshot, dpd), as a file alone cannot know the book's products.
 */
export async function assertRuleProductsLoaded(wh: Warehouse, rules: AccrualRules, source: string): Promise<void> {
  const product = Object.keys(rules.products);
  if (product.length === 0) return;
  try {
    await assertKnownFilterValues(wh, { product });
  } catch (e) {
    if (e instanceof UnknownFilterValueError)
      throw new UserError(`${source}: a product entry names no loaded loan's product: ${e.message}`, {
        hint: 'see docs/accrual.md',
      });
    throw e;
  }
}
