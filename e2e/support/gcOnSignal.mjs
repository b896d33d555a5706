// Loaded into a test's own server process (node --expose-gc --import) by tests that measure its memory: on SIGUSR2
// it collects garbage fully and prints the memory left, one line, so a test compares like with like. Production
// processes never load it.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`memory-after-gc ${JSON.stringify({ heapUsed, rss })}\n`);
});
