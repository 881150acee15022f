/**
 * The lengths SCAYLE's Admin API takes for what this adapter writes (the payload types of its SDK,
 * which the emulator enforces the same way), and its password minimum. The adapter checks input
 * against this table before anything is sent: a registration is several calls (the customer, its
 * password, its addresses), and a value refused by a later one would leave the customer half made.
 * Maximums are counted in UTF-16 units, which is never fewer than characters (and the minimum
 * below in characters): nothing passes that either count refuses.
 */
export const SCAYLE_LIMITS = {
  customer: { email: 255, firstName: 255, lastName: 255, title: 255, phone: 50, referenceKey: 255 },
  group: 255,
  address: {
    referenceKey: 255,
    street: 255,
    houseNumber: 50,
    additional: 255,
    zipCode: 20,
    city: 255,
    state: 255,
    phone: 50,
  },
  recipient: { firstName: 255, lastName: 255, title: 30 },
  collectionPoint: { key: 255, type: 255, description: 255, customerKey: 255 },
  /** SCAYLE refuses shorter plain-text passwords (hashingType internal). */
  passwordMin: 8,
} as const;

export const SHORT_PASSWORD = `SCAYLE takes passwords of at least ${SCAYLE_LIMITS.passwordMin} characters`;
/** Counted in characters, which is never more than UTF-16 units: nothing passes that either count refuses. */
export const isShortPassword = (password: string) => [...password].length < SCAYLE_LIMITS.passwordMin;
