// TensorFlow.js, pure-JS CPU backend or WASM backend (SIMD). NHWC tensors (the WASM backend
// supports no other layout); the same weights moved to NHWC/HWIO; conv with explicit padding
// [top, bottom, left, right] = [m, M-1-m, n, N-1-n], a slice first where that is negative.
// BN: batch statistics with tf.moments when training (autodiff gives the backward pass),
// the folded affine form at inference. Training: tf.train.sgd(...).minimize on the summed
// cross-entropy, the loss cnnc uses. The WASM backend has no Conv2DBackpropFilter: no training.
import * as tf from '@tensorflow/tfjs';
import { layout as L } from '../lib/cnnc.mjs';

let instances = 0; // TF.js variable names are global: each engine instance gets its own

export async function createTfjs(backend, net, weights) {
  const id = instances++;
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not start`);
  await tf.ready();
  tf.env().set('PROD', true);
  const vars = {};
  const folded = {};
  const variable = (layer, key, t) => ((vars[layer.name] ??= {})[key] = tf.variable(t, true, `${net.name}.${id}.${layer.name}.${key}`));
  for (const layer of net.layers) {
    const p = weights[layer.name];
    if (layer.op === 'conv') {
      variable(layer, 'w', tf.tensor4d(L.convWeightsHwio(layer, p.w), [layer.kernel.rows, layer.kernel.cols, layer.input.c, layer.output.c]));
    } else if (layer.op === 'full') {
      const K = layer.input.c * layer.input.h * layer.input.w;
      variable(layer, 'w', tf.tensor2d(L.fullWeightsNhwcColumns(layer, p.w), [layer.output.c, K]));
      if (layer.bias) variable(layer, 'b', tf.tensor1d(Float32Array.from(p.b)));
    } else if (layer.op === 'bn') {
      const { c, h, w } = layer.input;
      const toNhwc = (a) => layer.mode === 'position' ? tf.tensor3d(L.nchwToNhwc(a, 1, c, h, w), [h, w, c]) : tf.tensor1d(Float32Array.from(a));
      variable(layer, 'gamma', toNhwc(p.gamma));
      variable(layer, 'beta', toNhwc(p.beta));
      const { scale, shift } = L.foldBn(layer, p);
      folded[layer.name] = { scale: toNhwc(scale), shift: toNhwc(shift) };
    }
  }
  const varList = Object.values(vars).flatMap((v) => Object.values(v));

  /** NHWC forward; in training mode returns the logits (softmax's input) of a softmax network. */
  function forward(x, training) {
    let flat = false;
    for (const layer of net.layers) {
      const v = vars[layer.name];
      if (flat && !['relu', 'full', 'softmax'].includes(layer.op)) {
        x = x.reshape([-1, 1, 1, layer.input.c]);
        flat = false;
      }
      switch (layer.op) {
        case 'conv': {
          const { crop, pad } = L.cropThenPad(L.convPads(layer));
          if (crop.top || crop.bottom || crop.left || crop.right) {
            x = tf.slice(x, [0, crop.top, crop.left, 0], [-1, layer.input.h - crop.top - crop.bottom, layer.input.w - crop.left - crop.right, -1]);
          }
          x = tf.conv2d(x, v.w, 1, [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]]);
          break;
        }
        case 'bn':
          if (training) {
            const { mean, variance } = tf.moments(x, layer.mode === 'position' ? [0] : [0, 1, 2]);
            x = x.sub(mean).div(variance.add(layer.eps).sqrt()).mul(v.gamma).add(v.beta);
          } else {
            x = x.mul(folded[layer.name].scale).add(folded[layer.name].shift);
          }
          break;
        case 'relu': x = tf.relu(x); break;
        case 'pool': x = tf.maxPool(x, [layer.size.rows, layer.size.cols], [layer.stride.rows, layer.stride.cols], 'valid'); break;
        case 'full':
          if (!flat) x = x.reshape([x.shape[0], -1]);
          x = tf.matMul(x, v.w, false, true);
          if (v.b) x = x.add(v.b);
          flat = true;
          break;
        case 'softmax':
          if (!training) x = tf.softmax(x);
          break;
      }
    }
    return x;
  }

  const { c, h, w } = net.input;
  const inputTensor = (input, T) => tf.tensor4d(L.nchwToNhwc(input, T, c, h, w), [T, h, w, c]);
  const toNchw = (data, T) => {
    const o = net.output;
    return o.h === 1 && o.w === 1 ? Float64Array.from(data) : L.nhwcToNchw(data, T, o.c, o.h, o.w);
  };
  const loss = (x, target) => {
    const y = forward(x, true);
    if (net.endsWithSoftmax) return tf.losses.softmaxCrossEntropy(target, y, undefined, 0, tf.Reduction.SUM);
    return tf.sum(tf.mul(y, target));
  };
  const targetTensor = (target, T) => {
    const o = net.output;
    if (net.endsWithSoftmax || (o.h === 1 && o.w === 1)) return tf.tensor2d(Float32Array.from(target), [T, o.c]);
    return tf.tensor4d(L.nchwToNhwc(target, T, o.c, o.h, o.w), [T, o.h, o.w, o.c]);
  };

  return {
    canTrain: backend === 'cpu' ? null : 'the WASM backend has no Conv2DBackpropFilter kernel: it cannot train a conv network',
    async infer(input, T) {
      const x = inputTensor(input, T);
      const y = tf.tidy(() => forward(x, false));
      const out = toNchw(await y.data(), T);
      tf.dispose([x, y]);
      return out;
    },
    inferRunner(input, T) {
      const x = inputTensor(input, T);
      return () => {
        const y = tf.tidy(() => forward(x, false));
        y.dataSync();
        y.dispose();
      };
    },
    gradients(input, target, T) {
      const x = inputTensor(input, T);
      const z = targetTensor(target, T);
      const { value, grads } = tf.variableGrads(() => loss(x, z), varList);
      const out = {};
      for (const layer of net.layers) {
        const v = vars[layer.name];
        if (!v) continue;
        const g = (key) => grads[v[key].name].dataSync();
        const { c: C, h: H, w: W } = layer.input;
        if (layer.op === 'conv') out[layer.name] = { w: L.convWeightsFromHwio(layer, g('w')) };
        if (layer.op === 'full') {
          out[layer.name] = { w: L.fullWeightsFromNhwcColumns(layer, g('w')) };
          if (v.b) out[layer.name].b = Float64Array.from(g('b'));
        }
        if (layer.op === 'bn') {
          const back = (a) => layer.mode === 'position' ? L.nhwcToNchw(a, 1, C, H, W) : Float64Array.from(a);
          out[layer.name] = { gamma: back(g('gamma')), beta: back(g('beta')) };
        }
      }
      const lossValue = value.dataSync()[0];
      tf.dispose([x, z, value, ...Object.values(grads)]);
      return { loss: lossValue, grads: out };
    },
    trainRunner(input, target, T, lr) {
      const x = inputTensor(input, T);
      const z = targetTensor(target, T);
      const optimizer = tf.train.sgd(lr);
      return () => {
        optimizer.minimize(() => loss(x, z), false, varList);
      };
    },
  };
}
