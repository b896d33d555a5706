// Preloaded by a test into a server process: SIGUSR2 makes a promise rejection nobody handles, as a bug would.
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('a failure nobody handled'));
});
