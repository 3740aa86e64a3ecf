// In-memory weights: layer name → tensor key → flat float64 array in the layouts of
// docs/operations.md. Layers without parameters have no entry. The JSON and binary file forms
// are read and written by src/weights/.
//
// Layer names are the user's (`__proto__`, `constructor` and `toString` are valid names), so
// weights objects are made without a prototype and read with own-property checks only:
// `emptyWeights`, `setLayer` and `layerTensors` / `tensorOf` below, never `weights[name]` alone.

export type Weights = Record<string, Record<string, Float64Array>>;

/** An object for names → values with no prototype: no `__proto__` setter, no inherited `toString`. */
export function nameRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** An empty Weights object (no prototype). */
export const emptyWeights = (): Weights => nameRecord<Record<string, Float64Array>>();

/** `o[name]` when it is an own property of `o`, else undefined (inherited members never count). */
export function own<V>(o: Readonly<Record<string, V>> | undefined, name: string): V | undefined {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, name) ? o[name] : undefined;
}

/** Sets `o[name]` as an own property, also for `__proto__`, whatever `o`'s prototype. */
export function put<V>(o: Record<string, V>, name: string, value: V): void {
  Object.defineProperty(o, name, { value, enumerable: true, writable: true, configurable: true });
}

/** The tensors of one layer, or undefined when the layer has none. */
export const layerTensors = (weights: Weights, layer: string): Record<string, Float64Array> | undefined => own(weights, layer);

/** One tensor, or undefined. */
export const tensorOf = (weights: Weights, layer: string, key: string): Float64Array | undefined => own(layerTensors(weights, layer), key);

/** The tensors of `layer`, created (without a prototype) when absent. */
export function layerEntry(weights: Weights, layer: string): Record<string, Float64Array> {
  let t = layerTensors(weights, layer);
  if (!t) put(weights, layer, (t = nameRecord<Float64Array>()));
  return t;
}

/** A deep copy (fresh arrays, objects without a prototype). */
export function cloneWeights(weights: Weights): Weights {
  const out = emptyWeights();
  for (const [layer, tensors] of Object.entries(weights)) {
    const t = layerEntry(out, layer);
    for (const [key, a] of Object.entries(tensors)) put(t, key, Float64Array.from(a));
  }
  return out;
}
