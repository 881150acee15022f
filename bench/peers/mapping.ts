/**
 * What a team writes by hand for its own BFF: the same SCAYLE → canonical field mapping as the
 * gateway's SCAYLE adapter (adapters/scayle/map.ts), without schemas, ETags or logs. Both peers
 * use it, and bench/compare.ts checks their answers equal the gateway's before measuring.
 */
import countries from 'i18n-iso-countries';

type Json = Record<string, any>;

const GENDER: Record<string, string> = { m: 'male', f: 'female', d: 'diverse', n: 'unspecified' };
const GENDER_BACK: Record<string, string> = { male: 'm', female: 'f', diverse: 'd', unspecified: 'n' };
const NUMBER_FIRST = new Set(['US', 'CA', 'GB', 'IE', 'FR', 'AU', 'NZ', 'LU', 'MC']);

const compact = (value: Json): Json => {
  for (const key of Object.keys(value)) if (value[key] === undefined || value[key] === null) delete value[key];
  return value;
};

function toAddress(a: Json): Json {
  const countryCode = a.countryCode.length === 2 ? a.countryCode : countries.alpha3ToAlpha2(a.countryCode);
  const r = a.recipient ?? {};
  const cp = a.collectionPoint;
  return compact({
    id: String(a.id),
    externalRef: a.referenceKey,
    firstName: r.firstName,
    lastName: r.lastName,
    title: r.title,
    line1: !a.houseNumber
      ? a.street
      : NUMBER_FIRST.has(countryCode)
        ? `${a.houseNumber} ${a.street}`
        : `${a.street} ${a.houseNumber}`,
    line2: a.additional,
    street: a.street,
    houseNumber: a.houseNumber,
    city: a.city,
    postalCode: a.zipCode,
    stateCode: a.state,
    countryCode,
    phone: a.phone,
    isDefaultBilling: a.isDefault?.billing === true,
    isDefaultShipping: a.isDefault?.shipping === true,
    collectionPoint: cp
      ? compact({ key: cp.key, type: cp.type, description: cp.description, customerKey: cp.customerKey })
      : undefined,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  });
}

export function toCustomer(c: Json, withAddresses: boolean): Json {
  const groups: string[] =
    typeof c.groups === 'string'
      ? c.groups
          .split(',')
          .map((g: string) => g.trim())
          .filter(Boolean)
      : (c.groups ?? []);
  const custom =
    c.legacyCustomData && !Array.isArray(c.legacyCustomData) && Object.keys(c.legacyCustomData).length > 0
      ? c.legacyCustomData
      : undefined;
  return compact({
    id: String(c.id),
    customerNo: c.publicKey,
    externalRef: c.referenceKey,
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    title: c.title,
    gender: c.gender ? GENDER[c.gender] : undefined,
    birthDate: c.birthDate,
    companyName: c.company?.name,
    phones: c.phone ? { primary: c.phone } : undefined,
    status: { active: c.status?.isActive ?? true, guest: c.status?.isGuestCustomer ?? false },
    groups: groups.length ? groups : undefined,
    hasPassword: c.hasPassword,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    custom,
    addresses: withAddresses ? (c.addresses ?? []).map(toAddress) : undefined,
  });
}

/** The register body SCAYLE takes; undefined when the input is not even an object with an email. */
export function toScayleCreate(input: Json): Json | undefined {
  if (!input || typeof input.email !== 'string' || !input.email.includes('@')) return undefined;
  return compact({
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    title: input.title,
    gender: input.gender ? GENDER_BACK[input.gender] : undefined,
    birthDate: input.birthDate,
    phone: input.phones?.primary,
    referenceKey: input.externalRef,
    groups: input.groups,
    legacyCustomData: input.custom,
  });
}

/** Where a peer finds the upstream: the same variables the gateway reads. */
export function upstreamConfig(env: NodeJS.ProcessEnv) {
  const baseUrl = env.SCAYLE_BASE_URL ?? '';
  const root = `/shops/${env.SCAYLE_SHOP_KEY}/countries/${env.SCAYLE_COUNTRY_CODE}/customers`;
  return { baseUrl, root, token: env.SCAYLE_ACCESS_TOKEN ?? '', port: Number(env.PORT ?? 0) };
}
