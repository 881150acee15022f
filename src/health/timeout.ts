/**
 * `work`'s result, or `'timeout'` when `ms` pass first; a rejection of `work` passes through. The
 * timer is cleared either way; `unref` lets the process end while it runs (Node only).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, { unref = false } = {}): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    if (unref) timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
