import { createRequire } from 'node:module';
import { EnvError } from '../env.js';

/** What a statement is given: SQLite's values, by position, or one object of named values (`@name`). */
export type SqlValue = number | string | null | Uint8Array;
export type SqlParams = SqlValue[] | [Record<string, SqlValue>];

/** The calls of a prepared statement the history store makes; both drivers answer them alike. */
export interface SqlStatement<Row> {
  run(...params: SqlParams): { changes: number | bigint };
  get(...params: SqlParams): Row | undefined;
  all(...params: SqlParams): Row[];
  iterate(...params: SqlParams): IterableIterator<Row>;
}

/** The calls of a connection the history store makes. Pragmas and transactions go through `exec`. */
export interface SqlDatabase {
  prepare<Row = unknown>(sql: string): SqlStatement<Row>;
  exec(sql: string): void;
  close(): void;
}

/**
 * The two drivers: better-sqlite3, a native module built for the Node.js it was installed under, and Node's own
 * `node:sqlite` (Node 22.13 and later without a flag). better-sqlite3 comes first where it loads; `node:sqlite`
 * serves where it does not, which is a workspace installed under Node 20 and started under 22.
 */
export type DriverName = 'better-sqlite3' | 'node:sqlite';

export interface SqliteDriver {
  name: DriverName;
  /** What the writer's worker thread passes to `require` to load the same driver. */
  module: string;
  open(path: string, options?: { readonly?: boolean }): SqlDatabase;
}

interface BetterSqlite3 {
  new (path: string, options?: { readonly?: boolean }): SqlDatabase;
}
interface NodeSqlite {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => SqlDatabase;
}

const require = createRequire(import.meta.url);

function betterSqlite3(): SqliteDriver {
  const Driver = require('better-sqlite3') as BetterSqlite3;
  // The native part loads with the first database.
  new Driver(':memory:').close();
  return {
    name: 'better-sqlite3',
    module: require.resolve('better-sqlite3'),
    open: (path, options = {}) => new Driver(path, { readonly: options.readonly ?? false }),
  };
}

/**
 * Loads `node:sqlite` without the ExperimentalWarning Node 22 prints on stderr the first time (the server says
 * which driver it uses in its own log instead).
 */
export function requireNodeSqlite(): NodeSqlite {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    if (String(warning).startsWith('SQLite is an experimental feature')) return;
    emitWarning.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return require('node:sqlite') as NodeSqlite;
  } finally {
    process.emitWarning = emitWarning;
  }
}

function nodeSqlite(): SqliteDriver {
  const { DatabaseSync } = requireNodeSqlite();
  return {
    name: 'node:sqlite',
    module: 'node:sqlite',
    open: (path, options = {}) => new DatabaseSync(path, { readOnly: options.readonly ?? false }),
  };
}

const loaders: Record<DriverName, () => SqliteDriver> = {
  'better-sqlite3': betterSqlite3,
  'node:sqlite': nodeSqlite,
};

const firstLine = (error: unknown) =>
  error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);

/** Whether a driver loads on this Node.js (tests run the store on each one that does). */
export function driverLoads(name: DriverName): boolean {
  try {
    loaders[name]();
    return true;
  } catch {
    return false;
  }
}

let chosen: SqliteDriver | null = null;

/**
 * The driver named, or the first that loads. When none does, an EnvError says what to do: rebuild
 * better-sqlite3 for this Node.js, move to Node 22.13+ (whose `node:sqlite` needs nothing built), or run
 * without history.
 */
export function sqliteDriver(name?: DriverName): SqliteDriver {
  if (name) return loaders[name]();
  if (chosen) return chosen;
  const failures: string[] = [];
  for (const [driverName, load] of Object.entries(loaders)) {
    try {
      chosen = load();
      return chosen;
    } catch (error) {
      failures.push(`${driverName}: ${firstLine(error)}`);
    }
  }
  throw new EnvError(
    `The history store has no SQLite driver on Node.js ${process.versions.node} (${failures.join('; ')}). ` +
      'better-sqlite3 is built for the Node.js it was installed under: run `npx -y pnpm@12.21.0 rebuild ' +
      'better-sqlite3` with this Node.js, or use Node.js 22.13 or later (its own node:sqlite needs nothing ' +
      'built), or set HISTORY_ENABLED=false to run without history.',
  );
}
