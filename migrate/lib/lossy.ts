/**
 * What each target has no place for (docs/migrate.md, *Lossy per platform pair*): such fields
 * are refused when migrating unless left out with --omit, and `verify` does not count them as
 * differences. Paths as --omit takes them; `addresses.x` is a field of every address.
 */
export const LOSSY_FIELDS: Record<string, string[]> = {
  sfcc: [
    'groups',
    'custom',
    'addresses.street',
    'addresses.houseNumber',
    'addresses.externalRef',
    'addresses.collectionPoint',
    // One preferred address stands for default billing and shipping.
    'addresses.isDefaultShipping',
  ],
  scayle: [
    'login',
    'salutation',
    'jobTitle',
    'companyName',
    'phones.mobile',
    'phones.business',
    'phones.fax',
    'addresses.fullName',
    'addresses.salutation',
    'addresses.companyName',
  ],
  open2b: [
    'gender',
    'birthDate',
    'title',
    'salutation',
    'jobTitle',
    'custom',
    'phones.business',
    'groups',
    'addresses.street',
    'addresses.houseNumber',
    'addresses.externalRef',
    'addresses.title',
    'addresses.salutation',
    'addresses.fullName',
    'addresses.companyName',
    'addresses.collectionPoint',
  ],
  // SCAPI: groups go through another API (customer-groups members); addresses keep line1 only.
  scapi: ['groups', 'addresses.street', 'addresses.houseNumber', 'addresses.externalRef', 'addresses.collectionPoint'],
  memory: [],
};

/** Whether `path` (e.g. `phones.mobile`, `addresses.3.companyName`, `custom.origin`) is lost on `target`. */
export function isLossy(target: string, path: string): boolean {
  const generic = path.split('.').filter((segment) => !/^\d+$/.test(segment));
  const lost = LOSSY_FIELDS[target] ?? [];
  return lost.some((entry) => {
    const parts = entry.split('.');
    return parts.every((part, i) => generic[i] === part);
  });
}
