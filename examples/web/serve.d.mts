import type { Server } from 'node:http';
/** A static file server: URL prefix (e.g. '/examples/') → directory. */
export declare function createServer(mounts: Record<string, string>): Server;
