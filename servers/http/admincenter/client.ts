// The admin center's page script and style sheet, served from /admin/assets. The script calls
// the JSON APIs through the admin center's own same-origin paths (/admin/data/...), which add the
// session's Graph token on the server: the token never reaches the page. Data is put into the
// page with textContent only; a Message Center body (HTML) is shown in a sandboxed iframe.
// Plain ES2020, no framework, no template literals (this file embeds it in one).

export const ADMIN_JS = `'use strict';
(function () {
  var csrfMeta = document.querySelector('meta[name="exogate-csrf"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var $ = function (id) { return document.getElementById(id); };

  function api(path, options) {
    options = options || {};
    var headers = { accept: 'application/json' };
    var init = { method: options.method || 'GET', headers: headers, credentials: 'same-origin' };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['x-exogate-csrf'] = csrf;
      init.body = JSON.stringify(options.body);
    }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (res.status === 401 && data && data.error && data.error.code === 'sessionExpired') {
          location.href = '/admin?returnTo=' + encodeURIComponent(location.pathname);
        }
        return { status: res.status, ok: res.ok, data: data, headers: res.headers };
      });
    });
  }

  function errorText(r) {
    if (r.data && r.data.error && r.data.error.message) return r.data.error.message;
    return 'The request failed (HTTP ' + r.status + ').';
  }

  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) {
      var td = document.createElement('td');
      if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? '' : String(c);
      tr.appendChild(td);
    });
    return tr;
  }

  function status(id, text, isError) {
    var s = $(id);
    if (!s) return;
    s.textContent = text || '';
    s.className = isError ? 'error' : '';
  }

  var utc = function (iso) { return iso ? iso.replace('T', ' ').replace(/\\.\\d+Z$|Z$/, '') : ''; };

  // --- the diagnostic (reference §0) ---
  function initDiagnostic() {
    var tests = null;
    $('run-tests').addEventListener('click', function () {
      status('diag-status', 'Running tests...');
      $('diag-answer').hidden = true;
      api('/admin/data/api/diagnostic').then(function (r) {
        status('diag-status', '');
        $('diag-result').hidden = false;
        if (!r.ok) {
          tests = null;
          $('diag-message').textContent = errorText(r);
          $('diag-message').className = 'error';
          $('diag-form').hidden = true;
          return;
        }
        tests = r.data;
        $('diag-message').className = '';
        $('diag-message').textContent = tests.message;
        var notice = $('diag-notice');
        notice.hidden = !tests.notice;
        notice.textContent = tests.notice || '';
        $('diag-warning').textContent = tests.warning;
        $('accept-warning').checked = false;
        var options = $('diag-options');
        options.textContent = '';
        var choices = [];
        if (tests.actions.indexOf('re-enable') >= 0) {
          tests.disabled.forEach(function (p) { choices.push({ action: 're-enable', protocol: p.id, label: 'Re-enable ' + p.displayName }); });
          var outlook = tests.disabled.filter(function (p) { return ['mapi', 'rpc', 'oab', 'ews'].indexOf(p.id) >= 0; });
          if (outlook.length > 1) choices.push({ action: 're-enable', protocol: 'outlook', label: 'Re-enable Outlook (MAPI, RPC, OAB, EWS)' });
        }
        if (tests.actions.indexOf('opt-out') >= 0) {
          tests.pending.forEach(function (d) {
            d.protocols.forEach(function (p) { choices.push({ action: 'opt-out', protocol: p.id, label: 'Opt out: keep ' + p.displayName + ' (scheduled for ' + d.date.slice(0, 10) + ')' }); });
          });
        }
        choices.forEach(function (c, i) {
          var id = 'choice-' + c.action + '-' + c.protocol;
          var label = el('label', null, { for: id });
          var input = el('input', null, { type: 'radio', name: 'choice', id: id, value: c.action + ':' + c.protocol });
          if (i === 0) input.required = true;
          label.appendChild(input);
          label.appendChild(document.createTextNode(' ' + c.label));
          options.appendChild(label);
        });
        $('diag-form').hidden = choices.length === 0;
      });
    });
    $('diag-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var chosen = document.querySelector('input[name="choice"]:checked');
      if (!chosen) return;
      var parts = chosen.value.split(':');
      var button = $('update-settings');
      button.disabled = true;
      api('/admin/data/api/diagnostic', { method: 'POST', body: { action: parts[0], protocol: parts[1], acceptWarning: $('accept-warning').checked } }).then(function (r) {
        button.disabled = false;
        var answer = $('diag-answer');
        answer.hidden = false;
        answer.className = r.ok ? 'ok' : 'error';
        answer.textContent = r.ok ? r.data.message + ' (effective ' + utc(r.data.effectiveAt) + ' UTC)' : errorText(r);
      });
    });
  }

  // --- Message center and service health ---
  function initMessages() {
    var base = '/admin/data/graph/v1.0/admin/serviceAnnouncement/';
    status('mc-status', 'Loading...');
    api(base + 'messages?$top=100').then(function (r) {
      if (!r.ok) return status('mc-status', errorText(r), true);
      var body = document.querySelector('#mc-table tbody');
      body.textContent = '';
      status('mc-status', r.data.value.length ? '' : 'No messages.');
      r.data.value.forEach(function (m) {
        var link = el('a', m.title, { href: '#' + m.id });
        link.addEventListener('click', function (ev) {
          ev.preventDefault();
          $('mc-detail').hidden = false;
          $('mc-detail-title').textContent = m.title;
          $('mc-detail-meta').textContent = m.id + ' · ' + m.category + ' · ' + utc(m.startDateTime) + ' UTC' + (m.actionRequiredByDateTime ? ' · act by ' + utc(m.actionRequiredByDateTime) + ' UTC' : '');
          $('mc-body').srcdoc = m.body && m.body.content ? m.body.content : '';
          $('mc-detail-title').focus && $('mc-detail').scrollIntoView();
        });
        body.appendChild(row([link, m.id, utc(m.lastModifiedDateTime || m.startDateTime), m.category, utc(m.actionRequiredByDateTime)]));
      });
    });
    api(base + 'issues?$top=100').then(function (r) {
      if (!r.ok) return;
      var body = document.querySelector('#sh-table tbody');
      body.textContent = '';
      r.data.value.forEach(function (i) { body.appendChild(row([i.title, i.id, i.classification, i.status, utc(i.startDateTime)])); });
    });
  }

  // --- sign-in logs ---
  function quote(s) { return "'" + s.replace(/'/g, "''") + "'"; }

  function signInFilter() {
    var parts = [];
    var user = $('f-user').value.trim();
    if (user) parts.push(user.indexOf('@') > 0 ? 'userPrincipalName eq ' + quote(user) : 'startswith(userPrincipalName,' + quote(user) + ')');
    var app = $('f-app').value;
    if (app) parts.push('clientAppUsed eq ' + quote(app));
    var st = $('f-status').value;
    if (st === 'success') parts.push('status/errorCode eq 0');
    if (st === 'failure') parts.push('status/errorCode ne 0');
    var from = $('f-from').value;
    if (from) parts.push('createdDateTime ge ' + from + 'T00:00:00Z');
    var to = $('f-to').value;
    if (to) parts.push('createdDateTime le ' + to + 'T23:59:59Z');
    return parts.join(' and ');
  }

  function initSignIns() {
    var next = null;
    var body = document.querySelector('#si-table tbody');
    function load(path, append) {
      status('si-status', 'Loading...');
      api(path).then(function (r) {
        if (!r.ok) return status('si-status', errorText(r), true);
        if (!append) body.textContent = '';
        r.data.value.forEach(function (s) {
          var ok = s.status && s.status.errorCode === 0;
          body.appendChild(row([utc(s.createdDateTime), s.userPrincipalName, s.appDisplayName, s.clientAppUsed, s.ipAddress, ok ? 'Success' : 'Failure (' + (s.status ? s.status.errorCode : '') + ')', ok ? '' : s.status && s.status.failureReason]));
        });
        var link = r.data['@odata.nextLink'];
        if (link) { var u = new URL(link); next = '/admin/data/graph' + u.pathname + u.search; } else next = null;
        $('si-next').hidden = !next;
        status('si-status', body.children.length ? body.children.length + ' sign-ins shown' + (next ? '; more available.' : '.') : 'No sign-ins match.');
      });
    }
    function first() {
      var filter = signInFilter();
      load('/admin/data/graph/v1.0/auditLogs/signIns?$top=50' + (filter ? '&$filter=' + encodeURIComponent(filter) : ''), false);
    }
    $('si-filters').addEventListener('submit', function (ev) { ev.preventDefault(); first(); });
    $('si-next').addEventListener('click', function () { if (next) load(next, true); });
    function download(format) {
      var filter = signInFilter();
      status('si-status', 'Preparing the download...');
      fetch('/admin/data/export?format=' + format + (filter ? '&$filter=' + encodeURIComponent(filter) : ''), { credentials: 'same-origin' }).then(function (res) {
        if (!res.ok) return res.json().then(function (d) { status('si-status', errorText({ status: res.status, data: d }), true); }, function () { status('si-status', 'The download failed.', true); });
        var notice = res.headers.get('x-exogate-export-notice');
        var name = (/filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '') || [])[1] || 'SignIns.' + format;
        return res.blob().then(function (blob) {
          var a = el('a', null, { href: URL.createObjectURL(blob), download: name });
          document.body.appendChild(a);
          a.click();
          a.remove();
          status('si-status', notice || ('Downloaded ' + (res.headers.get('x-exogate-export-rows') || '') + ' sign-ins.'), !!notice);
        });
      });
    }
    $('dl-csv').addEventListener('click', function () { download('csv'); });
    $('dl-json').addEventListener('click', function () { download('json'); });
    first();
  }

  // --- Basic usage report ---
  var PALETTE = ['#0f6cbd', '#c50f1f', '#107c10', '#8764b8', '#ca5010', '#038387', '#986f0b', '#4f6bed', '#e3008c', '#69797e', '#004e8c', '#498205'];

  function initUsage() {
    var chart = null;
    function show() {
      var q = [];
      if ($('u-from').value) q.push('from=' + $('u-from').value);
      if ($('u-to').value) q.push('to=' + $('u-to').value);
      status('u-status', 'Loading...');
      api('/admin/data/api/usage' + (q.length ? '?' + q.join('&') : '')).then(function (r) {
        if (!r.ok) return status('u-status', errorText(r), true);
        var d = r.data;
        if (!$('u-from').value) $('u-from').value = d.from;
        if (!$('u-to').value) $('u-to').value = d.to;
        var days = [];
        for (var t = Date.parse(d.from + 'T00:00:00Z'); t <= Date.parse(d.to + 'T00:00:00Z'); t += 86400000) days.push(t / 1000);
        var index = {};
        days.forEach(function (t, i) { index[new Date(t * 1000).toISOString().slice(0, 10)] = i; });
        var protocols = [];
        var totals = {};
        d.days.forEach(function (x) {
          if (!totals[x.protocol]) { totals[x.protocol] = { basic: 0, oauth: 0, last: '' }; protocols.push(x.protocol); }
          totals[x.protocol].basic += x.basic;
          totals[x.protocol].oauth += x.oauth;
          if (x.basic > 0 && x.day > totals[x.protocol].last) totals[x.protocol].last = x.day;
        });
        var data = [days];
        protocols.forEach(function (p) {
          var series = days.map(function () { return 0; });
          d.days.forEach(function (x) { if (x.protocol === p && index[x.day] !== undefined) series[index[x.day]] += x.basic; });
          data.push(series);
        });
        var box = $('usage-chart');
        if (chart) { chart.destroy(); chart = null; }
        box.textContent = '';
        if (typeof uPlot === 'function') {
          chart = new uPlot({
            width: Math.max(320, Math.min(960, box.clientWidth || 800)),
            height: 300,
            title: 'Basic authentication sign-ins per day (UTC)',
            series: [{}].concat(protocols.map(function (p, i) { return { label: p, stroke: PALETTE[i % PALETTE.length], width: 2 }; })),
            axes: [{}, { label: 'Sign-ins', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 1000000] }],
            scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
          }, data, box);
        }
        var tbody = document.querySelector('#u-days tbody');
        tbody.textContent = '';
        protocols.forEach(function (p) { tbody.appendChild(row([p, totals[p].basic, totals[p].oauth, totals[p].last || '—'])); });
        var cbody = document.querySelector('#u-clients tbody');
        cbody.textContent = '';
        d.clients.forEach(function (c) { cbody.appendChild(row([c.userPrincipalName || c.userId, c.protocol, c.client, c.successes, c.firstDay, utc(c.lastSeen)])); });
        status('u-status', protocols.length ? '' : 'No sign-ins in this period.');
      });
    }
    $('u-filters').addEventListener('submit', function (ev) { ev.preventDefault(); show(); });
    show();
  }

  var page = document.body.getAttribute('data-page');
  if (page === 'diagnostic') initDiagnostic();
  if (page === 'messages') initMessages();
  if (page === 'signins') initSignIns();
  if (page === 'usage') initUsage();
})();
`;

export const ADMIN_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:"Segoe UI",system-ui,-apple-system,sans-serif;font-size:14px;color:#242424;background:#faf9f8}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px;z-index:2}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;background:#0f6cbd;color:#fff;padding:8px 16px;min-height:48px}
.brand{font-weight:600;font-size:16px;white-space:nowrap}
.tag,.clock{white-space:nowrap}
.tag{background:#fff3;border-radius:4px;padding:2px 8px;font-size:12px}
.clock{margin-left:auto;font-variant-numeric:tabular-nums}
.who{opacity:.9}
.signout{margin:0}.signout button{background:transparent;color:#fff;border:1px solid #fff8;border-radius:4px;padding:4px 10px;cursor:pointer}
.shell{display:flex;min-height:calc(100vh - 48px)}
nav{width:250px;background:#f3f2f1;border-right:1px solid #e1dfdd;padding:12px 0}
nav ul{list-style:none;margin:0;padding:0}
nav a{display:block;padding:8px 16px;color:#242424;text-decoration:none}
nav a[aria-current=page]{background:#e1dfdd;border-left:3px solid #0f6cbd;font-weight:600}
nav a:hover,nav a:focus{background:#edebe9}
main{flex:1;padding:20px 28px;max-width:1200px}
h1{font-size:22px;font-weight:600;margin:0 0 16px}
h2{font-size:16px;font-weight:600;margin:0 0 12px}
.card{background:#fff;border:1px solid #e1dfdd;border-radius:6px;padding:16px 20px;margin-bottom:16px}
button{font:inherit;padding:6px 14px;border-radius:4px;border:1px solid #8a8886;background:#fff;cursor:pointer}
button.primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff}
button:disabled{opacity:.5;cursor:default}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:2px solid #000;outline-offset:2px}
fieldset{border:1px solid #e1dfdd;border-radius:4px;margin:12px 0;padding:8px 12px}
fieldset label{display:block;padding:4px 0}
.warning-box{background:#fff4ce;border:1px solid #f2c661;border-radius:4px;padding:10px 12px;margin:12px 0}
.error{color:#a4262c}
#diag-answer.error,#diag-message.error{background:#fde7e9;border:1px solid #f1bbbc;padding:8px 12px;border-radius:4px;color:#a4262c}
#diag-answer.ok{background:#dff6dd;border:1px solid #9fd89f;padding:8px 12px;border-radius:4px}
.warn{background:#fff4ce;padding:8px 12px;border-radius:4px}
table.list{border-collapse:collapse;width:100%}
table.list th,table.list td{text-align:left;padding:6px 8px;border-bottom:1px solid #edebe9;vertical-align:top}
table.list th{font-weight:600;background:#faf9f8}
caption{text-align:left;font-weight:600;padding:12px 0 6px}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end;margin-bottom:12px}
.filters label{display:flex;flex-direction:column;gap:2px;font-size:12px}
.filters input,.filters select{font:inherit;padding:4px 6px;border:1px solid #8a8886;border-radius:4px}
.hint,.meta{color:#605e5c;font-size:12px}
.chart{min-height:320px;margin:12px 0}
iframe#mc-body{width:100%;min-height:260px;border:1px solid #e1dfdd;border-radius:4px;background:#fff}
`;
