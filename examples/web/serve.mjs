// A tiny static file server for the web example (no dependencies). From the repository root:
//   node examples/web/serve.mjs [PORT]        then open http://localhost:PORT/examples/web/
// It serves only examples/ (the page needs nothing outside examples/web: its model with the
// weights built in is examples/web/lenet.js). Tests call createServer() with their own directories.
import { createReadStream, statSync } from 'node:fs';
import { createServer as httpServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.css': 'text/css',
  '.bin': 'application/octet-stream',
};

/**
 * @param {Record<string, string>} mounts URL prefix (e.g. '/examples/') → directory
 */
export function createServer(mounts) {
  return httpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const target = path.endsWith('/') ? `${path}index.html` : path;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!target.startsWith(prefix)) continue;
      const root = resolve(dir);
      const file = normalize(join(root, target.slice(prefix.length)));
      if (file !== root && !file.startsWith(root + sep)) break; // no ../ escapes
      try {
        if (!statSync(file).isFile()) break;
      } catch {
        break;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`not found: ${path}\n`);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const port = Number(process.argv[2] ?? 8080);
  createServer({ '/examples/': join(repo, 'examples') }).listen(port, '127.0.0.1', () => {
    console.log(`serving examples/: open http://localhost:${port}/examples/web/`);
  });
}
