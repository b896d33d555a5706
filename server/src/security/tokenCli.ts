import {
  chmodSync,
  existsSync,
  fchownSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { parseConfig } from '../config/load.js';
import { invocationDir, parseEnv } from '../env.js';
import { temporaryBeside, writeNewFileSync } from './writeWhole.js';
import {
  hashToken,
  newToken,
  parseTokenFile,
  tokenBoards,
  tokenEntrySchema,
  type TokenEntry,
} from './tokens.js';

/**
 * Manages the display-token file: `tokens create --id lobby-tv [--role supervisor] [--board sales]
 * [--boards sales,lobby]`, `tokens revoke --id lobby-tv`, `tokens list`. The token is printed once; only its hash is stored. The script is
 * `tokens`, not `token`: pnpm has a built-in `token` command that takes precedence over a script of that name.
 */
const USAGE =
  'Usage: tokens create --id <id> [--role display|supervisor] [--name <name>] [--board <board>] [--boards <board>,<board>] [--file <path>]\n' +
  '       tokens revoke --id <id> [--file <path>]\n' +
  '       tokens list [--file <path>]\n' +
  '--board is the board a screen opens on (and, alone, the one board it may read); --boards lists the boards the\n' +
  'token may read. Without either, the token reads every board.';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
// Asked how it is used: the usage, and success.
if (
  command === undefined ||
  ['help', '--help', '-h'].includes(command) ||
  rest.some((a) => a === '--help' || a === '-h')
) {
  if (command === undefined) fail(USAGE);
  console.log(USAGE);
  process.exit(0);
}

/**
 * The boards of the configuration WALLBOARD_CONFIG names, where it is set here as the server has it, to warn of a
 * token for a board it does not have; null where it is not set (the command is often run without the server's
 * environment) or cannot be read (the server will say why when it starts).
 */
function configuredBoards(): { from: string; ids: string[] } | null {
  try {
    const path = parseEnv().WALLBOARD_CONFIG;
    if (!path) return null;
    return { from: path, ids: parseConfig(readFileSync(path, 'utf8'), path).boards.map((b) => b.id) };
  } catch {
    return null;
  }
}
const values = (() => {
  try {
    return parseArgs({
      args: rest,
      options: {
        file: { type: 'string', default: 'display-tokens.yaml' },
        id: { type: 'string' },
        role: { type: 'string', default: 'display' },
        name: { type: 'string' },
        board: { type: 'string' },
        boards: { type: 'string' },
      },
    }).values;
  } catch (error) {
    // An unknown flag, a flag without its value, or a stray word: say which, and how the command is used.
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();

/** A flag given as an empty string is a mistake, not "unset". */
function given(flag: 'id' | 'name' | 'board', example: string): string | undefined {
  const value = values[flag];
  if (value === undefined) return undefined;
  if (value.trim() === '') fail(`--${flag} must not be empty: give it a value, e.g. --${flag} ${example}`);
  return value.trim();
}

/** `--boards a,b`: ids separated by commas, none of them empty. */
function boardList(): string[] | undefined {
  if (values.boards === undefined) return undefined;
  const ids = values.boards.split(',').map((id) => id.trim());
  if (ids.some((id) => id === ''))
    fail(
      `--boards must be board ids separated by commas, none empty (got "${values.boards}"), e.g. --boards sales-floor,lobby`,
    );
  return [...new Set(ids)];
}

// pnpm runs the script in server/ (--filter); a relative --file means the directory the command was typed in.
const file = resolve(invocationDir(), values.file);
const entries: TokenEntry[] = existsSync(file) ? parseTokenFile(readFileSync(file, 'utf8'), file) : [];
const save = () => {
  // Written whole to a temporary file (mode 0600 from the start), flushed, then renamed over the file: a full
  // disk or a crash half way leaves the file as it was, rather than cut short (a running server would read
  // that as fewer tokens, or refuse to start on it).
  // A link is followed to the file it names, which keeps its owner (the server's user, the command run by root).
  const target = existsSync(file) ? realpathSync(file) : file;
  const owner = existsSync(target) ? statSync(target) : null;
  const temporary = temporaryBeside(target);
  const text = stringify({ tokens: entries });
  const cannotWrite = (error: unknown) =>
    fail(`Cannot write ${file} (${(error as Error).message}); it is left as it was.`);
  try {
    writeNewFileSync(temporary, text, (fd) => {
      if (owner && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.()))
        fchownSync(fd, owner.uid, owner.gid);
    });
  } catch (error) {
    // Refused as it is made (writing, flushing or giving it an owner fail otherwise): a directory this user may
    // not add to, around a file it may write. Written in place, as before.
    if ((error as NodeJS.ErrnoException).code !== 'EACCES') return cannotWrite(error);
    if (owner) chmodSync(target, 0o600);
    writeFileSync(target, text, { mode: 0o600 });
    return;
  }
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    cannotWrite(error);
  }
};

switch (command) {
  case 'create': {
    const id = given('id', 'lobby-tv');
    if (!id) fail('tokens create needs --id, e.g. --id lobby-tv');
    const taken = entries.find((e) => e.id === id);
    // A revoked entry keeps its id (its screen's history and name go by it): revoking does not free an id.
    if (taken?.revoked)
      fail(`A token with id ${id} exists, revoked: pick another id, or delete its entry from ${file} first.`);
    if (taken)
      fail(
        `A token with id ${id} exists: pick another id, or revoke it and delete its entry from ${file} to reuse it.`,
      );
    if (values.role !== 'display' && values.role !== 'supervisor')
      fail(`--role must be display or supervisor, not "${values.role}"`);
    const name = given('name', '"Dana Scully"');
    const board = given('board', 'sales-floor');
    const boards = boardList();
    const token = newToken();
    const parsed = tokenEntrySchema.safeParse({
      id,
      role: values.role,
      sha256: hashToken(token),
      ...(name ? { name } : {}),
      ...(board ? { board } : {}),
      ...(boards ? { boards } : {}),
    });
    if (!parsed.success)
      fail(
        parsed.error.issues
          .map((i) => {
            const [flag, index] = i.path;
            const value = flag === 'boards' && typeof index === 'number' ? ` "${boards?.[index]}"` : '';
            return `--${String(flag)}${value}: ${i.message}`;
          })
          .join('\n'),
      );
    entries.push(parsed.data);
    save();
    const scope = tokenBoards(parsed.data);
    const configured = configuredBoards();
    const missing = configured ? (scope ?? []).filter((b) => !configured.ids.includes(b)) : [];
    if (configured && missing.length > 0)
      console.error(
        `Warning: ${missing.join(', ')} ${missing.length === 1 ? 'is not a board' : 'are not boards'} of ${configured.from}` +
          `, whose boards are ${configured.ids.join(', ')}: a screen on this token is refused until ${missing.length === 1 ? 'it is' : 'they are'} added there. ` +
          'The token is made.',
      );
    console.log(
      `Token for ${id} (${parsed.data.role}, ${scope ? `reads ${scope.join(', ')} only` : 'reads every board'}), shown once; open the wallboard with ?token=${token}`,
    );
    break;
  }
  case 'revoke': {
    if (!given('id', 'lobby-tv')) fail('tokens revoke needs --id, e.g. --id lobby-tv');
    const entry = entries.find((e) => e.id === values.id);
    if (!entry) fail(`No token with id ${String(values.id)} in ${file}.`);
    if (entry.revoked) {
      console.log(`${entry.id} was revoked already; nothing changed.`);
      break;
    }
    entry.revoked = true;
    save();
    console.log(`Revoked ${entry.id}; screens using it lose access within seconds.`);
    break;
  }
  case 'list':
    for (const e of entries)
      console.log(
        `${e.id}\t${e.role}\t${tokenBoards(e)?.join(',') ?? 'all boards'}\t${e.revoked ? 'revoked' : 'active'}`,
      );
    break;
  default:
    fail(USAGE);
}
