import { z } from '@hono/zod-openapi';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 200;

export const PageInfoSchema = z
  .object({
    limit: z.int().min(1).max(MAX_LIMIT),
    nextCursor: z.string().nullable(),
    total: z.int().min(0).optional().openapi({ description: 'Only where the backend counts cheaply (capability totalCount).' }),
  })
  .openapi('PageInfo');

export const pageSchema = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), page: PageInfoSchema }).openapi(name);

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).openapi({ example: 20 }),
  cursor: z.string().min(1).max(2048).optional().openapi({ description: 'Opaque; from page.nextCursor.' }),
});

export type PageInfo = z.infer<typeof PageInfoSchema>;
export interface Page<T> {
  items: T[];
  page: PageInfo;
}
