import { uniqueTag } from '../conformance/harness.js';
import { berlinAddress } from '../support/address.js';

/** A customer every backend accepts (Open2b wants a password and one name for customer and billing address). */
export const raceCustomer = (tag = uniqueTag()) => ({
  email: `race-${tag}@example.com`,
  firstName: 'Erika',
  lastName: `Race${tag.slice(-6)}`,
  password: 'Str0ng!Passw0rd',
  addresses: [berlinAddress({ lastName: `Race${tag.slice(-6)}` })],
});
