// What proves who is signed in, kept by the page:
// - signed in with an account: the session lives in an HttpOnly cookie the page cannot read;
//   the page holds only its CSRF token, in memory (GET /auth/session gives it back after a
//   reload), and sends it with every change;
// - signed in with a pasted access token (developers): the token lives in sessionStorage, so it
//   goes when the tab closes, and is never a cookie.

const KEY = "yishiting.token";

let csrf = null;

export function token() {
  return sessionStorage.getItem(KEY);
}

export function keep(value) {
  csrf = null;
  sessionStorage.setItem(KEY, value);
}

export function csrfToken() {
  return csrf;
}

export function keepCsrf(value) {
  sessionStorage.removeItem(KEY);
  csrf = value;
}

/** "session", "bearer" or null: how this page proves who it is. */
export function mode() {
  if (token()) return "bearer";
  return csrf ? "session" : null;
}

export function forget() {
  sessionStorage.removeItem(KEY);
  csrf = null;
}
