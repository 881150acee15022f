/**
 * The SCAYLE emulator's state, held in SCAYLE's own wire shapes (what the Admin API answers),
 * so the test backdoor can show exactly what an adapter wrote.
 */

export interface ScayleRecipient {
  firstName?: string | null;
  lastName?: string | null;
  gender?: 'm' | 'f' | 'd' | 'n' | null;
  title?: string | null;
  type?: string | null;
}

export interface ScayleCollectionPoint {
  customerKey?: string | null;
  description?: string | null;
  key: string;
  type: string;
}

export interface ScayleAddress {
  id: number;
  referenceKey: string | null;
  street: string;
  houseNumber: string | null;
  additional: string | null;
  zipCode: string;
  city: string;
  /** ISO 3166-1 alpha-3. */
  countryCode: string;
  state: string | null;
  phone: string | null;
  /** Read-only on the wire: billing when it is the default billing address, else shipping. */
  type: 'shipping' | 'billing';
  isDefault: { billing: boolean; shipping: boolean };
  recipient: ScayleRecipient | null;
  collectionPoint: ScayleCollectionPoint | null;
}

export interface ScayleCustomer {
  id: number;
  referenceKey: string | null;
  firstName: string | null;
  lastName: string | null;
  gender: 'm' | 'f' | 'd' | 'n' | null;
  birthDate: string | null;
  email: string;
  phone: string | null;
  publicKey: string | null;
  title: string | null;
  type: string;
  groups: string[];
  identities: { identityProviderCode: string; externalUserId: string | null }[];
  status: { isActive: boolean; isGuestCustomer: boolean };
  company: { id: number; name: string } | null;
  legacyCustomData: Record<string, unknown>;
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
  addresses: ScayleAddress[];
}

/** What SCAYLE keeps about a password and never answers with. */
export interface StoredCredential {
  hashingType: 'internal' | 'external' | 'salesforce';
  /** `fingerprint(password)` for `password` calls, the given hash for `password-hash` calls. */
  hash: string;
  /** Whether it was set from a plain password (PUT password) or imported (PUT password-hash). */
  source: 'password' | 'password-hash';
}

/**
 * The emulator's stand-in for a password hash: FNV-1a (64 bit) over the UTF-8 bytes. Not a
 * password hash (an emulator only compares), but synchronous, so seeding stays synchronous, and
 * never the plain text.
 */
export function fingerprint(password: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`scayle-emulator:${password}`)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `fnv1a64:${hash.toString(16).padStart(16, '0')}`;
}

/** SCAYLE's timestamp style: second precision with an explicit +00:00 offset. */
export const scayleNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');

export class ScayleStore {
  readonly customers = new Map<number, ScayleCustomer>();
  readonly credentials = new Map<number, StoredCredential>();
  /**
   * Customers a DELETE has anonymised ("soft-deleted"): SCAYLE keeps them, anonymised, for a
   * restore period before deleting them for good. The API no longer finds them.
   */
  readonly deletionQueue = new Map<number, ScayleCustomer>();
  /** Ongoing orders per customer (the backdoor sets them): SCAYLE refuses to anonymise such customers. */
  readonly ongoingOrders = new Map<number, number>();
  private nextCustomerId = 1;
  private nextAddressId = 1;

  newCustomerId(): number {
    return this.nextCustomerId++;
  }

  newAddressId(): number {
    return this.nextAddressId++;
  }

  /** Keeps generated ids above any id that was seeded explicitly. */
  noteIds(customer: ScayleCustomer): void {
    this.nextCustomerId = Math.max(this.nextCustomerId, customer.id + 1);
    for (const a of customer.addresses) this.nextAddressId = Math.max(this.nextAddressId, a.id + 1);
  }

  byEmail(email: string): ScayleCustomer | undefined {
    const wanted = email.toLowerCase();
    for (const c of this.customers.values()) if (c.email.toLowerCase() === wanted) return c;
    return undefined;
  }

  byReferenceKey(key: string): ScayleCustomer | undefined {
    for (const c of this.customers.values()) if (c.referenceKey === key) return c;
    return undefined;
  }

  clear(): void {
    this.customers.clear();
    this.credentials.clear();
    this.deletionQueue.clear();
    this.ongoingOrders.clear();
    this.nextCustomerId = 1;
    this.nextAddressId = 1;
  }
}
