import { SaxesParser, type SaxesTagNS } from 'saxes';

/** The namespace of SFCC's customer import/export XML (Business Manager, Customer Lists → Export). */
export const CUSTOMER_EXPORT_NS = 'http://www.demandware.com/xml/impex/customer/2006-10-31';
const ROOTS = new Set(['customers', 'customer-list']);

/** One `<customer>` of the export, as written: element names are SFCC's (first-name, address1, …). */
export interface ExportCustomer {
  customerNo: string;
  login?: string;
  /** `<password encrypted="true" encryptionScheme="scrypt">`: SFCC's hash. Never logged or reported. */
  passwordHash?: string;
  /** The encryptionScheme; only `scrypt` hashes are carried (what SCAYLE's `salesforce` hashing checks). */
  passwordScheme?: string;
  /** `<credentials><enabled-flag>`. */
  enabled?: boolean;
  profile: Record<string, string>;
  custom: Record<string, string>;
  addresses: { id: string; preferred: boolean; fields: Record<string, string>; custom: Record<string, string> }[];
}

export class ExportFormatError extends Error {}

/**
 * Streams the customers of an SFCC customer-list export one by one: the file is parsed as it is
 * read (saxes), and only the customer being read is held, so an export of a million customers
 * needs no more memory than one of ten. Throws ExportFormatError for a file that is not such an
 * export (wrong namespace or root) or is not well-formed XML, naming line and column.
 */
export async function* readCustomerExport(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<ExportCustomer> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const ready: ExportCustomer[] = [];
  let customer: ExportCustomer | undefined;
  let address: ExportCustomer['addresses'][number] | undefined;
  let attribute: string | undefined;
  let text = '';
  const path: string[] = [];
  let failure: Error | undefined;

  parser.on('error', (error) => {
    failure ??= new ExportFormatError(`not well-formed XML: ${error.message}`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    text = '';
    if (path.length === 0 && (tag.uri !== CUSTOMER_EXPORT_NS || !ROOTS.has(tag.local))) {
      failure ??= new ExportFormatError(
        `not an SFCC customer export: the root is <${tag.name}> in namespace "${tag.uri}", expected <customers> or <customer-list> in ${CUSTOMER_EXPORT_NS}`,
      );
    }
    path.push(tag.local);
    const attr = (name: string) => tag.attributes[name]?.value;
    if (tag.local === 'customer' && path.length === 2) {
      customer = { customerNo: attr('customer-no') ?? '', profile: {}, custom: {}, addresses: [] };
    } else if (customer && tag.local === 'address' && path.at(-2) === 'addresses') {
      address = { id: attr('address-id') ?? '', preferred: attr('preferred') === 'true', fields: {}, custom: {} };
    } else if (customer && tag.local === 'password') {
      customer.passwordScheme = attr('encrypted') === 'true' ? (attr('encryptionScheme') ?? 'unknown') : 'plain';
    } else if (tag.local === 'custom-attribute') attribute = attr('attribute-id');
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', (tag: SaxesTagNS) => {
    const value = text.trim();
    text = '';
    const parent = path.at(-2);
    if (customer) {
      if (tag.local === 'customer' && path.length === 2) {
        ready.push(customer);
        customer = undefined;
      } else if (tag.local === 'address' && address) {
        customer.addresses.push(address);
        address = undefined;
      } else if (tag.local === 'custom-attribute' && attribute !== undefined) {
        if (value) (address ? address.custom : customer.custom)[attribute] = value;
        attribute = undefined;
      } else if (parent === 'credentials') {
        if (tag.local === 'login') customer.login = value;
        else if (tag.local === 'password' && value) customer.passwordHash = value;
        else if (tag.local === 'enabled-flag') customer.enabled = value !== 'false';
      } else if (value && address && parent === 'address') address.fields[tag.local] = value;
      else if (value && parent === 'profile') customer.profile[tag.local] = value;
    }
    path.pop();
  });

  // A character may be split between two chunks of bytes: the decoder keeps the partial one.
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  parser.close();
  if (failure) throw failure;
  yield* ready.splice(0);
}
