// Types of peers.mjs, for test/bench-peers-missing.test.ts (the harness itself is plain JavaScript).
export const PEER_PACKAGES: Record<string, string[]>;
export const INSTALL_COMMAND: string;
export function missingPeers(engine: string, fromUrl?: URL | string): { missing: string[]; message: string } | undefined;
