// In-memory weights: layer name → tensor key → flat float64 array in the layouts of
// docs/operations.md. Layers without parameters have no entry. The JSON and binary file forms
// are read and written by src/weights/.

export type Weights = Record<string, Record<string, Float64Array>>;
