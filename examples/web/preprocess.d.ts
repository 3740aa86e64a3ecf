export declare const SIZE: 28;
export declare const BOX: 20;
export declare function toMnist(ink: ArrayLike<number>, width: number, height: number, threshold?: number): Float32Array | null;
export declare function inkFromRgba(rgba: Uint8ClampedArray): Float32Array;
