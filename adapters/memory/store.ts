import type { Address, Customer } from '../../schemas/index.js';

/** One stored customer: the canonical record plus what never leaves the store. */
export interface MemoryRecord {
  customer: Omit<Customer, 'addresses'>;
  addresses: Map<string, Address>;
  passwordHash?: string;
  version: number;
  /** Per-address revision for address ETags, so a change elsewhere on the customer does not stale them. */
  addressRevisions: Map<string, number>;
  /** Orders of the customer that are not closed yet (set by tests): erasure refuses while there are any. */
  openOrders?: number;
}

/** The memory backend's whole state; exposed to tests as a backdoor (`memoryStore(adapter)`). */
export class MemoryStore {
  readonly records = new Map<string, MemoryRecord>();
  private nextId = 1;
  private revision = 0;

  nextRevision(): number {
    return ++this.revision;
  }

  newId(): string {
    return String(this.nextId++).padStart(5, '0');
  }

  byEmail(email: string): MemoryRecord | undefined {
    const wanted = email.toLowerCase();
    for (const r of this.records.values()) if (r.customer.email.toLowerCase() === wanted) return r;
    return undefined;
  }

  byExternalRef(ref: string): MemoryRecord | undefined {
    for (const r of this.records.values()) if (r.customer.externalRef === ref) return r;
    return undefined;
  }

  reset(): void {
    this.records.clear();
    this.nextId = 1;
  }
}

/** Not a real password hash: the memory backend is for development, and never stores the plain text. */
export async function hashPassword(password: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`memory-backend:${password}`));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
