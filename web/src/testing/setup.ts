import { vi } from 'vitest';
import { whenScreenIdSettled } from '../api/screenReport';

// A page's stream waits for its screen id, which it settles among the browser's other pages over a
// BroadcastChannel a moment after it starts (api/screenClaim.ts). A test's page is the only one: without the
// channel it takes the browser's id at once, so tests render feeds and drive their streams at once.
vi.stubGlobal('BroadcastChannel', undefined);
await new Promise<void>((resolve) => whenScreenIdSettled(resolve));
vi.unstubAllGlobals();
