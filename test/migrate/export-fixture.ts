import { CUSTOMER_EXPORT_NS } from '../../migrate/lib/index.js';

/** One customer of a generated SFCC customer-list export (Business Manager's element names). */
export interface FixtureCustomer {
  no: string;
  email: string;
  lastName: string;
  firstName?: string;
  /** An scrypt hash as SFCC writes it (base64); another scheme with `scheme`. */
  hash?: string;
  scheme?: string;
  enabled?: boolean;
  externalRef?: string;
  addresses?: { id: string; line1: string; city: string; postalCode: string; country: string; preferred?: boolean }[];
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A made-up but plausible scrypt hash (base64 of 64 bytes derived from the number). */
export const fakeHash = (seed: string) =>
  Buffer.from(Array.from({ length: 64 }, (_, i) => (seed.charCodeAt(i % seed.length) * (i + 7)) % 256)).toString(
    'base64',
  );

export function customerXml(c: FixtureCustomer): string {
  const password = c.hash
    ? `\n      <password encrypted="true" encryptionScheme="${c.scheme ?? 'scrypt'}">${c.hash}</password>`
    : '';
  const addresses = (c.addresses ?? [])
    .map(
      (a) => `
      <address address-id="${escapeXml(a.id)}" preferred="${a.preferred ? 'true' : 'false'}">
        <first-name>${escapeXml(c.firstName ?? '')}</first-name>
        <last-name>${escapeXml(c.lastName)}</last-name>
        <address1>${escapeXml(a.line1)}</address1>
        <city>${escapeXml(a.city)}</city>
        <postal-code>${escapeXml(a.postalCode)}</postal-code>
        <country-code>${a.country.toLowerCase()}</country-code>
      </address>`,
    )
    .join('');
  return `
  <customer customer-no="${escapeXml(c.no)}">
    <credentials>
      <login>${escapeXml(c.email)}</login>${password}
      <enabled-flag>${c.enabled === false ? 'false' : 'true'}</enabled-flag>
    </credentials>
    <profile>
      <salutation/>
      ${c.firstName ? `<first-name>${escapeXml(c.firstName)}</first-name>` : ''}
      <last-name>${escapeXml(c.lastName)}</last-name>
      <email>${escapeXml(c.email)}</email>
      <gender>2</gender>
      <birthday>1985-03-04Z</birthday>${c.externalRef ? `\n      <custom-attributes><custom-attribute attribute-id="externalRef">${escapeXml(c.externalRef)}</custom-attribute></custom-attributes>` : ''}
    </profile>
    <addresses>${addresses}
    </addresses>
  </customer>`;
}

/** A whole export; `root` chooses between `<customers>` and `<customer-list list-id>` (both exist in the wild). */
export function exportXml(customers: FixtureCustomer[], root: 'customers' | 'customer-list' = 'customers'): string {
  const open =
    root === 'customers'
      ? `<customers xmlns="${CUSTOMER_EXPORT_NS}">`
      : `<customer-list xmlns="${CUSTOMER_EXPORT_NS}" list-id="SiteGenesis">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${open}${customers.map(customerXml).join('')}\n</${root}>\n`;
}

/** `count` generated customers, produced only as the reader asks for them; `produced()` says how many so far. */
export function lazyExport(count: number) {
  let produced = 0;
  async function* chunks() {
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<customers xmlns="${CUSTOMER_EXPORT_NS}">`;
    for (let batch = 0; batch < count; batch += 100) {
      let text = '';
      for (let i = batch; i < Math.min(count, batch + 100); i++) {
        text += customerXml({
          no: String(i).padStart(8, '0'),
          email: `c${i}@example.com`,
          lastName: `Müller-${i}`,
          firstName: 'Jörg',
          hash: fakeHash(String(i)),
          externalRef: `X-${i}`,
          addresses: [
            {
              id: 'home',
              line1: `Weißenseer Weg ${i % 300}`,
              city: 'Berlin',
              postalCode: '10367',
              country: 'DE',
              preferred: true,
            },
          ],
        });
      }
      produced = Math.min(count, batch + 100);
      yield Buffer.from(text);
    }
    yield '\n</customers>\n';
  }
  return { chunks, produced: () => produced };
}
