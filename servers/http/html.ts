// Tiny, escaping HTML helpers for the few pages exogate serves (sign-in forms).
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;display:flex;justify-content:center;padding-top:8vh}
main{background:#fff;width:440px;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px;font-size:14px}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px}
button{margin-top:24px;background:#0067b8;color:#fff;border:0;padding:8px 32px;font-size:15px;float:right}
.error{color:#e81123;font-size:14px;margin:8px 0}
.note{color:#666;font-size:12px;margin-top:56px}
</style></head><body><main>${body}<p class="note">exogate — an emulator of Exchange Online and the Microsoft identity platform. Not Microsoft.</p></main></body></html>`;
}

export function hiddenInputs(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}
