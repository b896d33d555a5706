/** A benchmark's whole-number setting from the environment, or `fallback` when unset; anything else is refused by name. */
export function setting(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(
      `${name} must be a whole number of at least 1 (it is "${text}"); leave it unset for ${fallback}`,
    );
  return value;
}
