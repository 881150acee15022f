/**
 * The tests' usual address: one every platform stores (Open2b wants the customer's names on it),
 * default for billing and shipping. A test passes what it needs different.
 */
export const berlinAddress = (overrides: Record<string, unknown> = {}) => ({
  firstName: 'Erika',
  lastName: 'Muster',
  line1: 'Hauptstraße 5',
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
  isDefaultBilling: true,
  isDefaultShipping: true,
  ...overrides,
});
