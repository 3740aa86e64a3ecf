// The AST of a .cnn file: what was written, with the location of every token, before any
// meaning is checked. Parts lost to a syntax error are missing (null), never invented.
import type { SourceLoc } from '../model/checked.js';

export interface NumberValue {
  kind: 'number';
  text: string;
  value: number;
  /** Written as an integer (no point, no exponent). */
  integer: boolean;
  loc: SourceLoc;
}

export interface SizeValue {
  kind: 'size';
  text: string;
  /** The parts of `AxB` or `AxBxC`, as written (may be unsafe integers: checked later). */
  parts: number[];
  loc: SourceLoc;
}

export interface WordValue {
  kind: 'word';
  text: string;
  loc: SourceLoc;
}

export interface PairValue {
  kind: 'pair';
  text: string;
  first: NumberValue;
  second: NumberValue;
  loc: SourceLoc;
}

export type Value = NumberValue | SizeValue | WordValue | PairValue;

export interface Ident {
  text: string;
  loc: SourceLoc;
}

export interface OptionNode {
  key: Ident;
  /** Null when a syntax error swallowed the value. */
  value: Value | null;
}

/** One line of a network: `input …` or a layer `OP [NAME] option*`. */
export interface StatementNode {
  op: Ident;
  name: Ident | null;
  options: OptionNode[];
}

export interface NetworkNode {
  /** The `network` keyword. */
  loc: SourceLoc;
  name: Ident | null;
  statements: StatementNode[];
  /** A syntax error inside the network made the parser skip part of it. */
  recovered: boolean;
}

export interface FileNode {
  networks: NetworkNode[];
}
