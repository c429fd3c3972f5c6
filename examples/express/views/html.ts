/**
 * A tiny HTML template helper: every interpolated value is escaped unless it is already
 * {@link SafeHtml} (the result of another `html` template). This is what keeps user input
 * (names, reasons, phone numbers) from becoming markup. If you move to a template engine,
 * pick one that escapes by default (e.g. JSX on the server, Eta with autoEscape).
 * @module
 */

/** Markup that is already escaped. Only `html` and `raw` create it. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value that may appear in a template: escaped when it is text, joined when it is a list. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/**
 * Tagged template that escapes interpolations. `false`, `true`, `null` and `undefined`
 * render as nothing, so `${cond && html`...`}` works.
 *
 * @example
 * ```ts
 * html`<p>Hello ${name}</p>`; // name = '<b>' renders as &lt;b&gt;
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks a constant string as markup. Never pass user input. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
