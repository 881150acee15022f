import countries from 'i18n-iso-countries';
import type { Gender } from '../../schemas/index.js';
import { GatewayError } from '../errors.js';
import { BACKEND } from './errors.js';

/** The small value conversions between canonical fields and SCAYLE's: gender, country codes, timestamps. */

const GENDER_TO_SCAYLE: Record<Gender, 'm' | 'f' | 'd' | 'n'> = {
  male: 'm',
  female: 'f',
  diverse: 'd',
  unspecified: 'n',
};
const GENDER_FROM_SCAYLE: Record<string, Gender> = { m: 'male', f: 'female', d: 'diverse', n: 'unspecified' };

export const toScayleGender = (gender: Gender): 'm' | 'f' | 'd' | 'n' => GENDER_TO_SCAYLE[gender];
export const fromScayleGender = (gender: string | null | undefined): Gender | undefined =>
  gender ? GENDER_FROM_SCAYLE[gender] : undefined;

/** Canonical alpha-2 → SCAYLE's alpha-3. The canonical schema has already checked the code. */
export function toAlpha3(alpha2: string): string {
  const alpha3 = countries.alpha2ToAlpha3(alpha2);
  if (!alpha3)
    throw new GatewayError('validation_failed', `countryCode ${alpha2} has no ISO alpha-3 form`, {
      errors: [{ path: 'countryCode', message: 'unknown country' }],
    });
  return alpha3;
}

/** SCAYLE's alpha-3 (tolerating alpha-2) → canonical alpha-2; anything else breaks SCAYLE's contract. */
export function toAlpha2(code: string): string {
  const upper = code.toUpperCase();
  const alpha2 = upper.length === 2 && countries.isValid(upper) ? upper : countries.alpha3ToAlpha2(upper);
  if (!alpha2)
    throw new GatewayError('upstream_contract_violation', `${BACKEND} sent an address with an unknown country code`);
  return alpha2;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** SCAYLE sends `2018-01-22T11:30:15+00:00`; a zone-less stamp is taken as UTC. */
export function toTimestamp(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  if (ISO_WITH_OFFSET.test(value)) return value;
  const zoneless = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value);
  if (zoneless) return `${zoneless[1]}T${zoneless[2]}Z`;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);
