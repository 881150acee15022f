import { z } from '@hono/zod-openapi';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 200;

export const PageInfoSchema = z
  .object({
    limit: z.int().min(1).max(MAX_LIMIT),
    nextCursor: z.string().nullable(),
    total: z
      .int()
      .min(0)
      .optional()
      .openapi({ description: 'Only where the backend counts cheaply (capability totalCount).' }),
  })
  .openapi('PageInfo');

export const pageSchema = <T extends z.ZodType, P extends z.ZodType = typeof PageInfoSchema>(
  item: T,
  name: string,
  info: P = PageInfoSchema as unknown as P,
) => z.object({ items: z.array(item), page: info }).openapi(name);

/**
 * A query-string limit in plain decimal digits. `Number()` (z.coerce) would also take `0x10`,
 * ` 5` and `1e1`: a caller's typo should be a 400, not a page of some other size.
 */
const Limit = z
  .string()
  .regex(/^[0-9]+$/, 'must be a whole number in decimal digits')
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_LIMIT))
  .default(DEFAULT_LIMIT)
  .openapi({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, example: 20 });

export const PageQuerySchema = z.object({
  limit: Limit,
  cursor: z.string().min(1).max(2048).optional().openapi({ description: 'Opaque; from page.nextCursor.' }),
});

export type PageInfo = z.infer<typeof PageInfoSchema>;
export interface Page<T> {
  items: T[];
  page: PageInfo;
}
