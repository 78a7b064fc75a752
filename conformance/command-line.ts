/**
 * `--adapter "CMD"` as an argument vector, without a shell: words split on blanks, with '…' and
 * "…" quoting and backslash escapes as a POSIX shell reads them, but no expansion of any kind
 * (no variables, globs, pipes or redirections — pass --shell for those).
 */

export class CommandLineError extends Error {}

export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError(`unterminated ' in adapter command: ${text}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1])) j++;
        word += text[j];
      }
      if (j >= text.length) throw new CommandLineError(`unterminated " in adapter command: ${text}`);
      i = j;
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new CommandLineError('the adapter command is empty');
  return words;
}

/** Quotes one argument for a POSIX shell, so a printed replay command can be pasted as it is. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
