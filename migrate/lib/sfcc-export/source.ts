import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { GatewayError } from '../../../adapters/errors.js';
import { fromOcapiCustomer } from '../../../adapters/sfcc/map.js';
import type { OcapiAddress, OcapiCustomer } from '../../../adapters/sfcc/upstream.js';
import type { AdapterPage, Capabilities, CustomerAdapter } from '../../../adapters/types.js';
import type { Customer } from '../../../schemas/index.js';
import type { PasswordHashSource } from '../types.js';
import { readCustomerExport, type ExportCustomer } from './parse.js';

export const EXPORT_BACKEND = 'sfcc-export';

/** Export element names are OCAPI's with dashes (first-name ↔ first_name); these differ otherwise. */
const RENAMED: Record<string, string> = { postbox: 'post_box' };
const ocapiName = (name: string) => RENAMED[name] ?? name.replaceAll('-', '_');

const ocapiFields = (fields: Record<string, string>, custom: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [ocapiName(k), v])),
  ...Object.fromEntries(Object.entries(custom).map(([k, v]) => [`c_${k}`, v])),
});

/**
 * An exported customer → the canonical customer, through the same mapping the sfcc adapter
 * applies to OCAPI documents (the export's names are OCAPI's with dashes), so a shop migrated
 * from its export lands exactly as one migrated through the Data API. The hash is not in it.
 */
export function exportedToCanonical(c: ExportCustomer, externalRefAttribute = 'c_externalRef'): Customer {
  const { gender, ...profile } = ocapiFields(c.profile, c.custom);
  const doc = {
    ...profile,
    ...(gender === undefined ? {} : { gender: Number(gender) }),
    customer_id: c.customerNo,
    customer_no: c.customerNo,
    login: c.login,
    email: profile.email ?? c.login ?? '',
    ...(c.enabled === undefined ? {} : { enabled: c.enabled }),
    addresses: c.addresses.map(
      (a) => ({ ...ocapiFields(a.fields, a.custom), address_id: a.id, preferred: a.preferred }) as OcapiAddress,
    ),
  } as OcapiCustomer;
  return { ...fromOcapiCustomer(doc, externalRefAttribute), hasPassword: c.passwordHash !== undefined };
}

const capabilities: Capabilities = {
  listCustomers: true,
  totalCount: false,
  etag: false,
  customerDelete: false,
  addressDelete: false,
  addressRename: false,
  externalRefLookup: false,
  listByUpdatedSince: false,
  passwordChange: false,
  shopperLogin: false,
  guestConversion: false,
  erasure: false,
};

const readOnly = () =>
  Promise.reject(new GatewayError('not_supported', 'an export file is read-only: it can only be a migration source'));

/** Stamps read in this process, by path, size and modification time. */
const stampsRead = new Map<string, string>();

/**
 * Which export a position was taken in: the file's content (SHA-256) and size, so that a copy, a
 * move or a `touch` of the same export resumes while a new export at the same path does not.
 * Read once per run (~1.1 s per GB here).
 */
export function exportStamp(path: string): string {
  // A stream handed in by the caller (tests) has no file to look at: its path names it.
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return resolve(path);
  // The CLI's resume check and the source's first page ask for the same file: read it once.
  const seen = `${resolve(path)} ${stats.size} ${stats.mtimeMs}`;
  const known = stampsRead.get(seen);
  if (known) return known;
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let read: number; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0; )
      hash.update(chunk.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  const stamp = `sha256:${hash.digest('hex')} ${stats.size}`;
  stampsRead.set(seen, stamp);
  return stamp;
}

/** The stamp of versions before content stamps: the path, size and modification time. */
function pathStamp(path: string): string {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats ? `${resolve(path)} ${stats.size} ${Math.round(stats.mtimeMs)}` : resolve(path);
}

/**
 * Why a resume point cannot continue reading `path` (it was taken in another export file), if it
 * cannot; a bare count (a resume point from before positions named their file) is taken as is.
 */
export function exportResumeProblem(position: unknown, path: string, stamp?: string): string | undefined {
  if (typeof position !== 'object' || position === null || !('file' in position)) return undefined;
  const file = String(position.file);
  // A point written before content stamps names the file by its path and modification time.
  const current = file.startsWith('sha256:') ? (stamp ?? exportStamp(path)) : pathStamp(path);
  return file === current
    ? undefined
    : 'the resume point was taken reading another export file (its content differs from this one): continuing would skip customers of this one';
}

/**
 * `--from sfcc-export:<file>`: an SFCC customer-list export as a migration source, read as a
 * stream. A page's position is how many customers come before it; reading on from where the
 * last page ended continues the same stream (a resumed run skips to its position once). Only
 * the current page is held, and with it the page's password hashes (hashFor), so the export is
 * its own --passwords-from.
 */
export function exportSource(
  path: string,
  open: () => AsyncIterable<string | Buffer> = () => createReadStream(path),
): CustomerAdapter & PasswordHashSource {
  let stream: AsyncGenerator<ExportCustomer> | undefined;
  let index = 0;
  let page = new Map<string, { customer: Customer; hash?: string }>();
  // Taken once, at the first page: every position of this run names the file as it was then.
  let stamp: string | undefined;
  const stampOf = () => (stamp ??= exportStamp(path));

  const read = async (): Promise<ExportCustomer | undefined> => {
    try {
      const next = await stream!.next();
      return next.done ? undefined : next.value;
    } catch (error) {
      throw new GatewayError('upstream_error', `${path}: ${(error as Error).message}`);
    }
  };

  return {
    backend: EXPORT_BACKEND,
    capabilities,
    async listCustomers(query): Promise<AdapterPage<Customer>> {
      if (query.email !== undefined || query.externalRef !== undefined || query.updatedSince !== undefined) {
        throw new GatewayError('not_supported', 'an export file can only be read from start to end');
      }
      const problem = exportResumeProblem(query.position, path, stampOf());
      if (problem) throw new GatewayError('conflict', `${path}: ${problem}`);
      const at =
        typeof query.position === 'object' && query.position !== null
          ? (query.position as { at?: unknown }).at
          : query.position;
      const position = typeof at === 'number' ? at : 0;
      if (!stream || position !== index) {
        await stream?.return(undefined);
        stream = readCustomerExport(open());
        index = 0;
        while (index < position && (await read())) index++;
      }
      page = new Map();
      while (page.size < query.limit) {
        const exported = await read();
        if (!exported) break;
        index++;
        page.set(exported.customerNo, {
          customer: exportedToCanonical(exported),
          hash: exported.passwordScheme === 'scrypt' ? exported.passwordHash : undefined,
        });
      }
      const items = [...page.values()].map((p) => p.customer);
      return { items, next: items.length === query.limit ? { at: index, file: stampOf() } : null };
    },
    async getCustomer(ref) {
      const found = ref.kind === 'id' ? page.get(ref.id) : undefined;
      if (!found)
        throw new GatewayError(
          'not_found',
          `customer ${ref.kind === 'id' ? ref.id : ref.externalRef} is not on the current page of the export`,
        );
      return { value: found.customer };
    },
    hashFor: (customer) => (customer.customerNo === undefined ? undefined : page.get(customer.customerNo)?.hash),
    createCustomer: readOnly,
    updateCustomer: readOnly,
    listAddresses: readOnly,
    getAddress: readOnly,
    createAddress: readOnly,
    updateAddress: readOnly,
  };
}
