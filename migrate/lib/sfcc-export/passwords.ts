import { createReadStream } from 'node:fs';
import type { PasswordHashSource } from '../types.js';
import { readCustomerExport } from './parse.js';

/**
 * `--passwords-from <customer-list.xml>` beside another source: streams the export once and keeps
 * only its scrypt hashes, by customer number and by login (about 150 bytes a customer, never the
 * profiles or addresses). A source customer finds its hash by its customer number (SFCC's Data
 * API), else by login or email. Counts what it could not use, for the run's warnings.
 */
export async function loadPasswordHashes(
  path: string,
  open: () => AsyncIterable<string | Buffer> = () => createReadStream(path),
): Promise<PasswordHashSource & { customers: number; hashes: number; otherSchemes: number }> {
  const byNumber = new Map<string, string>();
  const numberByLogin = new Map<string, string>();
  let customers = 0;
  let otherSchemes = 0;
  for await (const c of readCustomerExport(open())) {
    customers++;
    if (!c.passwordHash) continue;
    if (c.passwordScheme !== 'scrypt') {
      otherSchemes++;
      continue;
    }
    byNumber.set(c.customerNo, c.passwordHash);
    const login = (c.login ?? c.profile.email)?.toLowerCase();
    if (login) numberByLogin.set(login, c.customerNo);
  }
  const hashFor: PasswordHashSource['hashFor'] = (customer) => {
    const byNo = customer.customerNo === undefined ? undefined : byNumber.get(customer.customerNo);
    if (byNo) return byNo;
    for (const key of [customer.login, customer.email]) {
      const number = key === undefined ? undefined : numberByLogin.get(key.toLowerCase());
      if (number) return byNumber.get(number);
    }
    return undefined;
  };
  return { hashFor, customers, hashes: byNumber.size, otherSchemes };
}
