import { z } from 'zod';

/**
 * Imported first by the web app, before any schema is made. The page's Content-Security-Policy allows no eval,
 * and zod, unless told otherwise, probes for it (`new Function`) as it makes its first schema: the browser
 * reports every such probe as a violation (`securitypolicyviolation`, and a line in the console), on every page
 * load. Told not to compile, zod checks every value as it already does under that policy, without the probe.
 */
z.config({ jitless: true });
