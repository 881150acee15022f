import { type CustomerRecord, type OcapiAddress, sortedAddresses } from './store.js';
import { etagOf, OCAPI_VERSION } from './wire.js';

/** The documents OCAPI answers with. */
export function customerDocument(record: CustomerRecord, expandAddresses: boolean): Record<string, unknown> {
  const doc: Record<string, unknown> = { _v: OCAPI_VERSION, _type: 'customer', ...structuredClone(record.customer) };
  if (expandAddresses && record.addresses.size > 0)
    doc.addresses = sortedAddresses(record).map((a) => addressDocument(a, false));
  return doc;
}

export function addressDocument(address: OcapiAddress, withVersion = true): Record<string, unknown> {
  return { ...(withVersion ? { _v: OCAPI_VERSION } : {}), _type: 'customer_address', ...structuredClone(address) };
}

export const customerEtag = (record: CustomerRecord) => etagOf(record.customer);
export const addressEtag = (address: OcapiAddress) => etagOf(address);
