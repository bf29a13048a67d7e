import { describe, expect, it } from 'vitest';
import { validateEvents, validateInteractions, validateTransactions } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';

describe('simulateShop output passes core validation', () => {
  it('transactions, events and interactions have zero rejections', () => {
    const shop = simulateShop({ customers: 1500, items: 300, seed: 21 });
    const tx = validateTransactions(shop.transactions);
    expect(tx.rejected).toHaveLength(0);
    expect(tx.kept).toBe(shop.transactions.length);
    expect(tx.rows).toEqual(shop.transactions);
    const ev = validateEvents(shop.events, { types: ['view', 'click', 'cart', 'purchase', 'email_send', 'email_open', 'email_click'] });
    expect(ev.rejected).toHaveLength(0);
    expect(ev.kept).toBe(shop.events.length);
    const ia = validateInteractions(shop.interactions!);
    expect(ia.rejected).toHaveLength(0);
    expect(ia.kept).toBe(shop.interactions!.length);
  });
});
