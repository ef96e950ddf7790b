/**
 * Cutting long text into slices for streaming (hashing, encrypting, JSON-escaping a 36 MB
 * manifest) without ever splitting a UTF-16 surrogate pair, which UTF-8 encoders and
 * JSON.stringify would then treat as two lone surrogates.
 */

/**
 * The slices of `text`, in order, of at most `units` UTF-16 code units each (one fewer
 * where a slice would end between the two halves of a surrogate pair).
 * @param text the whole text, or its pieces in order, none ending inside a surrogate pair.
 * @param units the longest slice, code units; at least 2.
 */
export function* textSlices(text: string | Iterable<string>, units: number): Generator<string> {
  for (const piece of typeof text === 'string' ? [text] : text) {
    for (let at = 0; at < piece.length; ) {
      let end = Math.min(at + units, piece.length);
      const last = piece.charCodeAt(end - 1);
      if (end < piece.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      yield piece.slice(at, end);
      at = end;
    }
  }
}
