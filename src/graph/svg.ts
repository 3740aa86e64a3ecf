// A picture of each network as SVG that a browser shows directly: one column per network,
// one box per block (name, op, resolved options), arrows labelled with the C×H×W shapes.
import type { CheckedModel, CheckedNetwork, Op } from '../model/checked.js';
import { layerAttributes, shapeText } from './describe.js';

const FILL: Record<Op | 'input', string> = {
  input: '#f3f4f6', conv: '#dbeafe', bn: '#fef3c7', relu: '#e5e7eb', pool: '#dcfce7', full: '#fce7f3', softmax: '#ede9fe',
};

const BOX_H = 44;
const GAP = 46; // vertical room for an arrow and its shape label
const TOP = 56;
const CHAR = 7; // average width of a character at the sizes used, for box widths
const COLUMN_GAP = 60;

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Box { title: string; detail: string; fill: string }

function boxesOf(net: CheckedNetwork): Box[] {
  return [
    { title: 'input', detail: `batch=${net.batch} shape=${shapeText(net.input)}`, fill: FILL.input },
    ...net.layers.map((l) => ({ title: `${l.name} · ${l.op}`, detail: layerAttributes(l), fill: FILL[l.op] })),
  ];
}

function column(net: CheckedNetwork, x0: number): { svg: string; width: number; height: number } {
  const boxes = boxesOf(net);
  const shapes = [shapeText(net.input), ...net.layers.map((l) => shapeText(l.output))];
  const boxW = Math.max(180, ...boxes.map((b) => Math.max(b.title.length, b.detail.length) * CHAR + 24));
  const labelW = Math.max(...shapes.map((s) => s.length)) * CHAR + 16;
  const cx = x0 + boxW / 2;
  const parts: string[] = [
    `<text x="${cx}" y="28" class="net">network ${escapeXml(net.name)}</text>`,
  ];
  boxes.forEach((b, i) => {
    const y = TOP + i * (BOX_H + GAP);
    parts.push(
      `<rect x="${x0}" y="${y}" width="${boxW}" height="${BOX_H}" rx="6" fill="${b.fill}" stroke="#374151"/>`,
      `<text x="${cx}" y="${y + (b.detail ? 18 : 27)}" class="title">${escapeXml(b.title)}</text>`,
    );
    if (b.detail) parts.push(`<text x="${cx}" y="${y + 35}" class="detail">${escapeXml(b.detail)}</text>`);
    if (i + 1 < boxes.length) {
      const y1 = y + BOX_H;
      const y2 = y1 + GAP - 2;
      parts.push(
        `<line x1="${cx}" y1="${y1}" x2="${cx}" y2="${y2}" stroke="#374151" marker-end="url(#arrow)"/>`,
        `<text x="${cx + 8}" y="${y1 + GAP / 2 + 4}" class="shape">${shapes[i]}</text>`,
      );
    }
  });
  const last = TOP + (boxes.length - 1) * (BOX_H + GAP) + BOX_H;
  parts.push(
    `<line x1="${cx}" y1="${last}" x2="${cx}" y2="${last + GAP - 2}" stroke="#374151" marker-end="url(#arrow)"/>`,
    `<text x="${cx + 8}" y="${last + GAP / 2 + 4}" class="shape">${shapes[shapes.length - 1]} (output)</text>`,
  );
  return { svg: parts.join('\n'), width: Math.max(boxW / 2 + labelW + 90, boxW), height: last + GAP + 16 };
}

export function renderSvg(model: CheckedModel): string {
  let x = 20;
  let height = 0;
  const columns: string[] = [];
  for (const net of model.networks) {
    const col = column(net, x);
    columns.push(col.svg);
    x += col.width + COLUMN_GAP;
    height = Math.max(height, col.height);
  }
  const width = Math.max(x - COLUMN_GAP + 20, 200);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">
<title>${escapeXml(model.networks.map((n) => n.name).join(', '))}</title>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#374151"/></marker></defs>
<style>
.net { font-size: 16px; font-weight: bold; text-anchor: middle; }
.title { font-size: 13px; font-weight: bold; text-anchor: middle; }
.detail { font-size: 11px; text-anchor: middle; fill: #374151; }
.shape { font-size: 11px; fill: #1d4ed8; font-family: Menlo, Consolas, monospace; }
</style>
<rect width="100%" height="100%" fill="white"/>
${columns.join('\n')}
</svg>
`;
}
