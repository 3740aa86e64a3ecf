// Tokens of the .cnn language (docs/language.md, "Lexical rules").
//
// Every word is lexed as a `Word`: either a plain `Identifier` or a keyword (`network`,
// `input`, the op names, the option keys), each keyword falling back to Identifier when it
// is only the prefix of a longer name (`convex`). Keeping all words in one category lets
// the parser accept any word where an op or an option key stands, so the checker can say
// "unknown op `convv`, did you mean `conv`?" instead of a bare syntax error.
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /(?:#|\/\/)[^\n\r]*/, group: Lexer.SKIPPED });

/** Any word: an identifier or a keyword. */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Word] });

/** Keywords that begin a statement inside a network: `input` and the six ops. */
export const StatementKeyword = createToken({ name: 'StatementKeyword', pattern: Lexer.NA, categories: [Word] });
/** Option keys; they are keywords too, so they cannot be layer names. */
export const KeyKeyword = createToken({ name: 'KeyKeyword', pattern: Lexer.NA, categories: [Word] });

function keyword(word: string, category: TokenType): TokenType {
  return createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    categories: [category],
    longer_alt: Identifier,
  });
}

export const Network = createToken({ name: 'Network', pattern: /network/, categories: [Word], longer_alt: Identifier });

export const OPS = ['conv', 'bn', 'relu', 'pool', 'full', 'softmax'] as const;
export const OPTION_KEYS = ['shape', 'batch', 'out', 'kernel', 'anchor', 'eps', 'momentum', 'mode', 'size', 'stride', 'round', 'bias'] as const;
/** Words that cannot be names (docs/language.md). */
export const KEYWORDS: readonly string[] = ['network', 'input', ...OPS, ...OPTION_KEYS];

const statementKeywords = ['input', ...OPS].map((w) => keyword(w, StatementKeyword));
const keyKeywords = OPTION_KEYS.map((w) => keyword(w, KeyKeyword));

// `AxB` or `AxBxC` (any count of parts is lexed; the checker says how many it wants).
// It must be tried before Number, or `5x6` would lex as `5` and the identifier `x6`.
// Neither a size nor a number may run into letters: `3x`, `28x28x`, `5a` are one malformed
// token (so the message quotes what was written) rather than a number and a stray name.
export const Size = createToken({ name: 'Size', pattern: /\d+(?:x\d+)+(?![\w.])/ });
/** Integers and decimals, optionally negative, optionally with an exponent: `-1`, `0.1`, `1e-5`. */
export const NumberLit = createToken({ name: 'Number', pattern: /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])/ });
/** A number running into letters; no rule accepts it, so it is always a syntax error. */
export const Malformed = createToken({ name: 'Malformed', pattern: /-?[\d.][\w.]*/ });

export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });

export const allTokens: TokenType[] = [
  WhiteSpace, Comment,
  Network, ...statementKeywords, ...keyKeywords,
  Word, StatementKeyword, KeyKeyword, Identifier,
  Size, NumberLit, Malformed,
  Equals, LCurly, RCurly, LParen, RParen, Comma,
];

export const CnnLexer = new Lexer(allTokens, { ensureOptimizations: false, positionTracking: 'full' });
