/**
 * `text` as the value of a header field such as Subject: on one line, every run of line breaks and
 * other control characters made one space, so that no value can end its field and start another
 * (`\r\nBcc: …`).
 */
export function headerValue(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}
