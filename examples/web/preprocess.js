// Turns a drawing into an MNIST-style 28×28 input, the way the MNIST digits were made:
// the ink's bounding box is scaled (keeping its aspect ratio, with grey levels from
// area averaging) so that its longer side is 20 pixels, and the result is placed in a
// 28×28 field so that its centre of mass falls on pixel (14, 14), counting from 0 (where
// the MNIST digits have it: their centres of mass lie within half a pixel of it).
// Values are ink in [0, 1] (0 background), which is the x/255 scaling `cnnc train` uses.
// Plain JavaScript with no browser API, so Node tests can check it too.

export const SIZE = 28;
export const BOX = 20;

/**
 * @param {ArrayLike<number>} ink width·height values in [0, 1], row by row
 * @param {number} width
 * @param {number} height
 * @param {number} [threshold] ink below this does not count for the bounding box
 * @returns {Float32Array | null} 28·28 values, or null when there is no ink
 */
export function toMnist(ink, width, height, threshold = 0.05) {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (bottom < 0) return null;
  const bw = right - left + 1;
  const bh = bottom - top + 1;
  const scale = BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale));
  const oh = Math.max(1, Math.round(bh * scale));

  // Area-average resampling, one axis at a time: rows first (bw → ow), then columns (bh → oh).
  const rows = new Float32Array(ow * bh);
  const wx = weights(bw, ow);
  for (let y = 0; y < bh; y++) {
    for (const { to, from, weight } of wx) rows[y * ow + to] += weight * ink[(top + y) * width + left + from];
  }
  const box = new Float32Array(ow * oh);
  const wy = weights(bh, oh);
  for (const { to, from, weight } of wy) {
    for (let x = 0; x < ow; x++) box[to * ow + x] += weight * rows[from * ow + x];
  }

  // Centre of mass, in pixel indices, then the whole-pixel shift that puts it on pixel (14, 14).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const v = box[y * ow + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const dx = Math.round(SIZE / 2 - mx / mass);
  const dy = Math.round(SIZE / 2 - my / mass);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < SIZE && ty >= 0 && ty < SIZE) out[ty * SIZE + tx] = Math.min(1, box[y * ow + x]);
    }
  }
  return out;
}

/**
 * How much of each of `n` source pixels falls into each of `m` target pixels when the
 * source is stretched to the target's length, as averaging weights (each target's sum to 1).
 * @returns {{ to: number, from: number, weight: number }[]}
 */
function weights(n, m) {
  const list = [];
  const ratio = n / m; // source pixels per target pixel
  for (let to = 0; to < m; to++) {
    const a = to * ratio;
    const b = (to + 1) * ratio;
    for (let from = Math.floor(a); from < Math.min(n, Math.ceil(b)); from++) {
      const overlap = Math.min(b, from + 1) - Math.max(a, from);
      if (overlap > 1e-9) list.push({ to, from, weight: overlap / ratio });
    }
  }
  return list;
}

/**
 * Ink of RGBA canvas pixels drawn dark on a white background: 1 − luminance, in [0, 1].
 * @param {Uint8ClampedArray} rgba
 * @returns {Float32Array}
 */
export function inkFromRgba(rgba) {
  const ink = new Float32Array(rgba.length / 4);
  for (let i = 0; i < ink.length; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    const a = rgba[4 * i + 3] / 255;
    // A transparent pixel shows the white page: blend with white first.
    const lum = (0.299 * r + 0.587 * g + 0.114 * b) * a + 255 * (1 - a);
    ink[i] = 1 - lum / 255;
  }
  return ink;
}
