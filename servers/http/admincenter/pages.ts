// The bodies of the admin center's pages: the server renders the frame (forms, filters, empty
// tables); admin.js fills them from the JSON APIs. The diagnostic follows reference §0 step by
// step: Run Tests → the disabled list (or the "none" text) → one protocol or the Outlook group →
// the warning ticked → Update Settings → the answer.
import { PROTOCOL_IDS, PROTOCOLS } from '../../../core/protocols.js';
import { escapeHtml } from '../html.js';
import { EXPORT_MAX_ROWS } from '../graph/signins-replies.js';
import { ADMIN_TEXTS } from './texts.js';

export function diagnosticBody(): string {
  return `<section class="card" aria-labelledby="diag-title">
<h2 id="diag-title">Diag: Enable Basic Auth in EXO</h2>
<p>Checks which protocols Microsoft disabled Basic authentication for in your organization. Re-enable one protocol, or the Outlook group, per run; or opt a protocol out of a scheduled disablement before its date.</p>
<button type="button" id="run-tests" class="primary">Run Tests</button>
<div id="diag-status" role="status" aria-live="polite"></div>
<div id="diag-result" hidden>
<p id="diag-message"></p>
<p id="diag-notice" class="warn" hidden></p>
<form id="diag-form" hidden>
<fieldset id="diag-choices"><legend>Select one protocol</legend><div id="diag-options"></div></fieldset>
<div class="warning-box"><label><input type="checkbox" id="accept-warning" name="acceptWarning"> <span id="diag-warning"></span></label></div>
<button type="submit" id="update-settings" class="primary">Update Settings</button>
</form>
<div id="diag-answer" role="alert" hidden></div>
</div>
</section>`;
}

export function messagesBody(): string {
  return `<section class="card" aria-labelledby="mc-title"><h2 id="mc-title">Messages</h2>
<div id="mc-status" role="status" aria-live="polite"></div>
<table class="list" id="mc-table"><thead><tr><th scope="col">Title</th><th scope="col">Message ID</th><th scope="col">Last updated</th><th scope="col">Category</th><th scope="col">Act by</th></tr></thead><tbody></tbody></table>
</section>
<section class="card" id="mc-detail" hidden aria-labelledby="mc-detail-title"><h2 id="mc-detail-title"></h2><p class="meta" id="mc-detail-meta"></p>
<iframe id="mc-body" title="Message body" sandbox=""></iframe></section>
<section class="card" aria-labelledby="sh-title"><h2 id="sh-title">Service health</h2>
<table class="list" id="sh-table"><thead><tr><th scope="col">Issue</th><th scope="col">ID</th><th scope="col">Classification</th><th scope="col">Status</th><th scope="col">Start</th></tr></thead><tbody></tbody></table>
</section>`;
}

const CLIENT_APPS = [...new Set([...PROTOCOL_IDS.map((p) => PROTOCOLS[p].clientAppUsed), 'Browser', 'Mobile Apps and Desktop clients', 'Other clients'])];

export function signInsBody(): string {
  const options = CLIENT_APPS.map((a) => `<option value="${escapeHtml(a)}">${escapeHtml(a)}</option>`).join('');
  return `<section class="card" aria-labelledby="si-title"><h2 id="si-title">Sign-ins</h2>
<form id="si-filters" class="filters">
<label>User <input type="text" id="f-user" name="user" placeholder="user@contoso.com or a prefix"></label>
<label>Client app <select id="f-app" name="app"><option value="">Any</option>${options}</select></label>
<label>Status <select id="f-status" name="status"><option value="">Any</option><option value="success">Success</option><option value="failure">Failure</option></select></label>
<label>From <input type="date" id="f-from" name="from"></label>
<label>To <input type="date" id="f-to" name="to"></label>
<button type="submit" class="primary" id="f-apply">Apply</button>
</form>
<p class="downloads"><button type="button" id="dl-csv">Download CSV</button> <button type="button" id="dl-json">Download JSON</button>
<span class="hint">At most ${EXPORT_MAX_ROWS.toLocaleString('en-US')} sign-ins per file; use the Graph API for more.</span></p>
<div id="si-status" role="status" aria-live="polite"></div>
<table class="list" id="si-table"><thead><tr><th scope="col">Date (UTC)</th><th scope="col">User</th><th scope="col">Application</th><th scope="col">Client app</th><th scope="col">IP address</th><th scope="col">Status</th><th scope="col">Failure reason</th></tr></thead><tbody></tbody></table>
<p><button type="button" id="si-next" hidden>Load more</button></p>
</section>`;
}

export function usageBody(): string {
  return `<section class="card" aria-labelledby="u-title"><h2 id="u-title">Basic authentication sign-ins per protocol</h2>
<form id="u-filters" class="filters">
<label>From <input type="date" id="u-from" name="from"></label>
<label>To <input type="date" id="u-to" name="to"></label>
<button type="submit" class="primary">Show</button>
</form>
<div id="u-status" role="status" aria-live="polite"></div>
<div id="usage-chart" class="chart" role="img" aria-label="Successful Basic authentication sign-ins per protocol per day"></div>
<table class="list" id="u-days"><caption>Successful sign-ins per protocol (Basic / OAuth) over the period</caption><thead><tr><th scope="col">Protocol</th><th scope="col">Basic</th><th scope="col">OAuth</th><th scope="col">Last day with Basic</th></tr></thead><tbody></tbody></table>
</section>
<section class="card" aria-labelledby="uc-title"><h2 id="uc-title">Who used Basic authentication</h2>
<table class="list" id="u-clients"><thead><tr><th scope="col">User</th><th scope="col">Protocol</th><th scope="col">Client (device id or user agent)</th><th scope="col">Sign-ins</th><th scope="col">First day</th><th scope="col">Last seen (UTC)</th></tr></thead><tbody></tbody></table>
</section>`;
}

export function forbiddenBody(diagnosticText: string | null): string {
  return `<section class="card" role="alert"><p>${escapeHtml(ADMIN_TEXTS.forbidden)}</p>${
    diagnosticText ? `<p>${escapeHtml(ADMIN_TEXTS.forbiddenDiagnostic)} <span id="diagnostic-refusal">${escapeHtml(diagnosticText)}</span></p>` : ''
  }</section>`;
}

export function messageBody(text: string, link?: { href: string; label: string }): string {
  return `<section class="card"><p role="alert">${escapeHtml(text)}</p>${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : ''}</section>`;
}
