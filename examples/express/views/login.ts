/** The sign-in page. @module */
import { html } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

export function loginPage(ctx: PageContext, opts: { username?: string; demoUsers?: readonly { username: string; password: string; role: string }[] }): string {
  return layout(
    ctx,
    'Sign in',
    html`<section class="card">
  <h1>Sign in</h1>
  <form method="post" action="/login">
    ${csrfField(ctx)}
    <label for="username">Username</label>
    <input id="username" name="username" type="text" autocomplete="username" required autofocus value="${opts.username ?? ''}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <div class="row"><button type="submit">Sign in</button></div>
  </form>
</section>
${opts.demoUsers &&
  html`<section class="card muted">
  <h2>Demo accounts</h2>
  <table><thead><tr><th>Username</th><th>Password</th><th>Role</th></tr></thead><tbody>
  ${opts.demoUsers.map((u) => html`<tr><td>${u.username}</td><td><code>${u.password}</code></td><td>${u.role}</td></tr>`)}
  </tbody></table>
  <p>Shown because this is not production. Codes appear on the <a href="/dev/outbox" target="_blank">dev outbox</a>.</p>
</section>`}`,
    { narrow: true },
  );
}
