// The admin center's one layout: a header with the emulated date (the programme is a matter of
// dates), the signed-in administrator and Sign out; a navigation; the page. Everything dynamic
// goes through escapeHtml; the page scripts fill in data with textContent, never as HTML.
import { escapeHtml } from '../html.js';
import { ADMIN_TEXTS } from './texts.js';

export interface NavItem {
  page: string;
  href: string;
  label: string;
}

export const NAV: readonly NavItem[] = [
  { page: 'diagnostic', href: '/admin/diagnostic', label: 'Help & support: Diag: Enable Basic Auth in EXO' },
  { page: 'messages', href: '/admin/messages', label: 'Message center' },
  { page: 'signins', href: '/admin/signins', label: 'Sign-in logs' },
  { page: 'usage', href: '/admin/usage', label: 'Basic authentication usage' },
];

export interface Viewer {
  upn: string;
  displayName: string;
  tenant: string;
  csrf: string;
}

/** "Thu, 01 Jul 2021 10:00 UTC": the emulated date, as the header shows it. */
export function emulatedDate(now: number): string {
  return new Date(now).toUTCString().replace(/:\d\d GMT$/, ' UTC');
}

export function layout(options: { title: string; page: string; now: number; viewer?: Viewer; body: string; chart?: boolean }): string {
  const { title, page, now, viewer, body, chart } = options;
  const nav = viewer
    ? `<nav aria-label="Admin center"><ul>${NAV.map(
        (n) => `<li><a href="${n.href}"${n.page === page ? ' aria-current="page"' : ''}>${escapeHtml(n.label)}</a></li>`,
      ).join('')}</ul></nav>`
    : '';
  const who = viewer
    ? `<span class="who" title="${escapeHtml(viewer.upn)}">${escapeHtml(viewer.displayName)} · ${escapeHtml(viewer.tenant)}</span>
<form method="post" action="/admin/logout" class="signout"><input type="hidden" name="csrf" value="${escapeHtml(viewer.csrf)}"><button type="submit" id="sign-out">Sign out</button></form>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${viewer ? `<meta name="exogate-csrf" content="${escapeHtml(viewer.csrf)}">` : ''}
<title>${escapeHtml(title)} - ${escapeHtml(ADMIN_TEXTS.product)} (exogate)</title>
<link rel="stylesheet" href="/admin/assets/admin.css">${chart ? '\n<link rel="stylesheet" href="/admin/assets/uPlot.min.css"><script src="/admin/assets/uPlot.iife.min.js" defer></script>' : ''}
<script src="/admin/assets/admin.js" defer></script>
</head><body data-page="${escapeHtml(page)}">
<a class="skip" href="#main">Skip to content</a>
<header class="bar"><span class="brand">${escapeHtml(ADMIN_TEXTS.product)}</span><span class="tag">${escapeHtml(ADMIN_TEXTS.label)}</span>
<span class="clock">Emulated date: <time id="emulated-date" datetime="${new Date(now).toISOString()}">${escapeHtml(emulatedDate(now))}</time></span>${who}</header>
<div class="shell">${nav}<main id="main" tabindex="-1"><h1>${escapeHtml(title)}</h1>
${body}</main></div></body></html>`;
}
