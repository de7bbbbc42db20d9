// Every string EWS puts on the wire besides the data itself: response codes with their
// MessageText, SOAP fault texts, and the HTTP-level answers outside SOAP. One table; operations
// and tests name an entry by its key.
//
// Sources: the EWS ResponseCodeType enumeration (the codes) and texts seen in published EWS
// responses (GitHub issues of ews-managed-api, exchangelib, php-ews). The reference
// (exchange-online-behaviour.md) has no EWS body captures, so every text below is UNCONFIRMED
// against it; the ones marked (choice) were not found in any capture and are the most plausible
// wording in Exchange's style.

/** Exchange Online's EWS schema version in ServerVersionInfo (EXO answers V2018_01_08). */
export const SERVER_SCHEMA_VERSION = 'V2018_01_08';

export interface EwsError {
  code: string;
  text: string;
}

const e = (code: string, text: string): EwsError => ({ code, text });

export const EWS_ERRORS = {
  // Request-level (SOAP faults, HTTP 500).
  schemaValidation: e('ErrorSchemaValidation', 'The request failed schema validation.'),
  /** App-only token without ExchangeImpersonation: faultcode and text as captured (ews-managed-api #212/#245). */
  impersonationRequired: e('ErrorInvalidExchangeImpersonationHeaderData', 'ExchangeImpersonation SOAP header must be present for this type of OAuth token.'),
  impersonationHeaderInvalid: e('ErrorInvalidExchangeImpersonationHeaderData', 'The impersonation header data is invalid.'),
  impersonateUserDenied: e('ErrorImpersonateUserDenied', 'The account does not have permission to impersonate the requested user.'),
  nonExistentMailbox: e('ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.'),
  /** (choice) A SOAP operation exogate does not implement, or one EWS does not have. */
  operationNotSupported: e('ErrorInvalidRequest', 'The request is invalid.'),
  internalServerError: e('ErrorInternalServerError', 'An internal server error occurred. The operation failed.'),

  // Item-level (ResponseClass="Error" inside a 200).
  itemNotFound: e('ErrorItemNotFound', 'The specified object was not found in the store., The process failed to get the correct properties.'),
  folderNotFound: e('ErrorFolderNotFound', 'The specified folder could not be found in the store.'),
  invalidIdMalformed: e('ErrorInvalidIdMalformed', 'Id is malformed.'),
  accessDenied: e('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  messageDispositionRequired: e('ErrorMessageDispositionRequired', 'MessageDisposition attribute is required.'),
  /** (choice) SaveOnly/SendOnly given for an item that has no recipients to send to. */
  invalidRecipients: e('ErrorInvalidRecipients', 'At least one recipient is not valid., A message can\'t be sent because it contains no recipients.'),
  sendAsDenied: e('ErrorSendAsDenied', 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.'),
  irresolvableConflict: e('ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.'),
  invalidPropertySet: e('ErrorInvalidPropertySet', 'Set action is invalid for property.'),
  /** (choice) A restriction on a property exogate does not filter on. */
  unsupportedPathForQuery: e('ErrorUnsupportedPathForQuery', 'The property path is not supported for queries.'),
  /** (choice) MimeContent that is not base64. */
  invalidMime: e('ErrorMimeContentInvalidBase64String', 'The MIME content is not a valid Base64 string.'),
  /** (choice) An item that is not a message: exogate's store holds mail only. */
  itemTypeNotSupported: e('ErrorInvalidOperation', 'The operation is not valid for this item type.'),
  nameResolutionNoResults: e('ErrorNameResolutionNoResults', 'No results were found.'),
  nameResolutionMultipleResults: e('ErrorNameResolutionMultipleResults', 'Multiple results were found.'),
} as const satisfies Record<string, EwsError>;

/**
 * Answers outside SOAP. (choice) A body over the limit gets 413, as IIS/WCF answer a request
 * past maxReceivedMessageSize; a content type other than SOAP's gets WCF's 415 with its text.
 */
export const HTTP_TEXTS = {
  tooLarge: { status: 413, contentType: 'text/html', body: '<!DOCTYPE html><html><head><title>413 - Request Entity Too Large</title></head><body><h2>413 - Request Entity Too Large</h2></body></html>' },
  unsupportedMediaType: (got: string) => ({
    status: 415,
    contentType: 'text/plain',
    body: `Cannot process the message because the content type '${got}' was not the expected type 'text/xml; charset=utf-8'.`,
  }),
  /** What a browser sees on GET /EWS/Exchange.asmx after signing in (no WSDL is served). */
  getPage: {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html><html><head><title>Exchange Web Services</title></head><body><p>You have created a service.</p><p>To test this service, you will need to create a client and use it to call the service.</p></body></html>',
  },
  methodNotAllowed: { status: 405, contentType: 'text/html', body: '<!DOCTYPE html><html><head><title>405 - Method Not Allowed</title></head><body><h2>405 - HTTP verb used to access this page is not allowed.</h2></body></html>' },
} as const;
