/**
 * Which build of the web app a page is, by the names of the hashed files its document loads: its entry script and
 * its stylesheets (`/assets/index-BLlq0C3c.js`). The bundler names each file by its content, so two builds of the
 * same sources (replicas built apart) have the same names, and any change to the page, its styles included,
 * changes at least one. The server reads them from the `index.html` it serves, the page from its own document;
 * a wall whose own build is not the one its server serves loads the page again (web/src/views/useReloadOnUpgrade.ts).
 */

/** A file of a production build: under `assets/`, its name ending in a content hash (Vite's `name-hash.ext`). */
const HASHED_ASSET = /(?:^|\/)assets\/([\w.-]+-[\w-]{8,}\.(?:js|css))$/;

/**
 * The build named by these script and stylesheet addresses (as written in the document, absolute or not), or null
 * when none is a hashed asset: a development server's page (`/src/main.tsx`) names no build.
 */
export function webBuildOf(addresses: readonly string[]): string | null {
  const names = addresses
    .map((address) => HASHED_ASSET.exec(address.split(/[?#]/)[0] ?? '')?.[1])
    .filter((name): name is string => name !== undefined);
  return names.length === 0 ? null : [...new Set(names)].sort().join(' ');
}

/** The addresses of the module scripts and stylesheets an HTML document loads, in its text. */
export function loadedAddresses(html: string): string[] {
  const addresses: string[] = [];
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/gi) ?? []) {
    const attribute = (name: string) =>
      new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
        .exec(tag)
        ?.slice(1)
        .find(Boolean);
    if (/^<script/i.test(tag)) {
      const src = attribute('src');
      if (src && attribute('type') === 'module') addresses.push(src);
    } else if (attribute('rel')?.toLowerCase() === 'stylesheet') {
      const href = attribute('href');
      if (href) addresses.push(href);
    }
  }
  return addresses;
}
