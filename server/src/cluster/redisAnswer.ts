/**
 * Redis's answer to a command, or a failure after `limitMs`: with no offline queue and no command timeout, a Redis
 * that takes the connection and answers nothing would otherwise hold the caller for ever. After a busy spell of
 * the event loop the timer and the reply are both due: the deferral lets the reply, read in the poll phase, win,
 * so a stall alone does not count as Redis failing to answer. A late answer's failure is let go.
 */
export async function redisAnswer<T>(answer: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => setImmediate(() => reject(new Error('redis timeout'))), limitMs);
    timer.unref();
  });
  answer.catch(() => undefined);
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
