import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Identifies this build of the server: the package version plus when this module was built. A wall compares
 * it across snapshots and reloads itself after an upgrade.
 */
function readBuild(): string {
  const here = fileURLToPath(import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `${pkg.version}+${Math.floor(statSync(here).mtimeMs).toString(36)}`;
}

export const SERVER_BUILD = readBuild();
