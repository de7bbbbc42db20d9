// Every text the admin center's own pages say, in one table (the diagnostic's, Message Center's
// and the sign-in log's texts come from their APIs and are shown as they answer). None is
// Microsoft's wording: the admin center is exogate's page, labelled as such.
export const ADMIN_TEXTS = Object.freeze({
  product: 'Microsoft 365 admin center',
  label: 'exogate emulation — not Microsoft',
  forbiddenTitle: "You don't have permission",
  forbidden: "You don't have permission to access this page. Only a Global Administrator of the organization can use the admin center.",
  forbiddenDiagnostic: 'The diagnostic says:',
  signedOutTitle: 'You signed out',
  signedOut: 'You signed out of the admin center.',
  signInAgain: 'Sign in again',
  signInFailedTitle: "We couldn't sign you in",
  stateMismatch: 'The sign-in response did not match a sign-in started in this browser, or it expired. Start again.',
  signInError: 'The identity platform refused the sign-in.',
  sessionExpired: 'Your session has expired. Sign in again.',
  csrf: 'The request did not come from an admin center page.',
  noIdToken: 'no id token',
  idTokenMismatch: 'the id token did not match this sign-in',
  noSuchData: 'No such admin center data.',
});
