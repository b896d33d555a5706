import { fileURLToPath } from 'node:url';

/**
 * Distinctive fake AWS credentials the suite's server runs with, through the SDK's default provider chain. If any
 * of these strings shows up in a response, a header, a log line or the web bundle, a secret has leaked.
 */
export const FAKE_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAE2ELEAKCHECK000X',
  AWS_SECRET_ACCESS_KEY: 'e2e/leak+Check/Secret0000000000000000000',
  AWS_SESSION_TOKEN: 'E2ELeakCheckSessionToken/c3dpdGNoYm9hcmQ',
} as const;

/** Every response the browsers of the suite saw, one JSON line each, a file per test. */
export const TRAFFIC_DIR = fileURLToPath(new URL('../.traffic', import.meta.url));
/** What the suite's server wrote to stdout and stderr. */
export const SERVER_LOG = fileURLToPath(new URL('../.traffic/server.log', import.meta.url));
