import { generateKeyPairSync } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeControl, escapeControlInLines } from '../src/output/escape-control.js';
import { formatTable } from '../src/output/format-table.js';
import { redactOutput } from '../src/output/redact.js';
import { runQixflow } from './support/run-qixflow.js';
import { DEMO, startTestSimulator, type TestSimulator } from './support/test-simulator.js';

const EVIL_ID = '0c9d8e7f-1a2b-4c3d-8e4f-5a6b7c8d9e0f';
const EVIL_NAME = 'Sales\u001b]0;pwned\u0007\u001b[2J\nfake line';

let t: TestSimulator;
let work: string;

beforeAll(async () => {
  t = await startTestSimulator({
    site: {
      name: 'hostile names',
      apps: [{ id: EVIL_ID, name: EVIL_NAME, owner: { userDirectory: 'DEMO', userId: 'demo' } }],
    },
  });
  work = await mkdtemp(join(tmpdir(), 'qixflow-cli-hostile-'));
});
afterAll(async () => {
  await t?.close();
  await rm(work, { recursive: true, force: true });
});

describe('control characters in server-provided names', () => {
  it('shows them escaped in tables and lines, never raw', async () => {
    const { code, stdout, stderr } = await runQixflow(['apps', ...t.flags(DEMO)]);
    expect(stderr).not.toContain('\u001b');
    expect(code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may be printed.
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(stdout).toContain('Sales\\u001b]0;pwned\\u0007\\u001b[2J\\u000afake line');
    expect(stdout).not.toMatch(/^fake line/m);
  });

  it('keeps --json valid JSON with the name as the server sent it', async () => {
    const { code, stdout } = await runQixflow(['apps', '--json', ...t.flags(DEMO)]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\u001b');
    const apps = JSON.parse(stdout) as { id: string; name: string }[];
    expect(apps.find((a) => a.id === EVIL_ID)?.name).toBe(EVIL_NAME);
  });

  it('escapes with one helper: every control character in a value, layout kept in whole lines', () => {
    expect(escapeControl('a\u001b[31mb\tc\nd\u009be\u202ef')).toBe('a\\u001b[31mb\\u0009c\\u000ad\\u009be\\u202ef');
    expect(escapeControlInLines('one\ttwo\nthree\u001b[2J\r')).toBe('one\ttwo\nthree\\u001b[2J\\u000d');
    expect(formatTable(['NAME', 'ID'], [['x\u001by', '1']])).toEqual(['NAME      ID', 'x\\u001by  1']);
  });
});

describe('session budget state file', () => {
  it('stops with exit 2 and ERR_BUDGET_STATE_CORRUPT on a corrupt file, naming the file and the flag', async () => {
    const file = join(work, 'budget-corrupt.json');
    await writeFile(file, '{"version":1,"keys":{"x":[1,');
    const { code, stdout, stderr } = await runQixflow(['login', ...t.flags(), '--budget-state-file', file]);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `error ERR_BUDGET_STATE_CORRUPT: The session budget state file ${file} is corrupt (not JSON)`,
    );
    expect(stderr).toContain('fix: ');
    expect(stderr).toContain('--reset-budget-state');
    expect(code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"keys":{"x":[1,');
  });

  it('starts the file afresh with --reset-budget-state', async () => {
    const file = join(work, 'budget-reset.json');
    await writeFile(file, 'garbage');
    const { code, stderr } = await runQixflow([
      'login',
      ...t.flags(),
      '--budget-state-file',
      file,
      '--reset-budget-state',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const state = JSON.parse(await readFile(file, 'utf8')) as { version: number; keys: Record<string, number[]> };
    expect(state.version).toBe(1);
    expect(Object.values(state.keys).flat()).toHaveLength(1);
  });
});

describe('lineage resume state', () => {
  it('says on stderr that a corrupt state file is dropped before extracting again', async () => {
    const out = join(work, 'lineage');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'lineage-state.json'), '{"version":1,"host":"x","apps":');
    const { code, stderr } = await runQixflow(['lineage', '--all', '--out', out, ...t.flags()]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      `warning: the lineage state ${join(out, 'lineage-state.json')} is not JSON: every app is extracted again`,
    );
    // The progress lines name the app: escaped too.
    expect(stderr).not.toContain('\u001b');
    expect(stderr).toContain('Sales\\u001b]0;pwned\\u0007\\u001b[2J\\u000afake line');
  });
});

describe('a proxy that echoes the CSRF token and the cookie in its refusal', () => {
  const TOKEN = 'csrf-7f3a9c1e5b2d4f60';
  const COOKIE = 'c00k1e-9e8d7c6b5a4f3e2d';
  let proxy: Server;
  let host: string;
  let keyFile: string;

  beforeAll(async () => {
    keyFile = join(work, 'foreign-key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    proxy = createServer((req, res) => {
      if (req.url?.startsWith('/jwt/qps/csrftoken')) {
        res.writeHead(200, {
          'set-cookie': `X-Qlik-Session-jwt=${COOKIE}; Path=/; HttpOnly`,
          'qlik-csrf-token': TOKEN,
          'content-type': 'application/json',
        });
        res.end('{}');
        return;
      }
      if (req.url?.startsWith('/jwt/qps/user')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ userId: 'demo', userDirectory: 'DEMO', session: 's' }));
        return;
      }
      res.writeHead(404).end();
    });
    proxy.on('upgrade', (req, socket) => {
      const body = `Cross-Site Websocket Hijacking attack prevention check failed: qlik-csrf-token=${TOKEN} (Cookie: X-Qlik-Session-jwt=${COOKIE}) from ${req.url ?? ''}`;
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('prints the refusal without the token or the cookie value, with --debug too', async () => {
    const args = ['login', '--host', host, '--prefix', 'jwt', '--key-file', keyFile, '--user-id', 'demo'];
    for (const extra of [[], ['--debug']]) {
      const { code, stdout, stderr } = await runQixflow([...args, '--user-directory', 'DEMO', ...extra]);
      const output = stdout + stderr;
      expect(output).toContain('ERR_FORBIDDEN_CSRF');
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(COOKIE);
      expect(code).toBe(4);
    }
  });
});

describe('the simulator key file', () => {
  it('is never written through a symbolic link: qixflow sim refuses to start', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(work, 'keys-'));
    const target = join(work, 'elsewhere.txt');
    await writeFile(target, 'untouched', { mode: 0o644 });
    await symlink(target, join(dir, 'jwt-private-key.pem'));
    const { code, stderr } = await runQixflow(['sim', '--port', '0', '--http', '--no-check', '--out', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error ERR_CONFIG: ${join(dir, 'jwt-private-key.pem')} is a symbolic link: not writing through it`,
    );
    expect(stderr).toContain('fix: remove the link or the foreign file, or pick another --out folder');
    expect(await readFile(target, 'utf8')).toBe('untouched');
    expect((await lstat(join(dir, 'jwt-private-key.pem'))).isSymbolicLink()).toBe(true);
  });
});

describe('redactOutput', () => {
  it('redacts a JSON document value by value and keeps it valid', () => {
    const json = JSON.stringify({ name: 'a', connection: 'Server=x;Pwd=s3cret;', token: 't', n: 1 }, null, 2);
    const out = redactOutput(json);
    expect(JSON.parse(out)).toEqual({ name: 'a', connection: 'Server=x;Pwd=***;', token: '***', n: 1 });
    expect(out).toBe(JSON.stringify(JSON.parse(out), null, 2));
  });

  it('redacts plain text and registered secrets', () => {
    expect(redactOutput('key s3cr3t-value-1234 and PWD=x', ['s3cr3t-value-1234'])).toBe('key *** and PWD=***');
  });
});
