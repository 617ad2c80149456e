import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * One process per data directory, with a lock the operating system releases when the
 * process ends however it ends (SIGKILL, OOM kill): the owner listens on a Unix socket
 * (`<dataDir>/zhike.lock.sock`). A socket that refuses connections, or is missing, has
 * no owner any more and is taken over; one that accepts has a live owner, which answers
 * with its pid. Unlike a pid file this cannot be fooled by a zombie or a reused pid.
 *
 * A Unix socket path holds at most 107 bytes (103 on macOS): for a deeper data directory
 * the socket is an abstract one on Linux, else one under the temporary directory, both
 * named by a hash of the directory's real path; on Windows a named pipe.
 */
export async function lockDirectory(dataDir: string): Promise<() => Promise<void>> {
  const where = lockSocketPath(dataDir);
  const inUse = (pid: string) =>
    new Error(
      `data directory ${dataDir} is in use by process ${pid}. The embedded database (PGlite) allows one ` +
        `process per data directory: stop that process, or set DATABASE_URL to run several instances on PostgreSQL.`,
    );
  if (held.has(where)) throw inUse(String(process.pid));
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.end(String(process.pid));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(where, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      const owner = await askOwner(where);
      if (owner !== null) throw inUse(owner);
      // A socket file left by a process that is gone: remove it and listen again. (Two processes
      // taking over the same stale socket in the same instant could both succeed; starting two
      // servers at once on one directory right after a crash is the one case this does not cover.)
      if (!isAbstract(where)) fs.rmSync(where, { force: true });
      continue;
    }
    server.unref(); // the lock alone does not keep the process alive
    server.on('error', () => {});
    held.add(where);
    // A pid file left by an older Zhike means nothing now.
    fs.rmSync(path.join(dataDir, 'zhike.lock'), { force: true });
    return () =>
      new Promise<void>((resolve) => {
        held.delete(where);
        server.close(() => resolve()); // removes the socket file too
      });
  }
  throw new Error(`could not lock ${dataDir} (${where})`);
}

/** Lock sockets this process holds (a second open in the same process is refused too). */
const held = new Set<string>();

/** Where the lock of `dataDir` listens (see lockDirectory). */
export function lockSocketPath(dataDir: string): string {
  const inDir = path.join(dataDir, 'zhike.lock.sock');
  const hash = crypto.createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 32);
  if (process.platform === 'win32') return `\\\\?\\pipe\\zhike-${hash}`;
  if (Buffer.byteLength(inDir) <= 103) return inDir;
  if (process.platform === 'linux') return `\0zhike-${hash}`;
  return path.join(os.tmpdir(), `zhike-${hash}.sock`);
}

const isAbstract = (where: string) => where.startsWith('\0');

/** The owner's pid (or "unknown" if it accepts but does not answer); null when nobody listens. */
function askOwner(where: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(where);
    let answer = '';
    let connected = false;
    const timer = setTimeout(() => socket.destroy(), 2000); // accepted but silent (a blocked owner): still alive
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => {
      clearTimeout(timer);
      if (connected) resolve(answer.trim() || 'unknown');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (connected) return resolve(answer.trim() || 'unknown');
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(null);
      else reject(new Error(`could not check the lock of the data directory at ${where}: ${err.message}`));
    });
  });
}
