/**
 * The "add an authenticator app" page: the QR code of the `otpauth://` URI, the secret as
 * text for typing by hand, and the form for the first code the app shows. The only page
 * that ever shows the secret.
 * @module
 */
import { html, raw } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

export interface AuthenticatorView {
  /** The QR code as SVG markup, rendered on the server by the `qrcode` library (not user input). */
  readonly qrSvg: string;
  /** The base32 secret. */
  readonly secret: string;
  /** The account name the app will show (the username). */
  readonly label: string;
  readonly issuer: string;
}

/** `JBSW Y3DP EHPK 3PXP`: groups of four, easier to type and to check. */
export function groupSecret(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

export function authenticatorPage(ctx: PageContext, v: AuthenticatorView): string {
  return layout(
    ctx,
    'Add an authenticator app',
    html`<section class="card">
  <h1>Add an authenticator app</h1>
  <ol>
    <li>Open your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, ...) and add an account.</li>
    <li>Scan this QR code:
      <figure class="qr" id="totp-qr" role="img" aria-label="QR code for ${v.issuer} (${v.label})">${raw(v.qrSvg)}</figure>
      Or, if you cannot scan it, type this key (spaces do not matter):
      <p><code class="secret" id="totp-secret">${groupSecret(v.secret)}</code></p>
      <p class="muted">Account: ${v.label} · Issuer: ${v.issuer} · Time-based, 6 digits, every 30 seconds.</p>
    </li>
    <li>Enter the 6-digit code the app shows for ${v.issuer}.</li>
  </ol>
  <form method="post" action="/settings/authenticator/confirm">
    ${csrfField(ctx)}
    <label for="code">Code from the app</label>
    <input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
    <div class="row"><button type="submit" id="confirm-totp">Confirm</button> <a href="/settings">Cancel</a></div>
  </form>
  <p class="muted">This key is shown only on this page. If you leave it before confirming, you start again with a new key.</p>
</section>`,
    { narrow: true },
  );
}
