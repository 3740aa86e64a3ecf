// The .cnn grammar (docs/language.md, "Structure") as a Chevrotain CST parser with error
// recovery, so one run reports every syntax error of a file.
//
// The grammar is deliberately looser than docs/language.md's: every line inside a network is a
// `statement` (a word, an optional name, options), whether it is `input`, a known op or a
// misspelt one, and every option is `word = value` whatever the word and the value. The
// front end then checks each statement against its op's schema, which gives far better
// messages ("unknown option `kernal` for conv; did you mean `kernel`?", "out must be an
// integer, not the size 5x5") than a parser could.
//
//   file      := network*
//   network   := 'network' NAME '{' statement* '}'
//   statement := WORD [NAME] keyValue*        # NAME: an identifier that is no keyword
//   keyValue  := WORD '=' value
//   value     := SIZE | NUMBER | NAME | pair
//   pair      := '(' NUMBER ',' NUMBER ')'
import { CstParser, tokenMatcher, type IParserErrorMessageProvider, type TokenType, type IToken } from 'chevrotain';
import {
  allTokens, Comma, Equals, Identifier, LCurly, LParen, Network, NumberLit, RCurly, RParen, Size, StatementKeyword, Word,
} from './tokens.js';

/** How a token kind reads in a message. */
export function describeTokenType(t: TokenType): string {
  switch (t.name) {
    case 'Word': return 'a word';
    case 'Identifier': return 'a name';
    case 'RCurly': return "'}'";
    case 'Number': return 'a number';
    case 'Size': return 'a size like 3x3';
    case 'Network': return "'network'";
    case 'EOF': return 'the end of the file';
    default: return t.LABEL ?? t.name;
  }
}

export function describeToken(t: IToken): string {
  if (t.tokenType.name === 'EOF') return 'the end of the file';
  return `'${t.image}'`;
}

function oneOf(names: string[]): string {
  const unique = [...new Set(names)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected.name === 'EOF') return `expected 'network', found ${describeToken(actual)}`;
    if (expected.name === 'Identifier' && tokenMatcher(actual, Word)) {
      return `expected a name, found the keyword '${actual.image}' (keywords cannot be names)`;
    }
    if (expected.name === 'RCurly' && ruleName === 'network') return `expected an op or '}', found ${describeToken(actual)}`;
    return `${ruleContext(ruleName)}expected ${describeTokenType(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected 'network' to start another network, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    if (ruleName === 'value') return `expected a value (a number, a size like 3x3, a word or a pair like (1,2)), found ${describeToken(actual[0])}`;
    const firsts = expectedPathsPerAlt.flat().map((path) => describeTokenType(path[0]));
    return `${ruleContext(ruleName)}expected ${oneOf(firsts)}, found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = expectedIterationPaths.map((path) => describeTokenType(path[0]));
    return `${ruleContext(ruleName)}expected ${oneOf(firsts)}, found ${describeToken(actual[0])}`;
  },
};

function ruleContext(rule: string): string {
  switch (rule) {
    case 'pair': return 'in a pair: ';
    default: return '';
  }
}

export class CnnParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, errorMessageProvider: messages, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.network));
  });

  public network = this.RULE('network', () => {
    this.CONSUME(Network);
    // Any word, so that `network input {` parses on; the checker says keywords are no names.
    this.CONSUME(Word, { LABEL: 'name' });
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(RCurly);
  });

  public statement = this.RULE('statement', () => {
    this.CONSUME(Word, { LABEL: 'op' });
    // Chevrotain picks repetitions greedily on one token; a word starts a name, an option
    // or the next statement, and only the token after it tells which.
    this.OPTION({
      GATE: () => this.LA(1).tokenType === Identifier && this.LA(2).tokenType !== Equals,
      DEF: () => this.CONSUME2(Identifier, { LABEL: 'name' }),
    });
    this.MANY({
      // `relu =` is a broken statement, not an option named relu of the layer before.
      GATE: () => this.LA(2).tokenType === Equals && !tokenMatcher(this.LA(1), StatementKeyword),
      DEF: () => this.SUBRULE(this.keyValue),
    });
  });

  public keyValue = this.RULE('keyValue', () => {
    this.CONSUME(Word, { LABEL: 'key' });
    this.CONSUME(Equals);
    this.SUBRULE(this.value);
  });

  public value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(Size) },
      { ALT: () => this.CONSUME(NumberLit) },
      // Only plain identifiers (`ceil`, `true`, `position`): a keyword here is more likely
      // the next statement after a forgotten value, as in `out=` then `relu`.
      { ALT: () => this.CONSUME(Identifier, { LABEL: 'word' }) },
      { ALT: () => this.SUBRULE(this.pair) },
    ]);
  });

  public pair = this.RULE('pair', () => {
    this.CONSUME(LParen);
    this.CONSUME(NumberLit, { LABEL: 'first' });
    this.CONSUME(Comma);
    this.CONSUME2(NumberLit, { LABEL: 'second' });
    this.CONSUME(RParen);
  });
}

/** One parser instance is enough: Chevrotain parsers are reset by setting `input`. */
export const parser = new CnnParser();
