import { describe, expect, it } from 'vitest';
import { CommandLineError, shellQuote, splitCommand } from '../../conformance/command-line.ts';

describe('splitCommand (an --adapter command without a shell)', () => {
  it('splits on blanks and honours quotes and escapes as sh does', () => {
    expect(splitCommand('npx tsx  examples/mutants/x.ts')).toEqual(['npx', 'tsx', 'examples/mutants/x.ts']);
    expect(splitCommand(`python3 -c 'print("a b")' "x \\"y\\"" z\\ w`)).toEqual(['python3', '-c', 'print("a b")', 'x "y"', 'z w']);
    expect(splitCommand(`a '' b`)).toEqual(['a', '', 'b']);
  });

  it('expands nothing: variables, globs and pipes stay words', () => {
    expect(splitCommand('echo $HOME *.ts | cat')).toEqual(['echo', '$HOME', '*.ts', '|', 'cat']);
  });

  it('refuses unterminated quotes and empty commands', () => {
    expect(() => splitCommand(`a 'b`)).toThrow(CommandLineError);
    expect(() => splitCommand('   ')).toThrow(CommandLineError);
  });

  it('quotes for a replay line that splits back to the same words', () => {
    for (const words of [['node', 'cli/svcspec.js', 'serve'], ['python3', "it's here.py"], ['a b', '$x']]) {
      expect(splitCommand(words.map(shellQuote).join(' '))).toEqual(words);
    }
  });
});
