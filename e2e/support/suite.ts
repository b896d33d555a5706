/**
 * Where the suite's shared servers run: a standalone Connect simulator, and the wallboard pointed at it as at a
 * real instance (CONNECT_INSTANCE_ID, CONNECT_ENDPOINT and credentials from the SDK's default chain).
 */
export const port = Number(process.env.E2E_PORT ?? 18765);
export const baseURL = `http://127.0.0.1:${port}`;
export const simulatorPort = port + 1;
/** The simulator's own endpoint, with its fault controls at /_sim/faults. */
export const simulatorURL = `http://127.0.0.1:${simulatorPort}`;
export const simulatorInstanceId = '0e2e0000-5b0a-4d00-9000-00000000e2e0';
