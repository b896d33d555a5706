/**
 * Loading the page again, unattended: for a new build (views/useReloadOnUpgrade.ts) or a chunk the browser will
 * not fetch again (components/lazyRetried.tsx). Reloads in a row wait their turn, remembered across them.
 */

/**
 * Loads the page again, at once, or after the reloads of the last half hour have waited their turn (30 s, then
 * twice as long each time, up to 10 minutes): never a loop of reloads. Returns what cancels it.
 */
export function scheduleReload(reload: () => void = reloadPage): () => void {
  const last = lastBuildReload();
  const now = Date.now();
  // A reload kept with a time ahead of now (the clock set back since) is not a recent one.
  const recent =
    last !== null && last !== 'unremembered' && last.at <= now && now - last.at < BACKOFF_RESET_MS;
  // A page that cannot remember its reloads takes each for a repeat: 30 s apart at least.
  const wait =
    last === 'unremembered'
      ? RETRY_FIRST_MS
      : recent
        ? Math.min(RETRY_MAX_MS, Math.max(0, last.at + backoffAfter(last.count) - now))
        : 0;
  const timer = setTimeout(() => {
    rememberBuildReload({ count: recent ? last.count + 1 : 1, at: Date.now() });
    reload();
  }, wait);
  return () => clearTimeout(timer);
}

let reloadScheduled = false;

/**
 * A part of the page whose code could not be loaded, and still cannot: Chromium keeps a failed import of a chunk
 * for the page's life and never asks for it again, so only loading the page again brings it. Done once the
 * server answers (a reload while it is away would leave the screen on the browser's own error page), in turn
 * with the upgrade reloads.
 */
export async function reloadWhenServerAnswers(reload: () => void = reloadPage): Promise<void> {
  if (reloadScheduled) return;
  try {
    const answer = await fetch('/healthz', { cache: 'no-store' });
    if (!answer.ok) return;
  } catch {
    return;
  }
  if (reloadScheduled) return;
  reloadScheduled = true;
  scheduleReload(reload);
}

/** The same function on every render, so an effect that depends on it runs again for nothing else. */
export function reloadPage(): void {
  window.location.reload();
}

const RETRY_FIRST_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;
/** A reload for another web build this long after the last one is a first one again. */
const BACKOFF_RESET_MS = 30 * 60_000;

/** The wait before the next reload, after `count` in a row. */
function backoffAfter(count: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (count - 1));
}

const STORAGE_KEY = 'switchboard.buildReload';
/** Where the reloads are kept when the page has no sessionStorage (a sandboxed iframe): the window's name. */
const NAME_PREFIX = 'switchboard.buildReload:';

/** The reloads for another web build in a row, and when the last was. */
interface BuildReload {
  count: number;
  at: number;
}

/**
 * The last reloads: from sessionStorage, else from the window's name (where a write to sessionStorage failed: a
 * sandboxed iframe, a full quota); null for none, or 'unremembered' where the page can keep them in neither.
 */
function lastBuildReload(): BuildReload | null | 'unremembered' {
  let stored: string | null = null;
  try {
    stored = window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Not readable: the window's name, if it may be used.
  }
  const named = window.name.startsWith(NAME_PREFIX) ? window.name.slice(NAME_PREFIX.length) : null;
  const kept = [stored, named].map(parseReload).filter((reload) => reload !== null);
  if (kept.length > 0) return kept.reduce((a, b) => (b.at > a.at ? b : a));
  return storageWritable() || mayUseName() ? null : 'unremembered';
}

function parseReload(text: string | null): BuildReload | null {
  if (text === null) return null;
  try {
    const saved = JSON.parse(text) as Partial<BuildReload>;
    return typeof saved.count === 'number' && typeof saved.at === 'number'
      ? { count: saved.count, at: saved.at }
      : null;
  } catch {
    return null;
  }
}

function rememberBuildReload(reloaded: BuildReload): void {
  const text = JSON.stringify(reloaded);
  try {
    window.sessionStorage.setItem(STORAGE_KEY, text);
    return;
  } catch {
    // Refused, or its quota full: the window's name keeps it instead.
  }
  if (mayUseName()) window.name = NAME_PREFIX + text;
}

function storageWritable(): boolean {
  try {
    window.sessionStorage.setItem(`${STORAGE_KEY}.probe`, '1');
    window.sessionStorage.removeItem(`${STORAGE_KEY}.probe`);
    return true;
  } catch {
    return false;
  }
}

/** A window its embedding page named (an iframe's name attribute) keeps its name: links may target it. */
function mayUseName(): boolean {
  return window.name === '' || window.name.startsWith(NAME_PREFIX);
}
