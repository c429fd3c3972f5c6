/**
 * "Are you sure?" for actions that are hard to undo (removing a number, switching a channel off).
 * A plain form that posts again with `confirm=yes`: works without JavaScript. It can ask for
 * one line of text with it (the reason an admin gives for the audit log).
 * @module
 */
import { html, type SafeHtml } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

export interface ConfirmView {
  readonly title: string;
  /** What happens if the user goes ahead. */
  readonly consequence: SafeHtml | string;
  /** Where the confirmed form posts (the same route, with `confirm=yes`). */
  readonly action: string;
  /** Extra hidden fields the action needs. */
  readonly fields?: Readonly<Record<string, string>>;
  /** A required text field posted with the confirmation (e.g. `reason`). */
  readonly input?: { readonly name: string; readonly label: string; readonly placeholder: string; readonly value?: string };
  readonly confirmLabel: string;
  readonly cancelHref: string;
}

export function confirmPage(ctx: PageContext, v: ConfirmView): string {
  return layout(
    ctx,
    v.title,
    html`<section class="card" id="confirm">
  <h1>${v.title}</h1>
  <p id="confirm-consequence">${v.consequence}</p>
  <form method="post" action="${v.action}" class="row">
    ${csrfField(ctx)}
    <input type="hidden" name="confirm" value="yes">
    ${Object.entries(v.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    ${v.input &&
    html`<div class="wide"><label for="confirm-input">${v.input.label}</label>
    <input id="confirm-input" name="${v.input.name}" type="text" required maxlength="200" placeholder="${v.input.placeholder}" value="${v.input.value ?? ''}"></div>`}
    <button id="confirm-yes" class="danger" type="submit">${v.confirmLabel}</button>
    <a id="confirm-cancel" href="${v.cancelHref}">Cancel</a>
  </form>
</section>`,
    { narrow: true },
  );
}

/** Whether a form was the confirmed second post. */
export const confirmed = (value: string) => value === 'yes';
