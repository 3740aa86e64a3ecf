// ConvNetJS (float64, one sample at a time, HWC volumes). Layers are built by hand so the
// network is exactly cnnc's: conv layers get cnnc's weights (biases 0; ConvNetJS always has
// them), a conv whose anchor needs asymmetric or negative padding gets a small pad/crop
// layer in front of an unpadded conv (ConvNetJS pads symmetrically only), full layers read
// the HWC-flattened volume (columns reordered), softmax is ConvNetJS's own. BN is folded into
// an affine layer for inference; ConvNetJS has no batch normalisation, so no training then.
// A training step of batch T is T × trainer.train(x, class) with SGDTrainer(batch_size T).
import { createRequire } from 'node:module';
import { layout as L } from '../lib/cnnc.mjs';

const require = createRequire(import.meta.url);
const convnetjs = require('convnetjs');
const { Vol } = convnetjs;

/** Pads (or crops, for negative amounts) the volume's rows and columns. */
class PadLayer {
  constructor(opt) {
    Object.assign(this, { in_sx: opt.in_sx, in_sy: opt.in_sy, out_depth: opt.in_depth, p: opt.pads, layer_type: 'pad' });
    this.out_sx = opt.in_sx + opt.pads.left + opt.pads.right;
    this.out_sy = opt.in_sy + opt.pads.top + opt.pads.bottom;
  }
  /** Calls f(inIndex, outIndex) for every input element that lands inside the output. */
  each(f) {
    const { p, out_depth: D } = this;
    for (let y = 0; y < this.in_sy; y++) {
      const oy = y + p.top;
      if (oy < 0 || oy >= this.out_sy) continue;
      for (let x = 0; x < this.in_sx; x++) {
        const ox = x + p.left;
        if (ox < 0 || ox >= this.out_sx) continue;
        const a = (y * this.in_sx + x) * D;
        const b = (oy * this.out_sx + ox) * D;
        for (let d = 0; d < D; d++) f(a + d, b + d);
      }
    }
  }
  forward(V) {
    this.in_act = V;
    const A = new Vol(this.out_sx, this.out_sy, this.out_depth, 0.0);
    this.each((a, b) => { A.w[b] = V.w[a]; });
    this.out_act = A;
    return A;
  }
  backward() {
    const V = this.in_act;
    V.dw = new Float64Array(V.w.length);
    this.each((a, b) => { V.dw[a] = this.out_act.dw[b]; });
  }
  getParamsAndGrads() { return []; }
}

/** y = scale·x + shift per position (BN folded for inference), HWC order. */
class AffineLayer {
  constructor(opt) {
    Object.assign(this, { out_sx: opt.in_sx, out_sy: opt.in_sy, out_depth: opt.in_depth, scale: opt.scale, shift: opt.shift, layer_type: 'affine' });
  }
  forward(V) {
    this.in_act = V;
    const A = new Vol(this.out_sx, this.out_sy, this.out_depth, 0.0);
    for (let i = 0; i < A.w.length; i++) A.w[i] = this.scale[i] * V.w[i] + this.shift[i];
    this.out_act = A;
    return A;
  }
  backward() { throw new Error('affine (folded BN) layer is for inference only'); }
  getParamsAndGrads() { return []; }
}

export function createConvNetJs(net, weights) {
  const layers = [new convnetjs.InputLayer({ out_sx: net.input.w, out_sy: net.input.h, out_depth: net.input.c })];
  let hasBn = false;
  const top = () => layers[layers.length - 1];
  const dims = () => ({ in_sx: top().out_sx, in_sy: top().out_sy, in_depth: top().out_depth });
  for (const layer of net.layers) {
    const p = weights[layer.name];
    switch (layer.op) {
      case 'conv': {
        const pads = L.convPads(layer);
        const symmetric = pads.top >= 0 && pads.top === pads.bottom && pads.top === pads.left && pads.top === pads.right;
        if (!symmetric) layers.push(new PadLayer({ ...dims(), pads }));
        const c = new convnetjs.ConvLayer({ ...dims(), filters: layer.output.c, sx: layer.kernel.cols, sy: layer.kernel.rows, stride: 1, pad: symmetric ? pads.top : 0, l2_decay_mul: 0 });
        const { rows: M, cols: N } = layer.kernel;
        const C = layer.input.c;
        c.filters.forEach((f, k) => {
          for (let ch = 0; ch < C; ch++)
            for (let r = 0; r < M; r++)
              for (let q = 0; q < N; q++) f.w[(r * N + q) * C + ch] = p.w[((k * C + ch) * M + r) * N + q];
        });
        layers.push(c);
        break;
      }
      case 'bn': {
        hasBn = true;
        const { scale, shift } = L.foldBn(layer, p);
        const { c, h, w } = layer.input;
        const expand = (a) => (layer.mode === 'position' ? a : Float64Array.from({ length: c * h * w }, (_, e) => a[Math.floor(e / (h * w))]));
        layers.push(new AffineLayer({ ...dims(), scale: L.nchwToNhwc(expand(scale), 1, c, h, w), shift: L.nchwToNhwc(expand(shift), 1, c, h, w) }));
        break;
      }
      case 'relu': layers.push(new convnetjs.ReluLayer(dims())); break;
      case 'pool':
        if (layer.stride.rows !== layer.stride.cols) throw new Error(`pool ${layer.name}: ConvNetJS pools have one stride for both axes`);
        layers.push(new convnetjs.PoolLayer({ ...dims(), sx: layer.size.cols, sy: layer.size.rows, stride: layer.stride.rows, pad: 0 }));
        break;
      case 'full': {
        const f = new convnetjs.FullyConnLayer({ ...dims(), num_neurons: layer.output.c, l2_decay_mul: 0 });
        const w = L.fullWeightsNhwcColumns(layer, p.w);
        const K = f.num_inputs;
        f.filters.forEach((v, k) => { for (let e = 0; e < K; e++) v.w[e] = w[k * K + e]; });
        if (layer.bias) f.biases.w.set(p.b);
        layers.push(f);
        break;
      }
      case 'softmax': layers.push(new convnetjs.SoftmaxLayer(dims())); break;
    }
  }
  const model = new convnetjs.Net();
  model.layers = layers;
  const { c, h, w } = net.input;
  const per = c * h * w;
  const volumes = (input, T) => Array.from({ length: T }, (_, t) => {
    const v = new Vol(w, h, c, 0.0);
    v.w.set(L.nchwToNhwc(input.subarray(t * per, (t + 1) * per), 1, c, h, w));
    return v;
  });
  const o = net.output;
  const trainable = net.endsWithSoftmax && !hasBn;
  return {
    canTrain: trainable ? null : hasBn ? 'ConvNetJS has no batch normalisation layer' : 'ConvNetJS trains only towards class labels (softmax networks)',
    async infer(input, T) {
      const out = new Float64Array(T * o.c * o.h * o.w);
      volumes(input, T).forEach((v, t) => {
        const y = model.forward(v, false);
        out.set(L.nhwcToNchw(y.w, 1, o.c, o.h, o.w), t * y.w.length);
      });
      return out;
    },
    inferRunner(input, T) {
      const vs = volumes(input, T);
      return () => { for (const v of vs) model.forward(v, false); };
    },
    /** Weight gradients summed over the batch (ConvNetJS accumulates dw until the trainer steps). */
    gradients(input, classes, T) {
      const params = layers.flatMap((l) => l.getParamsAndGrads());
      for (const pg of params) pg.grads.fill(0);
      let loss = 0;
      volumes(input, T).forEach((v, t) => {
        model.forward(v, true);
        loss += model.backward(classes[t]);
      });
      const out = {};
      let li = 1;
      for (const layer of net.layers) {
        while (layers[li].layer_type === 'pad') li++;
        const cl = layers[li];
        if (layer.op === 'conv') {
          const { rows: M, cols: N } = layer.kernel;
          const C = layer.input.c;
          const g = new Float64Array(layer.params[0].size);
          cl.filters.forEach((f, k) => {
            for (let ch = 0; ch < C; ch++)
              for (let r = 0; r < M; r++)
                for (let q = 0; q < N; q++) g[((k * C + ch) * M + r) * N + q] = f.dw[(r * N + q) * C + ch];
          });
          out[layer.name] = { w: g };
        } else if (layer.op === 'full') {
          const K = cl.num_inputs;
          const g = new Float64Array(layer.output.c * K);
          cl.filters.forEach((f, k) => g.set(f.dw, k * K));
          out[layer.name] = { w: L.fullWeightsFromNhwcColumns(layer, g) };
          if (layer.bias) out[layer.name].b = Float64Array.from(cl.biases.dw);
        }
        li++;
      }
      for (const pg of params) pg.grads.fill(0);
      return { loss, grads: out };
    },
    trainRunner(input, classes, T, lr) {
      const trainer = new convnetjs.SGDTrainer(model, { learning_rate: lr * T, momentum: 0, batch_size: T, l2_decay: 0 });
      const vs = volumes(input, T);
      return () => { for (let t = 0; t < T; t++) trainer.train(vs[t], classes[t]); };
    },
  };
}
