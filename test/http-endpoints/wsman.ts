// WS-Management request envelopes as the PowerShell remoting client sends them (MS-PSRP / MS-WSMV).
export const CREATE_MESSAGE_ID = 'uuid:D1D65143-B634-4725-BBF6-869CC4D3062F';

export function wsmanEnvelope(action: string, body = '<rsp:Shell xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" Name="WinRM1"><rsp:InputStreams>stdin pr</rsp:InputStreams><rsp:OutputStreams>stdout</rsp:OutputStreams><creationXml xmlns="http://schemas.microsoft.com/powershell">AAAAAAAAAAE=</creationXml></rsp:Shell>'): string {
  return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd">
<s:Header>
<a:To>https://outlook.office365.com:443/PowerShell-LiveID?BasicAuthToOAuthConversion=true</a:To>
<w:ResourceURI s:mustUnderstand="true">http://schemas.microsoft.com/powershell/Microsoft.Exchange</w:ResourceURI>
<a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>
<a:Action s:mustUnderstand="true">${action}</a:Action>
<w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize>
<a:MessageID>${CREATE_MESSAGE_ID}</a:MessageID>
<w:Locale xml:lang="en-US" s:mustUnderstand="false" />
<w:OptionSet xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" s:mustUnderstand="true"><w:Option Name="protocolversion" MustComply="true">2.3</w:Option></w:OptionSet>
<w:OperationTimeout>PT180.000S</w:OperationTimeout>
</s:Header>
<s:Body>${body}</s:Body>
</s:Envelope>`;
}

export const CREATE = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create';
export const COMMAND = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command';
export const SOAP_HEADERS = { 'content-type': 'application/soap+xml;charset=UTF-8' };
