/**
 * The page shell: head, navigation, flash message and a small inline stylesheet
 * (allowed by the CSP nonce). Everything user-provided goes through `html`, which escapes.
 * @module
 */
import type { Flash } from '../session.js';
import type { User } from '../users.js';
import { html, raw, type SafeHtml } from './html.js';

/** What every page needs from the request. */
export interface PageContext {
  /** CSRF token for the page's forms. */
  readonly csrf: string;
  /** CSP nonce for the inline stylesheet. */
  readonly nonce: string;
  readonly user: User | undefined;
  readonly flash: Flash | undefined;
  /** Show the dev outbox link (never in production). */
  readonly showOutbox: boolean;
  /** A notice shown on every page (e.g. "set up MFA"). */
  readonly banner: SafeHtml | undefined;
  /** The app clock's time, for relative times. */
  readonly now: number;
}

/** The hidden CSRF field every form must carry. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

const STYLE = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#dfe3ea; --bg:#f5f7fb; --card:#fff; --accent:#2d5bd7; --accent-fg:#fff;
  --err:#a4161a; --err-bg:#fdecec; --ok:#1b6e3a; --ok-bg:#e8f6ed; --info-bg:#eaf0fd; --warn-bg:#fff6db; --warn:#7a5a00; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { background:var(--card); border-bottom:1px solid var(--line); }
header .bar { max-width:760px; margin:0 auto; padding:.75rem 1rem; display:flex; gap:1rem; align-items:center; flex-wrap:wrap; }
header .brand { font-weight:700; color:var(--fg); text-decoration:none; margin-right:auto; }
header a { color:var(--accent); text-decoration:none; }
header form { margin:0; }
main { max-width:760px; margin:1.5rem auto; padding:0 1rem; }
main.narrow { max-width:460px; }
.nowrap { white-space:nowrap; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:1.25rem 1.5rem; margin-bottom:1.25rem; }
h1 { font-size:1.5rem; margin:0 0 .75rem; } h2 { font-size:1.15rem; margin:0 0 .75rem; }
p { margin:.5rem 0; } .muted { color:var(--muted); font-size:.92rem; }
label { display:block; font-weight:600; margin:.75rem 0 .25rem; }
input[type=text], input[type=password], input[type=tel], input[type=email], select { width:100%; padding:.55rem .65rem; border:1px solid #c4cad6; border-radius:6px; font:inherit; background:#fff; }
input.code { font-size:1.6rem; letter-spacing:.4em; text-align:center; font-variant-numeric:tabular-nums; }
input.code.backup { letter-spacing:.1em; }
ol.backup-codes { columns:2; font-family:ui-monospace,monospace; font-size:1.15rem; padding-left:2rem; }
ol.backup-codes li { margin:.25rem 0; }
fieldset.choice { border:none; padding:0; margin:.75rem 0 0; } fieldset.choice legend { font-weight:600; padding:0; }
fieldset.choice label { font-weight:400; margin:.3rem 0; }
label.check { font-weight:400; margin:.75rem 0 0; }
#other-ways { margin-top:1.5rem; } .other-ways { list-style:none; padding:0; margin:.5rem 0 0; } .other-ways li { margin:.4rem 0; }
button { font:inherit; padding:.5rem 1rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:var(--accent-fg); cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
button.danger { background:#fff; color:var(--err); border-color:var(--err); }
button.link { background:none; border:none; color:var(--accent); padding:0; }
button:disabled { opacity:.55; cursor:not-allowed; }
.row { display:flex; gap:.5rem; align-items:center; flex-wrap:wrap; margin-top:1rem; }
.inline { display:inline; margin:0; } .wide { flex-basis:100%; }
.flash, .notice { padding:.75rem 1rem; border-radius:8px; margin-bottom:1rem; border:1px solid transparent; }
.flash.error, .notice.error { background:var(--err-bg); color:var(--err); border-color:#f3c2c2; }
.flash.success { background:var(--ok-bg); color:var(--ok); border-color:#bfe3cb; }
.flash.info, .notice.info { background:var(--info-bg); border-color:#c9d7f8; }
.notice.warn { background:var(--warn-bg); color:var(--warn); border-color:#f0dc9c; }
table { width:100%; border-collapse:collapse; font-size:.95rem; }
th, td { text-align:left; padding:.5rem .4rem; border-bottom:1px solid var(--line); vertical-align:middle; }
th { color:var(--muted); font-weight:600; font-size:.85rem; text-transform:uppercase; letter-spacing:.03em; }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; background:#eef1f6; color:var(--muted); }
.badge.on, .badge.active { background:var(--ok-bg); color:var(--ok); } .badge.off, .badge.invalid, .badge.locked { background:var(--err-bg); color:var(--err); }
.badge.pending { background:var(--warn-bg); color:var(--warn); } .badge.preferred { background:var(--info-bg); color:var(--accent); }
code.otp { font-size:1.2rem; font-weight:700; letter-spacing:.15em; background:#eef1f6; padding:.1rem .4rem; border-radius:4px; }
figure.qr { margin:.75rem 0; } figure.qr svg { width:208px; height:208px; display:block; }
code.secret { font-size:1.1rem; letter-spacing:.08em; word-spacing:.3em; background:#eef1f6; padding:.2rem .5rem; border-radius:4px; }
pre.sms, pre.voice, pre.email { white-space:pre-wrap; margin:.25rem 0 0; font:inherit; color:var(--muted); }
`;

/** Wraps a page body in the shell; `narrow` for single-form pages. */
export function layout(ctx: PageContext, title: string, body: SafeHtml, opts: { narrow?: boolean } = {}): string {
  const user = ctx.user;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · mfakit demo</title>
<style nonce="${ctx.nonce}">${raw(STYLE)}</style>
</head>
<body>
<header><div class="bar">
  <a class="brand" href="/">mfakit demo</a>
  ${user && html`<a href="/settings">Security settings</a>`}
  ${user?.role === 'admin' && html`<a href="/admin">Admin</a>`}
  ${ctx.showOutbox && html`<a href="/dev/outbox">Dev outbox</a>`}
  ${user
    ? html`<span class="muted">${user.name}</span>
  <form method="post" action="/logout">${csrfField(ctx)}<button class="secondary" type="submit">Sign out</button></form>`
    : ''}
</div></header>
<main${raw(opts.narrow ? ' class="narrow"' : '')}>
${ctx.banner}
${ctx.flash && html`<div class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</div>`}
${body}
</main>
</body>
</html>`.value;
}
