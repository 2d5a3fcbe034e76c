// Text made safe for XML 1.0 and HTML: ANSI escape codes removed, characters XML forbids shown as \xNN, markup escaped.

// NOTE: CSI and other ESC sequences a terminal-coloured message may carry (ECMA-48).
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// Characters outside XML 1.0's Char production (controls, lone surrogates, U+FFFE/U+FFFF).
const NOT_XML_CHAR = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** `text` as XML character data (also valid in attributes): never breaks the document, whatever it holds. */
export function xmlText(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(NOT_XML_CHAR, (char) => `\\x${(char.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
