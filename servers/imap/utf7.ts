// Mailbox names on the IMAP wire are "modified UTF-7" (RFC 3501 §5.1.3): printable ASCII as is
// ("&" as "&-"), everything else as base64 of UTF-16BE between "&" and "-", with "," for "/".

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending = '';
  const flush = () => {
    if (!pending) return;
    const utf16 = Buffer.from(pending, 'utf16le').swap16();
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else pending += ch;
  }
  flush();
  return out;
}

/** Decodes a mailbox name from the wire; malformed shift sequences are kept literally. */
export function decodeMailboxName(wire: string): string {
  return wire.replace(/&([A-Za-z0-9+,]*)-/g, (whole, b64: string) => {
    if (!b64) return '&';
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2) return whole;
    return bytes.swap16().toString('utf16le');
  });
}
