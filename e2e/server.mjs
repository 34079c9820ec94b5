// Starts the real hanteam binary for the browser tests, on a fresh SQLite database in a temp dir.
//
//   const server = await startServer();   // { url, stop(), stderr() }
//
// The binary is $HANTEAM_BIN (relative paths are taken from the current directory) or, by default,
// target/debug/hanteam of this repository. It is started as `hanteam serve --addr 127.0.0.1:0` and is
// ready once it prints `hanteam listening on http://127.0.0.1:PORT` on stdout. Extra arguments for
// `serve` go in `args` (e.g. `startServer({ args: ['--demo'] })` for the demo accounts).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READY = /hanteam listening on (http:\/\/\S+)/;
const MAX_LOG = 64 * 1024;

export function hanteamBin() {
  const bin = process.env.HANTEAM_BIN
    ? resolve(process.cwd(), process.env.HANTEAM_BIN)
    : join(repoRoot, 'target', 'debug', 'hanteam');
  if (!existsSync(bin)) {
    throw new Error(`hanteam binary not found at ${bin}: build it with \`cargo build -p hanteam\` or set HANTEAM_BIN`);
  }
  return bin;
}

export async function startServer({ timeoutMs = 60_000, args = [] } = {}) {
  const bin = hanteamBin();
  const dir = mkdtempSync(join(tmpdir(), 'hanteam-e2e-'));
  const env = { ...process.env, DATABASE_URL: `sqlite://${join(dir, 'hanteam.db')}` };
  const serveArgs = ['serve', '--addr', '127.0.0.1:0', ...args];
  const child = spawn(bin, serveArgs, {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  // Keep reading both pipes for the server's whole life (a full pipe would block it), keeping the tail.
  let stdout = '';
  let stderr = '';
  const keep = (s) => (s.length > MAX_LOG ? s.slice(-MAX_LOG) : s);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = keep(stderr + chunk); });
  child.stdout.setEncoding('utf8');

  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killOnExit);

  let exited = null;
  const exitPromise = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit(exited);
    });
  });

  const ready = new Promise((resolveUrl, reject) => {
    let buffered = '';
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err); else resolveUrl(value);
    };
    const describe = () =>
      `\n--- stdout ---\n${stdout || '(empty)'}\n--- stderr ---\n${stderr || '(empty)'}`;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`hanteam did not print "hanteam listening on http://..." within ${timeoutMs / 1000} s` +
        ` (${bin} ${serveArgs.join(' ')}, DATABASE_URL=${env.DATABASE_URL})${describe()}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout = keep(stdout + chunk);
      if (done) return;
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const m = READY.exec(line);
        if (m) return finish(null, m[1].replace(/\/+$/, ''));
      }
    });
    child.once('error', (err) => finish(new Error(`could not start ${bin}: ${err.message}`)));
    exitPromise.then(({ code, signal }) =>
      finish(new Error(`hanteam exited (code ${code}, signal ${signal}) before it was listening${describe()}`)));
  });

  let url;
  try {
    url = await ready;
  } catch (err) {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  async function stop() {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(r, 5_000, 'timeout'));
      if ((await Promise.race([exitPromise, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return { url, stop, stderr: () => stderr, stdout: () => stdout, dir };
}
