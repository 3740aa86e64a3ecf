// The same picture as Graphviz DOT (`dot -Tpng lenet.dot -o lenet.png`).
import type { CheckedModel } from '../model/checked.js';
import { layerAttributes, shapeText } from './describe.js';

const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function renderDot(model: CheckedModel): string {
  const lines = [
    'digraph cnn {',
    '  rankdir=TB;',
    '  node [shape=box, style="rounded,filled", fillcolor="#f3f4f6", fontname="Helvetica"];',
    '  edge [fontname="Courier", fontsize=10];',
  ];
  for (const net of model.networks) {
    const id = (name: string) => q(`${net.name}/${name}`);
    lines.push(`  subgraph ${q(`cluster_${net.name}`)} {`, `    label=${q(`network ${net.name} (batch ${net.batch})`)};`);
    lines.push(`    ${id('(input)')} [label=${q(`input\nshape=${shapeText(net.input)}`)}];`);
    for (const l of net.layers) {
      const attrs = layerAttributes(l);
      lines.push(`    ${id(l.name)} [label=${q(`${l.name}: ${l.op}${attrs ? `\n${attrs}` : ''}`)}];`);
    }
    let prev = '(input)';
    let shape = shapeText(net.input);
    for (const l of net.layers) {
      lines.push(`    ${id(prev)} -> ${id(l.name)} [label=${q(` ${shape}`)}];`);
      prev = l.name;
      shape = shapeText(l.output);
    }
    lines.push(`    ${id('(output)')} [shape=plaintext, style="", label=${q(`output ${shape}`)}];`);
    lines.push(`    ${id(prev)} -> ${id('(output)')};`);
    lines.push('  }');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
