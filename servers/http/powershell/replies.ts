// Remote PowerShell's wire strings (`/PowerShell-LiveID`, WS-Management over SOAP 1.2). exogate
// emulates Remote PowerShell's sign-in: a signed-in administrator can create a shell (WS-Transfer
// Create, answered with a shell id); every other WS-Management action is refused with a fault
// that says the emulator does not run commands. The faults' texts are WinRM's where known; the
// ones marked UNCONFIRMED are exogate's choices (reference §5.7: EXO's texts are unknown).

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  shell: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  wsmanFault: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
} as const;

export const ACTIONS = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  createResponse: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse',
  fault: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault',
} as const;

export const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
/** The session configuration Exchange Online's Remote PowerShell offers. */
export const EXCHANGE_RESOURCE_URI = 'http://schemas.microsoft.com/powershell/Microsoft.Exchange';

export const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

/** Shell values in the Create response (WinRM's defaults for a PowerShell shell). */
export const SHELL = { idleTimeOut: 'PT900.000S', inputStreams: 'stdin pr', outputStreams: 'stdout' } as const;

export interface WsmanFault {
  code: 's:Sender' | 's:Receiver';
  subcode: string;
  /** The Win32 error a WSManFault's Code attribute carries, where one applies (5: access denied). */
  wsmanCode?: number;
  message: string;
}

/** Every fault is HTTP 500, as WinRM sends them. */
export const FAULT_STATUS = 500;

export const FAULTS = {
  /**
   * A signed-in user who is no Exchange administrator (UNCONFIRMED for Exchange Online: this is
   * Exchange's own "no management roles" text, reported by WinRM as "Access is denied").
   */
  notAdmin: (upn: string): WsmanFault => ({
    code: 's:Sender',
    subcode: 'w:AccessDenied',
    wsmanCode: 5,
    message: `The user "${upn}" isn't assigned to any management roles.`,
  }),
  /** A WS-Management action other than creating a shell: the emulator runs no commands. */
  actionNotSupported: (action: string): WsmanFault => ({
    code: 's:Sender',
    subcode: 'a:ActionNotSupported',
    message: `The WS-Management service does not support the specified action '${action}'. exogate emulates the sign-in of Remote PowerShell and creates shells; it runs no commands.`,
  }),
  invalidXml: (): WsmanFault => ({
    code: 's:Sender',
    subcode: 'w:SchemaValidationError',
    message: 'The WS-Management service cannot process the request because the XML is invalid.',
  }),
  /** UNCONFIRMED text: WinRM's MaxEnvelopeSize refusal. */
  tooLarge: (): WsmanFault => ({
    code: 's:Sender',
    subcode: 'w:EncodingLimit',
    message: 'The WS-Management service cannot process the request because the request envelope size exceeds the maximum envelope size.',
  }),
  /** A request the gateway failed on; the detail stays in the log. */
  internal: (): WsmanFault => ({
    code: 's:Receiver',
    subcode: 'w:InternalError',
    message: 'The WS-Management service cannot process the request. The service encountered an internal error.',
  }),
};
