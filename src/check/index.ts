// The shape checker: AST → checked model plus diagnostics. Reports everything it finds;
// produces a model only when there is no error.
import type { FileNode } from '../frontend/ast.js';
import type { CheckedNetwork } from '../model/checked.js';
import type { Limits } from './limits.js';
import { checkNetwork } from './network.js';
import { checkFileStatements } from './limit-checks.js';
import type { SourceLoc } from '../model/checked.js';
import type { Reporter } from './report.js';

export function checkFile(ast: FileNode, r: Reporter, limits: Limits): CheckedNetwork[] {
  const networks: CheckedNetwork[] = [];
  const seen = new Map<string, number>();
  // After a syntax error the parser's recovery may have dropped statements, so the AST no
  // longer says what the file says: check what is there, but build no network from it.
  const build = r.errorCount === 0;
  const locs = new Map<CheckedNetwork, SourceLoc>();
  for (const net of ast.networks) {
    if (net.name) {
      const line = seen.get(net.name.text);
      if (line !== undefined) r.error('E021', net.name.loc, `network name '${net.name.text}' is already used on line ${line}`);
      else seen.set(net.name.text, net.name.loc.line);
    }
    const checked = checkNetwork(net, r, limits, build);
    if (checked) {
      networks.push(checked);
      locs.set(checked, net.name?.loc ?? net.loc);
    }
  }
  checkFileStatements(networks, (n) => locs.get(n)!, r, limits);
  return networks;
}
