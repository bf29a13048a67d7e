// A throw-away PostgreSQL cluster on 127.0.0.1 for the tests: Debian's
// postgresql package (initdb, pg_ctl) in a temp folder, trust auth, stopped
// and removed afterwards. initdb refuses to run as root, so under root the
// server runs as the `postgres` user the package creates.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the server binaries are, or why there is no server to start. */
export function findPostgres(): { bin: string } | { missing: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) return { missing: 'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)' };
  if (!existsSync('/usr/bin/psql') && !existsSync(join(root, versions[0]!, 'bin', 'psql'))) return { missing: 'psql not found' };
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return { missing: 'running as root and there is no postgres user to run the server as' };
    }
  }
  return { bin: join(root, versions[0]!, 'bin') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A running cluster: `sql(text)` runs statements, `rows(query)` returns the result as records of strings (NULL as null). */
export interface PgServer {
  sql(text: string): void;
  rows(query: string): Record<string, string | null>[];
  stop(): void;
}

export async function startPostgres(bin: string): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'marksman-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres', dir]);
  }
  const run = (cmd: string, args: string[]) => execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe', cwd: dir });
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c TimeZone=UTC`, 'start']);
  const psql = (args: string[], input?: string) =>
    execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-X', '-q', ...args], {
      encoding: 'utf8',
      input,
      maxBuffer: 1 << 28,
    });
  return {
    sql: (text) => void psql(['-f', '-'], text),
    rows: (query) => parseCsv(psql(['-c', `COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE *)`])),
    stop: () => {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** RFC 4180 rows; with FORCE_QUOTE every value is quoted, so an unquoted empty field is NULL. */
function parseCsv(text: string): Record<string, string | null>[] {
  const records: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        v += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          v += '"';
          i++;
        } else break;
      }
      value = v;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(value);
    if (text[i] === ',') i++;
    else {
      records.push(row);
      row = [];
      i++;
    }
  }
  const [header, ...body] = records;
  return body.map((r) => Object.fromEntries(header!.map((h, k) => [h ?? '', r[k] ?? null])));
}
