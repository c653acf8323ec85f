/**
 * Characters that text a user types into a program may not hold. Nothing is
 * stripped or replaced: text is stored exactly as sent or refused, so what a
 * client shows after saving is what it sent.
 *
 * Names (programs, workouts, exercises) are one line of plain text shown in
 * lists, logs and history. They refuse:
 * - control characters: C0 (U+0000–U+001F, tab and newlines included), DEL
 *   (U+007F) and C1 (U+0080–U+009F): invisible, they break layouts and logs;
 * - bidirectional formatting: embeddings and overrides (U+202A–U+202E),
 *   isolates (U+2066–U+2069) and marks (U+200E, U+200F, U+061C): they make a
 *   name display as something other than what it holds;
 * - line and paragraph separators (U+2028, U+2029): a name is one line;
 * - lone UTF-16 surrogates: not characters at all; a database would store a
 *   replacement character instead.
 *
 * Notes are free text written in any script: line breaks (tab, LF, CR,
 * U+2028, U+2029) and the bidirectional marks (U+200E, U+200F, U+061C) that
 * right-to-left keyboards insert are legitimate there. The other controls,
 * embeddings, overrides, isolates and lone surrogates are refused as in names.
 */
const IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Surrogate}/u;
const IN_NOTES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Surrogate}/u;

export type TextKind = 'name' | 'notes';

/** The first forbidden character of `text` as `U+XXXX`, with its 1-based position in code points; null when there is none. */
export function forbiddenCharacter(text: string, kind: TextKind): { readonly codePoint: string; readonly position: number } | null {
  const pattern = kind === 'name' ? IN_NAMES : IN_NOTES;
  const match = pattern.exec(text);
  if (!match) return null;
  const codePoint = `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return { codePoint, position: [...text.slice(0, match.index)].length + 1 };
}
