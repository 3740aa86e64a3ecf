// Layouts of the peers: cnnc's NCHW blocks and OIHW / [out][K] weights moved to the NHWC
// blocks and HWIO filters of TensorFlow.js and ConvNetJS and back, and what no peer can run.
// The conv padding and the BN folding come from cnnc itself (dist/src/onnx/layout.js, which
// the ONNX writer uses too). Pure functions: test/bench-layout.test.ts imports this file.

/** [T][C][H][W] → [T][H][W][C]. */
export function nchwToNhwc(x, t, c, h, w) {
  const y = new Float32Array(t * c * h * w);
  for (let s = 0; s < t; s++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          y[((s * h + i) * w + j) * c + k] = x[((s * c + k) * h + i) * w + j];
  return y;
}

/** [T][H][W][C] → [T][C][H][W]. */
export function nhwcToNchw(x, t, c, h, w) {
  const y = new Float64Array(t * c * h * w);
  for (let s = 0; s < t; s++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          y[((s * c + k) * h + i) * w + j] = x[((s * h + i) * w + j) * c + k];
  return y;
}

/** Conv weights w[k][k'][p][q] (OIHW) → TensorFlow.js filter [p][q][k'][k] (HWIO). */
export function convWeightsHwio(layer, w) {
  const { rows: M, cols: N } = layer.kernel;
  const O = layer.output.c;
  const I = layer.input.c;
  const y = new Float32Array(O * I * M * N);
  for (let k = 0; k < O; k++)
    for (let c = 0; c < I; c++)
      for (let p = 0; p < M; p++)
        for (let q = 0; q < N; q++)
          y[((p * N + q) * I + c) * O + k] = w[((k * I + c) * M + p) * N + q];
  return y;
}

/** Inverse of convWeightsHwio, to compare a peer's weight gradient with cnnc's. */
export function convWeightsFromHwio(layer, y) {
  const { rows: M, cols: N } = layer.kernel;
  const O = layer.output.c;
  const I = layer.input.c;
  const w = new Float64Array(O * I * M * N);
  for (let k = 0; k < O; k++)
    for (let c = 0; c < I; c++)
      for (let p = 0; p < M; p++)
        for (let q = 0; q < N; q++)
          w[((k * I + c) * M + p) * N + q] = y[((p * N + q) * I + c) * O + k];
  return w;
}

/**
* Full weights w[k][k'] with k' in NCHW order (c, i, j) → the same matrix with its columns in
* NHWC order (i, j, c), for engines that flatten NHWC blocks. Row-major [out][K].
*/
export function fullWeightsNhwcColumns(layer, w) {
  const { c: C, h: H, w: W } = layer.input;
  const out = layer.output.c;
  const K = C * H * W;
  const y = new Float32Array(out * K);
  for (let r = 0; r < out; r++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          y[r * K + (i * W + j) * C + c] = w[r * K + (c * H + i) * W + j];
  return y;
}

/** Inverse of fullWeightsNhwcColumns. */
export function fullWeightsFromNhwcColumns(layer, y) {
  const { c: C, h: H, w: W } = layer.input;
  const out = layer.output.c;
  const K = C * H * W;
  const w = new Float64Array(out * K);
  for (let r = 0; r < out; r++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          w[r * K + (c * H + i) * W + j] = y[r * K + (i * W + j) * C + c];
  return w;
}

/** Why a peer cannot run this network at all, or null. (Every peer refuses ceil-mode pools.) */
export function unsupportedReason(net) {
  for (const l of net.layers) {
    if (l.op === 'pool' && l.round === 'ceil')
      return `pool ${l.name} uses round=ceil, which the peers' max pools do not reproduce`;
  }
  return null;
}

/** A copy of the network with another mini-batch size (the checked model is plain data). */
export function withBatch(net, batch) {
  return { ...net, batch };
}
