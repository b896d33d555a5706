import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { invocationDir } from '../env.js';
import { hashToken, newToken, parseTokenFile, tokenEntrySchema, type TokenEntry } from './tokens.js';

/**
 * Manages the display-token file: `tokens create --id lobby-tv [--role supervisor] [--board sales]`,
 * `tokens revoke --id lobby-tv`, `tokens list`. The token is printed once; only its hash is stored. The script is
 * `tokens`, not `token`: pnpm has a built-in `token` command that takes precedence over a script of that name.
 */
const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    file: { type: 'string', default: 'display-tokens.yaml' },
    id: { type: 'string' },
    role: { type: 'string', default: 'display' },
    name: { type: 'string' },
    board: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

// pnpm runs the script in server/ (--filter); a relative --file means the directory the command was typed in.
const file = resolve(invocationDir(), values.file);
const entries: TokenEntry[] = existsSync(file) ? parseTokenFile(readFileSync(file, 'utf8'), file) : [];
const save = () => {
  // The mode given to writeFileSync applies only to a new file: one that exists with wider permissions is
  // narrowed first, before the new hash is written into it.
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, stringify({ tokens: entries }), { mode: 0o600 });
};

switch (command) {
  case 'create': {
    if (!values.id) fail('tokens create needs --id, e.g. --id lobby-tv');
    if (entries.some((e) => e.id === values.id))
      fail(`A token with id ${values.id} exists; revoke it or pick another id.`);
    const token = newToken();
    const parsed = tokenEntrySchema.safeParse({
      id: values.id,
      role: values.role,
      sha256: hashToken(token),
      ...(values.name ? { name: values.name } : {}),
      ...(values.board ? { board: values.board } : {}),
    });
    if (!parsed.success)
      fail(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
    entries.push(parsed.data);
    save();
    console.log(
      `Token for ${values.id} (${parsed.data.role}), shown once; open the wallboard with ?token=${token}`,
    );
    break;
  }
  case 'revoke': {
    const entry = entries.find((e) => e.id === values.id);
    if (!entry) fail(`No token with id ${String(values.id)} in ${file}.`);
    entry.revoked = true;
    save();
    console.log(`Revoked ${entry.id}; screens using it lose access within seconds.`);
    break;
  }
  case 'list':
    for (const e of entries)
      console.log(`${e.id}\t${e.role}\t${e.board ?? '-'}\t${e.revoked ? 'revoked' : 'active'}`);
    break;
  default:
    fail(
      'Usage: tokens create --id <id> [--role display|supervisor] [--name <name>] [--board <board>] [--file <path>]\n       tokens revoke --id <id> [--file <path>]\n       tokens list [--file <path>]',
    );
}
