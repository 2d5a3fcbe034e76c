// XML text: ANSI codes removed, characters XML 1.0 forbids made visible, markup and "]]>" escaped.
import { describe, expect, it } from 'vitest';
import { xmlText } from './xml-text.js';

describe('xmlText', () => {
  it('removes ANSI colour and cursor codes', () => {
    expect(xmlText('\u001b[31mFAIL\u001b[0m \u001b[2K\u001b]0;title\u0007done')).toBe('FAIL done');
  });

  it('shows control characters, lone surrogates and U+FFFF as \\xNN text; keeps tab, newline, CR', () => {
    expect(xmlText('a\u0000b\u0007c\u001fd\tx\ny\rz')).toBe('a\\x00b\\x07c\\x1fd\tx\ny\rz');
    expect(xmlText('s\ud800t\uffff')).toBe('s\\xd800t\\xffff');
    expect(xmlText('pen \u{1f58a}')).toBe('pen \u{1f58a}');
  });

  it('escapes markup, quotes and the CDATA end', () => {
    expect(xmlText(`<a href="x" b='y'>&]]></a>`)).toBe(
      '&lt;a href=&quot;x&quot; b=&apos;y&apos;&gt;&amp;]]&gt;&lt;/a&gt;',
    );
  });
});
