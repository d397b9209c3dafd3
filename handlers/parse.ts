import { normalizeText } from '../data/normalize.ts';

/** A chat message split into a command word and its arguments. */
export interface Command {
  /** The first word, lower-cased, without the slash; '' for an empty message. */
  word: string;
  args: string[];
  /** Whether the user typed a slash (／ counts). */
  slash: boolean;
  /** The normalised text. */
  text: string;
}

/**
 * Reads `/rate 福州`, `rate 福州` and `／ｒａｔｅ　福州` alike: NFKC turns full-width letters,
 * slashes and the ideographic space into their ASCII forms. Leading @mentions are dropped
 * (platforms strip the bot's own; this catches others typed by hand).
 */
export function parseCommand(input: string): Command {
  let text = normalizeText(input);
  text = text.replace(/^(@\S+(\s+|$))+/, '').trim();
  const slash = text.startsWith('/');
  if (slash) text = text.slice(1).trim();
  const [first = '', ...args] = text.split(' ').filter((s) => s.length > 0);
  return { word: first.toLowerCase(), args, slash, text };
}
