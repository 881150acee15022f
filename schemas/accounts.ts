import { z } from '@hono/zod-openapi';
import { AddressSchema } from './address.js';
import { DateTime } from './common.js';
import { CustomerSchema, Email, Password } from './customer.js';

/** The shopper's password, proving a sensitive change (an email change, erasing the account). */
export const CurrentPassword = Password.openapi({
  format: 'password',
  description: 'The current password: checked by the platform before the change.',
});

export const PasswordResetRequestSchema = z.strictObject({ email: Email }).openapi('PasswordResetRequest');

export const PasswordResetAcceptedSchema = z
  .object({
    status: z.literal('accepted'),
    detail: z.string().openapi({
      example: 'If an account with this email exists, a password reset token is on its way to it.',
    }),
  })
  .openapi('PasswordResetAccepted');

export const PasswordResetConfirmSchema = z
  .strictObject({
    token: z.string().min(1).max(256).openapi({ description: 'The token the reset request sent to the shopper.' }),
    password: Password,
  })
  .openapi('PasswordResetConfirm');

export const EraseMeSchema = z.strictObject({ currentPassword: CurrentPassword }).openapi('EraseMe');

export const EraseCustomerSchema = z
  .strictObject({
    reference: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Your data-subject request's reference, written to the report and the log line." }),
  })
  .openapi('EraseCustomer');

export const ErasureStepSchema = z
  .object({
    where: z.string().openapi({ description: '`platform`, or the part of the gateway that held the data.' }),
    what: z.string(),
    outcome: z.enum(['deleted', 'anonymized', 'erased', 'nothing held', 'not found', 'failed']),
    count: z.int().min(0).optional().openapi({ description: 'How many records, where they are counted.' }),
    detail: z.string().optional(),
  })
  .openapi('ErasureStep');

export const ErasureReportSchema = z
  .object({
    backend: z.string(),
    customerId: z.string(),
    erasedAt: DateTime,
    reference: z.string().optional(),
    steps: z.array(ErasureStepSchema),
    notReached: z
      .array(z.string())
      .openapi({ description: 'Copies of the data this erasure cannot reach (see docs/accounts.md).' }),
  })
  .openapi('ErasureReport');

export const ExportedSessionSchema = z
  .object({
    startedAt: DateTime,
    lastUsedAt: DateTime.openapi({
      description: 'The last sign-in or token refresh (an active session refreshes at least every 15 minutes).',
    }),
    current: z.boolean().optional().openapi({ description: 'The session this export was asked from.' }),
  })
  .openapi('ExportedSession');

export const ExportedEventSchema = z
  .object({ id: z.string(), type: z.string(), time: DateTime, data: z.record(z.string(), z.unknown()) })
  .openapi('ExportedEvent');

export const CustomerExportSchema = z
  .object({
    format: z.literal('customer-gateway.export/v1'),
    exportedAt: DateTime,
    backend: z.string(),
    customer: CustomerSchema.omit({ addresses: true }),
    addresses: z.array(AddressSchema),
    sessions: z.array(ExportedSessionSchema).openapi({ description: 'Shopper sessions still alive; never tokens.' }),
    events: z
      .array(ExportedEventSchema)
      .openapi({ description: 'Events about the customer the gateway still holds for delivery.' }),
  })
  .openapi('CustomerExport');

export type ErasureStepReport = z.infer<typeof ErasureStepSchema>;
export type ErasureReport = z.infer<typeof ErasureReportSchema>;
export type CustomerExport = z.infer<typeof CustomerExportSchema>;
export type ExportedSession = z.infer<typeof ExportedSessionSchema>;
export type ExportedEvent = z.infer<typeof ExportedEventSchema>;
