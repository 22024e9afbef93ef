/** The longest header value written; past it, a value is cut and ends with an ellipsis. */
export const MAX_HEADER_VALUE_LENGTH = 200;

/**
 * `text` as the value of a header field such as Subject: on one line, every run of line breaks and
 * other control characters made one space, so that no value can end its field and start another
 * (`\r\nBcc: …`); without format characters (bidirectional overrides, which could make a subject
 * read otherwise than it is written); and at most {@link MAX_HEADER_VALUE_LENGTH} characters.
 */
export function headerValue(text: string): string {
  const line = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\p{Cf}+/gu, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  return line.length <= MAX_HEADER_VALUE_LENGTH ? line : `${line.slice(0, MAX_HEADER_VALUE_LENGTH - 1)}…`;
}
