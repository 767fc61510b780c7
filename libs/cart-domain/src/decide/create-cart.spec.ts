import { CLOSED_HISTORIES, cartCreated, spec } from '../testing/cart-fixtures';

describe('CreateCart', () => {
  it('creates a cart for the customer', () => {
    spec([])
      .when({ type: 'CreateCart', data: { customerId: 'customer-7' } })
      .then([{ type: 'CartCreated', data: { customerId: 'customer-7' } }]);
  });

  it('refuses to create a cart that is already open', () => {
    spec([cartCreated('customer-7')])
      .when({ type: 'CreateCart', data: { customerId: 'customer-7' } })
      .thenThrows('CART_ALREADY_EXISTS');
  });

  it.each(CLOSED_HISTORIES)('refuses to re-create a %s cart (exists, rather than closed)', (_label, history) => {
    spec(history)
      .when({ type: 'CreateCart', data: { customerId: 'customer-8' } })
      .thenThrows('CART_ALREADY_EXISTS');
  });
});
