// Trains the generated LeNet on random data with nothing installed: the module imports
// nothing. Build it first with `npx cnnc examples/lenet.cnn`, then run
//   node examples/train-random.mjs
// Four fixed random batches with random labels are learned by heart, so the loss falls.
import { createModel, meta } from '../generated/lenet.js';

const T = meta.batch;
const [C, H, W] = meta.input;
const K = meta.output[0];

// A small seeded generator so every run prints the same numbers.
let state = 12345;
const random = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
};

const batches = Array.from({ length: 4 }, () => {
  const input = Float32Array.from({ length: T * C * H * W }, () => random());
  const labels = new Float32Array(T * K);
  for (let t = 0; t < T; t++) labels[t * K + Math.floor(random() * K)] = 1;
  return { input, labels };
});

const model = createModel({ seed: 1 });
for (let epoch = 1; epoch <= 8; epoch++) {
  let loss = 0;
  for (const { input, labels } of batches) {
    model.forward(input);
    loss += model.backward(labels);
    model.step({ lr: 0.0005, momentum: 0.9 });
  }
  console.log(`epoch ${epoch}: mean loss per sample ${(loss / (batches.length * T)).toFixed(4)}`);
}
