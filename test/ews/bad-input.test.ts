// Bad input on EWS: malformed XML, DTDs (XXE, entity expansion), undeclared entities, deep
// nesting, huge bodies, wrong content types and methods, unknown operations, empty bodies.
// Each gets the protocol's answer — a SOAP fault with HTTP 500 for a bad request, 413/415/405
// at the HTTP level — never a crash or a stack trace, and the server keeps serving.
import t from 'tap';
import { HTTP_TEXTS } from '../../servers/http/ews/replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { https, type Response } from '../helpers/https.js';
import { basic, codes, envelope, EWS, EWS_SEED, ews, faultCode, first, GET_INBOX, soap, textOf } from './helpers.js';

const SOAP12 = (body: string) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><s:Body>${body}</s:Body></s:Envelope>`;

t.test('bad input', async (t) => {
  const gw = await bootGateway(t, { seed: EWS_SEED, limits: { httpMaxBodyBytes: 64 * 1024 } });
  const auth = basic('tom@tailspin.com', 'Tom-Passw0rd!');
  const noStack = (tt: typeof t, res: Response) => tt.notMatch(res.text, /\bat .+\.[jt]s:\d+|Error:|node_modules/, 'no stack trace');
  const schemaError = async (tt: typeof t, body: string, violation: RegExp, contentType = 'text/xml; charset=utf-8') => {
    const res = await ews(gw, auth, body, { 'content-type': contentType });
    tt.equal(res.status, 500, 'HTTP 500');
    tt.equal(faultCode(res), 'ErrorSchemaValidation');
    tt.equal(textOf(first(soap(res), 'detail'), 'Message'), 'The request failed schema validation.');
    tt.match(textOf(first(soap(res), 'Fault'), 'faultstring'), /^The request failed schema validation: /);
    tt.match(textOf(first(soap(res), 'MessageXml'), 'Violation'), violation);
    noStack(tt, res);
    return res;
  };

  await t.test('malformed XML, with the line and position', async (t) => {
    const res = await schemaError(t, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">\n<soap:Body><m:GetFolder></soap:Body>', /closing tag/);
    t.equal(textOf(first(soap(res), 'MessageXml'), 'LineNumber'), '2');
    await schemaError(t, 'this is not xml', /./);
    await schemaError(t, '', /Root element is missing/);
    await schemaError(t, '<a/><b/>', /multiple root elements/);
    await schemaError(t, '<foo xmlns="urn:x"/>', /not a SOAP Envelope/);
    await schemaError(t, envelope('<t:GetFolder/>'), /is not an operation/);
    await schemaError(t, envelope('<m:GetFolder/><m:GetFolder/>'), /more than one operation/);
    await schemaError(t, envelope('<x:GetFolder/>'), /undeclared prefix/);
  });

  await t.test('DTDs are refused: no external entity is fetched, no entity expanded', async (t) => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope('<m:ResolveNames><m:UnresolvedEntry>&xxe;</m:UnresolvedEntry></m:ResolveNames>').replace('<?xml version="1.0" encoding="utf-8"?>', '')}`;
    const res = await schemaError(t, xxe, /DTD is prohibited/);
    t.notMatch(res.text, /root:/, 'nothing of the file');
    const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`;
    await schemaError(t, lol, /DTD is prohibited/);
    await schemaError(t, envelope('<m:ResolveNames><m:UnresolvedEntry>&undeclared;</m:UnresolvedEntry></m:ResolveNames>'), /undeclared entity 'undeclared'/);
    await schemaError(t, envelope('<m:ResolveNames><m:UnresolvedEntry>&#1;</m:UnresolvedEntry></m:ResolveNames>'), /invalid character/);
  });

  await t.test('a DOCTYPE inside CDATA is data, not a DTD', async (t) => {
    const res = await ews(gw, auth, envelope('<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:Subject>html</t:Subject><t:Body BodyType="HTML"><![CDATA[<!DOCTYPE html><p>a & b</p>]]></t:Body></t:Message></m:Items></m:CreateItem>'));
    t.same(codes(res), ['Success:NoError']);
    const drafts = await gw.core.mail.messages(gw.core.directory.userByUpn('tom@tailspin.com')!.id, 'Drafts');
    t.match(drafts.at(-1)!.body.toString(), /<!DOCTYPE html><p>a & b<\/p>/);
  });

  await t.test('deep nesting', async (t) => {
    await schemaError(t, envelope(`${'<t:x>'.repeat(5000)}${'</t:x>'.repeat(5000)}`), /./);
  });

  await t.test('a body over the limit gets 413 and the connection stays usable', async (t) => {
    const huge = envelope(`<m:ResolveNames><m:UnresolvedEntry>${'x'.repeat(200 * 1024)}</m:UnresolvedEntry></m:ResolveNames>`);
    const res = await ews(gw, auth, huge);
    t.equal(res.status, HTTP_TEXTS.tooLarge.status);
    noStack(t, res);
    const after = await ews(gw, auth, GET_INBOX);
    t.same(codes(after), ['Success:NoError'], 'the server keeps serving');
  });

  await t.test('content types and methods', async (t) => {
    for (const contentType of ['application/json', 'text/plain', 'text/xml; charset=iso-2022-jp']) {
      const res = await ews(gw, auth, GET_INBOX, { 'content-type': contentType });
      const expected = HTTP_TEXTS.unsupportedMediaType(contentType);
      t.equal(res.status, expected.status, contentType);
      t.equal(res.text, expected.body);
    }
    const none = await https(gw, 'POST', EWS, { body: GET_INBOX, headers: { authorization: auth } });
    t.equal(none.status, 415, 'no content type');
    const put = await https(gw, 'PUT', EWS, { body: GET_INBOX, headers: { authorization: auth, 'content-type': 'text/xml' } });
    t.equal(put.status, 405);
    t.equal(put.headers.allow, 'GET, HEAD, POST');
    const get = await https(gw, 'GET', '/ews/exchange.asmx', { headers: { authorization: auth } });
    t.equal(get.status, 200, 'GET after sign-in (any case, as IIS matches)');
    t.equal(get.text, HTTP_TEXTS.getPage.body);
    const anonymous = await https(gw, 'GET', EWS);
    t.equal(anonymous.status, 401, 'GET without credentials is refused like any request');
  });

  await t.test('unknown and unimplemented operations', async (t) => {
    for (const op of ['<m:NoSuchOperation/>', '<m:GetUserAvailabilityRequest/>']) {
      const res = await ews(gw, auth, envelope(op));
      t.equal(res.status, 500);
      t.equal(faultCode(res), 'ErrorInvalidRequest');
      noStack(t, res);
    }
    const missing = await ews(gw, auth, envelope('<m:GetItem><m:ItemShape><t:BaseShape>Nope</t:BaseShape></m:ItemShape></m:GetItem>'));
    t.equal(faultCode(missing), 'ErrorSchemaValidation', 'an enumeration value outside the schema');
    const noShape = await ews(gw, auth, envelope('<m:FindItem Traversal="Shallow"><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>'));
    t.equal(faultCode(noShape), 'ErrorSchemaValidation', 'a required element missing');
    const badView = await ews(gw, auth, envelope('<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="lots" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>'));
    t.equal(faultCode(badView), 'ErrorSchemaValidation', 'a paging attribute that is not a number');
  });

  await t.test('SOAP 1.2: answered in SOAP 1.2, faults too', async (t) => {
    const ok = await ews(gw, auth, SOAP12('<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>'), { 'content-type': 'application/soap+xml; charset=utf-8' });
    t.equal(ok.status, 200);
    t.match(ok.headers['content-type'], /^application\/soap\+xml; charset=utf-8/);
    t.match(ok.text, /<s:Envelope xmlns:s="http:\/\/www\.w3\.org\/2003\/05\/soap-envelope">/);
    t.same(codes(ok), ['Success:NoError']);
    const fault = await ews(gw, auth, '<broken', { 'content-type': 'application/soap+xml' });
    t.equal(fault.status, 500);
    t.match(fault.text, /<s:Value>s:Sender<\/s:Value><s:Subcode><s:Value xmlns:a="http:\/\/schemas\.microsoft\.com\/exchange\/services\/2006\/types">a:ErrorSchemaValidation<\/s:Value>/);
  });

  await t.test('after all of it, the server still answers', async (t) => {
    const res = await ews(gw, auth, GET_INBOX);
    t.equal(res.status, 200);
    t.same(codes(res), ['Success:NoError']);
  });
});
