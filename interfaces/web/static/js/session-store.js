// The bearer token lives in sessionStorage: it goes when the tab closes, and is never a cookie.

const KEY = "yishiting.token";

export function token() {
  return sessionStorage.getItem(KEY);
}

export function keep(value) {
  sessionStorage.setItem(KEY, value);
}

export function forget() {
  sessionStorage.removeItem(KEY);
}
