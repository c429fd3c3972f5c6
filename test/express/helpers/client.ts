/**
 * A tiny browser stand-in for HTTP tests: fetch with a cookie jar, redirects followed by
 * hand (so every hop is seen), and the CSRF token taken from the last page, as a form would.
 */

export interface Page {
  readonly status: number;
  /** Path of the final response (after redirects). */
  readonly path: string;
  readonly html: string;
  readonly headers: Headers;
  /** Every hop: status and Location. */
  readonly hops: readonly { status: number; location: string | null }[];
}

export class Client {
  readonly cookies = new Map<string, string>();
  /** Every response body this client received, for "no code ever appears" checks. */
  readonly bodies: { path: string; html: string }[] = [];
  #lastHtml = '';

  constructor(readonly base: string) {}

  /** The CSRF token of the last page received ('' when it had no form). */
  get csrf(): string {
    return /name="_csrf" value="([^"]*)"/.exec(this.#lastHtml)?.[1] ?? '';
  }

  get(path: string, opts: { follow?: boolean } = {}): Promise<Page> {
    return this.request('GET', path, undefined, opts.follow ?? true);
  }

  /** Posts a form; `_csrf` is added from the last page unless given (pass `_csrf: null` to omit it). */
  post(path: string, form: Record<string, string | null> = {}, opts: { follow?: boolean } = {}): Promise<Page> {
    const body = new URLSearchParams();
    if (!('_csrf' in form)) body.set('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) if (v !== null) body.set(k, v);
    return this.request('POST', path, body, opts.follow ?? true);
  }

  async request(method: string, path: string, body: URLSearchParams | undefined, follow: boolean): Promise<Page> {
    const hops: { status: number; location: string | null }[] = [];
    let res = await this.#fetch(method, path, body);
    let current = path;
    while (follow && res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      hops.push({ status: res.status, location });
      if (!location) break;
      current = new URL(location, this.base + current).pathname;
      res = await this.#fetch('GET', current, undefined);
    }
    const html = await res.text();
    this.bodies.push({ path: current, html });
    if (res.headers.get('content-type')?.includes('text/html')) this.#lastHtml = html;
    return { status: res.status, path: current, html, headers: res.headers, hops };
  }

  async #fetch(method: string, path: string, body: URLSearchParams | undefined): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(this.base + path, { method, headers, ...(body ? { body } : {}), redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** The text of the flash message on a page, if any. */
export function flashOf(html: string): string | undefined {
  const m = /<div class="flash (?:error|info|success)"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return m?.[1] === undefined ? undefined : decode(m[1]).replace(/\s+/g, ' ').trim();
}

/** Text content of the element with `id`, whitespace collapsed. */
export function textOf(html: string, id: string): string | undefined {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m?.[1] === undefined ? undefined : decode(m[1].replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
}

/** Undoes the escaping of `html`. */
export function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The page without the per-request parts (CSRF token, CSP nonce), to compare two pages. */
export function stable(html: string): string {
  return html.replace(/name="_csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
}
