import { z } from 'zod';
import type { ResumePoint } from './types.js';

const ResumePointSchema = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  since: z.string().optional(),
  dryRun: z.boolean(),
  position: z.unknown(),
  skip: z.int().min(0),
  done: z.int().min(0),
});

/** The --resume file's content → a resume point; a message naming what is wrong otherwise. */
export function parseResumePoint(text: string): ResumePoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('is not JSON');
  }
  const parsed = ResumePointSchema.safeParse(json);
  if (!parsed.success) throw new Error(`is not a migration resume point (${parsed.error.issues.map((i) => i.path.join('.') || 'root').join(', ')})`);
  return { ...parsed.data, position: parsed.data.position ?? null };
}

export const resumePointJson = (point: ResumePoint): string => `${JSON.stringify(point, null, 2)}\n`;
