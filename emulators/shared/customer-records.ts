/** What the SFCC and SCAPI emulators keep per customer: the vendor document, its address book, the password. */
export interface CustomerRecord<Customer, Address> {
  customer: Customer;
  addresses: Map<string, Address>;
  /** Plain text: this is an emulator; never sent on the wire. */
  password?: string;
}

interface RecordStore<Customer, Address> {
  readonly records: Map<string, CustomerRecord<Customer, Address>>;
  byLogin(login: string): CustomerRecord<Customer, Address> | undefined;
}

/**
 * The reading half of a record store's test backdoor, the same on every emulator that keeps
 * CustomerRecords: copies of what is stored (the vendor document as the platform answers it,
 * the address book in the platform's list order), never the store's own objects.
 */
export function recordBackdoorReads<Customer, Address, Document>(
  store: RecordStore<Customer, Address>,
  toDocument: (record: CustomerRecord<Customer, Address>) => Document,
  listOrder: (record: CustomerRecord<Customer, Address>) => Address[],
) {
  return {
    /** By the store's key or by login. */
    readCustomer: (keyOrLogin: string): Document | undefined => {
      const record = store.records.get(keyOrLogin) ?? store.byLogin(keyOrLogin);
      return record && toDocument(record);
    },
    readAddresses: (key: string): Address[] => {
      const record = store.records.get(key);
      return record ? structuredClone(listOrder(record)) : [];
    },
    readPassword: (key: string): string | undefined => store.records.get(key)?.password,
    readAll: (): Document[] => [...store.records.values()].map(toDocument),
  };
}
