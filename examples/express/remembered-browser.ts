/**
 * "Remember this browser": the cookie that carries mfakit's device token between sign-ins.
 *
 * The value is the token `verify(…, { trustDevice: true })` answered, as it is: mfakit binds
 * it to the user (and to their sign-in methods), so one cookie per browser is enough; another
 * user's token, or one that expired or was revoked, is simply not trusted. The cookie is
 * HttpOnly (no script reads it), SameSite=Lax, Secure in production, and expires when the
 * token does. mfakit keeps no copy, and the app never writes it to a page or a log line.
 * @module
 */
import type { Request, Response } from 'express';

/** The cookie's name. `__Host-` (Secure, path `/`, no domain) where the app runs on https. */
export function deviceCookieName(production: boolean): string {
  return production ? '__Host-mfakit.device' : 'mfakit.device';
}

/** mfakit refuses a longer `deviceToken` (`invalid_argument`); such a cookie is ignored instead. */
const MAX_TOKEN_LENGTH = 256;

/**
 * The device token this browser sent, if it looks like one. A cookie that is not a string,
 * empty, or too long is treated as absent (a tampered one of the right shape is passed on:
 * mfakit answers that it is not trusted).
 */
export function rememberedToken(req: Request, production: boolean): string | undefined {
  const cookies: unknown = req.cookies;
  const value = typeof cookies === 'object' && cookies !== null ? (cookies as Record<string, unknown>)[deviceCookieName(production)] : undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH ? value : undefined;
}

const cookieOptions = (production: boolean) => ({ httpOnly: true, secure: production, sameSite: 'lax' as const, path: '/' });

/** Remembers this browser until `until` (mfakit's `deviceTrustedUntil`). */
export function rememberBrowser(res: Response, production: boolean, token: string, until: number): void {
  res.cookie(deviceCookieName(production), token, { ...cookieOptions(production), expires: new Date(until) });
}

/** Forgets this browser's token (no longer trusted, or the user asked). */
export function forgetBrowser(res: Response, production: boolean): void {
  res.clearCookie(deviceCookieName(production), cookieOptions(production));
}
