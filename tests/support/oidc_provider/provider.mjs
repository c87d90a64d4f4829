// A real OpenID Connect provider (panva's oidc-provider) for the tests, on plain http over
// loopback. Started by tests/support/oidc.py as `node provider.mjs CONFIG.json`, where the JSON is
//   {"port": 12345,
//    "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}],
//    "accounts": {"<subject>": {"preferred_username": "...", "name": "..."}},
//    "cookie_keys": ["..."]}
// The issuer is http://127.0.0.1:<port>. Once listening it prints one line `READY <issuer>` on
// stdout; on SIGTERM (or SIGINT) it stops listening, drops its connections and exits 0.
//
// What it offers: the authorization code flow with PKCE required (S256 only), scopes
// `openid profile`, and `preferred_username` and `name` in the ID token itself
// (conformIdTokenClaims: false). Sign-in is the provider's own development interactions
// (devInteractions): a login form that takes any login name (the password is not checked) and a
// consent form. The login name is the subject; its claims come from "accounts", and an unknown
// subject is still an account, with only `sub`.
//
// oidc-provider 8.x: the newest major that supports Node.js 20 (9.x wants Node.js 22 LTS or later
// and warns "Unsupported runtime" on 20). State is kept in memory (the development adapter), so
// codes, sessions and grants last as long as the process.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const configPath = process.argv[2];
if (!configPath) {
  process.stderr.write('usage: node provider.mjs CONFIG.json\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const host = '127.0.0.1';
const port = Number(config.port);
const issuer = `http://${host}:${port}`;
const accounts = config.accounts ?? {};

// A fresh signing key for each run: the tests read it from the provider's JWKS.
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
  alg: 'RS256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: (config.clients ?? []).map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'client_secret_basic',
  })),
  jwks: { keys: [signingKey] },
  cookies: {
    keys: config.cookie_keys,
    // Over plain http the provider sets no `secure` flag (it follows ctx.secure); said here so
    // that a browser on http://127.0.0.1 keeps the interaction and session cookies.
    long: { httpOnly: true, sameSite: 'lax', secure: false },
    short: { httpOnly: true, sameSite: 'lax', secure: false },
  },
  scopes: ['openid', 'profile'],
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
  },
  conformIdTokenClaims: false,
  pkce: { methods: ['S256'], required: () => true },
  responseTypes: ['code'],
  features: {
    devInteractions: { enabled: true },
    // Not part of what the tests use: off, so that the discovery document says only what is true.
    dPoP: { enabled: false },
    revocation: { enabled: false },
    introspection: { enabled: false },
    rpInitiatedLogout: { enabled: false },
  },
  async findAccount(_ctx, sub) {
    const known = Object.hasOwn(accounts, sub) ? accounts[sub] : {};
    return {
      accountId: sub,
      async claims() {
        return { ...known, sub };
      },
    };
  },
});
provider.proxy = false;

// The provider reports server-side errors as events; written to stderr so a failing test shows
// them (the Python side puts the provider's output into its error messages).
provider.on('server_error', (_ctx, err) => {
  process.stderr.write(`server_error: ${err?.stack ?? err}\n`);
});

const server = provider.listen(port, host, () => {
  process.stdout.write(`READY ${issuer}\n`);
});
server.on('error', (err) => {
  process.stderr.write(`cannot listen on ${host}:${port}: ${err.message}\n`);
  process.exit(1);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
