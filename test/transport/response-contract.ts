/**
 * The Response contract as a table: sequences of operations run on a Response, each step's outcome
 * (its value, or the class of the error it threw) and `bodyUsed` after it. Run on a platform
 * Response and on ours side by side, the two lists must be equal.
 */

/** An operation on the response, or (`clone.`…) on the clone the last `clone` step made. */
type Operation =
  | 'text'
  | 'json'
  | 'arrayBuffer'
  | 'bytes'
  | 'blob'
  | 'formData'
  | 'body'
  | 'same body'
  | 'read a chunk'
  | 'cancel'
  | 'clone'
  | 'text, not awaited';
export type Step = Operation | `clone.${Operation}`;

export const SEQUENCES: Record<string, Step[]> = {
  text: ['text'],
  'text twice': ['text', 'text'],
  json: ['json'],
  'arrayBuffer then text': ['arrayBuffer', 'text'],
  'bytes then json': ['bytes', 'json'],
  blob: ['blob'],
  formData: ['formData'],
  'body then text': ['body', 'text'],
  'body twice is one stream': ['body', 'same body'],
  'text then body': ['text', 'body', 'text'],
  'a chunk from the stream, then text': ['read a chunk', 'text'],
  'stream cancelled, then text': ['cancel', 'text'],
  'clone then both': ['clone', 'text', 'clone.text'],
  'clone then both, the clone first': ['clone', 'clone.json', 'json'],
  'body, clone, then both': ['body', 'clone', 'clone.arrayBuffer', 'text'],
  'a clone read through its stream': ['clone', 'clone.read a chunk', 'clone.text', 'text'],
  'text then clone': ['text', 'clone'],
  'clone while text is being read': ['text, not awaited', 'clone', 'text'],
  'blob then formData': ['blob', 'formData'],
};

/** What a step gave: a comparable value, or the class of its error. */
async function outcome(run: () => unknown): Promise<string> {
  try {
    return `= ${JSON.stringify(await describe(await run()))}`;
  } catch (error) {
    return `threw ${(error as Error).constructor.name}`;
  }
}

async function describe(value: unknown): Promise<unknown> {
  if (value instanceof ArrayBuffer) return { arrayBuffer: new TextDecoder().decode(value) };
  if (value instanceof Uint8Array) return { bytes: new TextDecoder().decode(value) };
  if (value instanceof Blob) return { blob: await value.text(), type: value.type };
  if (value instanceof FormData) return { formData: [...value.entries()] };
  if (value instanceof ReadableStream) return { stream: true, locked: value.locked };
  if (value instanceof Response) return { response: value.status };
  return value ?? null;
}

/** Runs `steps` on `response` and says what each gave and whether the body counted as used after it. */
export async function runSequence(response: Response, steps: Step[]): Promise<string[]> {
  let clone: Response | undefined;
  let firstBody: ReadableStream | null | undefined;
  const results: string[] = [];
  for (const step of steps) {
    const onClone = step.startsWith('clone.');
    const target = onClone ? clone! : response;
    const operation = (onClone ? step.slice('clone.'.length) : step) as Operation;
    const result = await outcome(async () => {
      switch (operation) {
        case 'body':
          firstBody = target.body;
          return target.body;
        case 'same body':
          return target.body === firstBody;
        case 'read a chunk': {
          const reader = target.body!.getReader();
          const { value, done } = await reader.read();
          reader.releaseLock();
          return { done, chunk: value ? new TextDecoder().decode(value) : null };
        }
        case 'cancel':
          return target.body!.cancel();
        case 'clone':
          clone = target.clone();
          return clone;
        case 'text, not awaited':
          void target.text().catch(() => {});
          return 'started';
        default:
          return target[operation]();
      }
    });
    results.push(`${step} ${result}; bodyUsed ${target.bodyUsed}`);
  }
  return results;
}

/** Every sequence on a fresh response from `make`: { sequence: outcomes }. */
export async function runAll(make: () => Promise<Response> | Response): Promise<Record<string, string[]>> {
  const all: Record<string, string[]> = {};
  for (const [name, steps] of Object.entries(SEQUENCES)) all[name] = await runSequence(await make(), steps);
  return all;
}

/** What a Response says about itself besides its body. */
export function fields(response: Response) {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: [...response.headers],
    bodyUsed: response.bodyUsed,
  };
}
