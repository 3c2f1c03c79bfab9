/** The most characters of a client's input a message repeats. */
export const ECHO_LIMIT = 64;

/**
 * A client's value as a message quotes it: in double quotes, cut to its first `ECHO_LIMIT`
 * characters (a 15 KB path segment is not sent back in full, nor written to every log line),
 * control characters escaped so that the message stays one readable line.
 */
export function echoInput(value: string): string {
  const cut = value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value;
  return JSON.stringify(cut);
}

/** An ID as a message names it: unquoted, cut as `echoInput` cuts, control characters escaped. */
export function echoId(value: string): string {
  const cut = value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
