import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    requestId: z.string(),
    backend: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    upstream: z.object({ status: z.int().optional(), code: z.string().optional() }).optional(),
    created: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'What a multi-step write had already created when a later step failed.' }),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;
