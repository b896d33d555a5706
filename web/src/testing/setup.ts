import { whenScreenIdSettled } from '../api/screenReport';

// A page's stream waits for its tab's screen id, a moment after the page starts (api/screenClaim.ts); tests render
// feeds and drive their streams at once, as a page does once its id is known.
await new Promise<void>((resolve) => whenScreenIdSettled(resolve));
