/**
 * Finds a key given twice in one JSON object. `JSON.parse` keeps the last value while grep, jq
 * streaming or a first-key-wins reader see the first: a forged line can show one tool to the
 * eye and hash as another (issue 14, item 5). Pure; assumes text that `JSON.parse` accepts.
 */

/** The first key found twice in one object of `text`, or undefined. */
export function duplicateKey(text: string): string | undefined {
  const objects: Set<string>[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '{') objects.push(new Set());
    else if (c === '}') objects.pop();
    else if (c === '"') {
      const end = stringEnd(text, i);
      const keys = objects.at(-1);
      if (keys !== undefined && isKey(text, end)) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    }
    i += 1;
  }
  return undefined;
}

/** Index of the closing quote of the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

/** A string is a key when the next non-blank character is a colon. */
function isKey(text: string, end: number): boolean {
  let i = end + 1;
  while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
  return text[i] === ':';
}
