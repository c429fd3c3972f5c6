/** Error pages (404, 403, CSRF failures, 500). Never echoes internal details. @module */
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

export function errorPage(ctx: PageContext, status: number, message: string): string {
  return layout(
    ctx,
    `Error ${status}`,
    html`<section class="card">
  <h1>${status === 404 ? 'Page not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>
  <p id="error-message">${message}</p>
  <p><a href="/">Go to the home page</a></p>
</section>`,
    { narrow: true },
  );
}
