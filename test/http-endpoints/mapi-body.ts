// MAPI/HTTP request bodies as Outlook sends them (MS-OXCMAPIHTTP §2.2.4.1.1, §2.2.5.1.1).

/** A Connect request body (MS-OXCMAPIHTTP §2.2.4.1.1). */
export function connectBody(userDn: string): Buffer {
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32LE(0, 0); // Flags
  fixed.writeUInt32LE(1252, 4); // DefaultCodePage
  fixed.writeUInt32LE(1033, 8); // LcidSort
  fixed.writeUInt32LE(1033, 12); // LcidString
  fixed.writeUInt32LE(0, 16); // AuxiliaryBufferSize
  return Buffer.concat([Buffer.from(`${userDn}\0`, 'latin1'), fixed]);
}

/** A Bind request body (§2.2.5.1.1) without a STAT. */
export function bindBody(): Buffer {
  return Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

