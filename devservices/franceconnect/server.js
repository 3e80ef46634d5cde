// A local OpenID provider configured like FranceConnect v2, for the demo and the tests only.
//
// What it copies from FranceConnect (reference §6.1): endpoints under /api/v2 (discovery,
// authorize, token, userinfo, jwks, session/end), ES256 (or RS256) ID tokens, userinfo as a
// signed JWT, `acr=eidas1`, PKCE, client_secret_post, claims as separate scopes, and the test
// identities of FranceConnect's demonstration provider (../shared/data/franceconnect/, every
// password is "123"). Keys are generated at each start: nothing secret is stored.
//
// Configuration (environment):
//   FC_PORT              port on 127.0.0.1 (required)
//   FC_IDENTITIES_DIR    folder holding fcp-low_citizen_base.csv and fcp-low_citizen_errors.csv
//   FC_CLIENTS           JSON list of {client_id, client_secret, redirect_uris,
//                        post_logout_redirect_uris, alg?} (alg: ES256 by default, or RS256)
// It prints one line `READY <issuer>` on stdout when it listens.

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const PORT = Number.parseInt(process.env.FC_PORT ?? '', 10);
if (!PORT) throw new Error('FC_PORT is required');
const ISSUER = `http://${HOST}:${PORT}/api/v2`;
const MOUNT = '/api/v2';
const PASSWORD = '123'; // the demonstration provider's password for every test identity

// The identity pivot and the other claims FranceConnect v2 sends, one scope per claim.
const CLAIMS = [
  'given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace',
  'birthcountry', 'email',
];
const SCOPE_GROUPS = {
  profile: ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'email'],
  birth: ['birthplace', 'birthcountry'],
  identite_pivot: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'],
};

function parseCsv(text) {
  // The test files hold no quoted field; a quote would mean a format change: refuse it.
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim());
  if (text.includes('"')) throw new Error('quoted CSV fields are not expected here');
  const names = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [names[i], v])));
}

function loadIdentities(dir) {
  const identities = new Map();
  for (const [file, disabled] of [['fcp-low_citizen_base.csv', false], ['fcp-low_citizen_errors.csv', true]]) {
    for (const row of parseCsv(readFileSync(join(dir, file), 'utf8'))) {
      identities.set(row.login, { ...row, disabled: disabled && row.login === 'Désactivé' });
    }
  }
  return identities;
}

// FranceConnect's `sub` is an opaque technical id (64 hex characters and a version suffix).
const subFor = (login) => `${createHash('sha256').update(`fc-local:${login}`).digest('hex')}v1`;

const identities = loadIdentities(process.env.FC_IDENTITIES_DIR ?? '');
const bySub = new Map([...identities.values()].map((identity) => [subFor(identity.login), identity]));

function jwk(alg, options) {
  const { privateKey } = generateKeyPairSync(alg === 'ES256' ? 'ec' : 'rsa', options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}` };
}

const clients = JSON.parse(process.env.FC_CLIENTS ?? '[]').map(({ alg = 'ES256', ...client }) => ({
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: alg,
  userinfo_signed_response_alg: alg,
  ...client,
}));

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
.banner{background:#000091;color:#fff;padding:.5rem 1rem;font-weight:700}label,input,select{display:block;margin:.3rem 0 .8rem}
input,select{font-size:1rem;padding:.4rem;width:100%}button{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}
.error{color:#b00020}</style></head><body><p class="banner">FranceConnect (fournisseur local de démonstration)</p>
<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const provider = new Provider(ISSUER, {
  clients,
  jwks: { keys: [jwk('ES256', { namedCurve: 'P-256' }), jwk('RS256', { modulusLength: 2048 })] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: ['eidas1'],
  claims: {
    openid: ['sub'],
    ...Object.fromEntries(CLAIMS.map((claim) => [claim, [claim]])),
    ...SCOPE_GROUPS,
  },
  scopes: ['openid', ...CLAIMS, ...Object.keys(SCOPE_GROUPS)],
  pkce: { required: () => true },
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    jwks: '/jwks',
    end_session: '/session/end',
  },
  ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    claimsParameter: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // FranceConnect ends its session without asking: the form is posted by the page itself.
      async logoutSource(ctx, form) {
        ctx.body = page('Déconnexion', `${form}<button form="op.logoutForm" name="logout" value="yes" type="submit">Se déconnecter de FranceConnect</button>
<script>document.forms['op.logoutForm'].requestSubmit(document.querySelector('button[name=logout]'))</script>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Déconnecté', '<p>Vous êtes déconnecté de FranceConnect.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const identity = bySub.get(sub);
    if (!identity) return undefined;
    return {
      accountId: sub,
      async claims() {
        const claims = { sub };
        for (const claim of CLAIMS) {
          // FranceConnect leaves out a claim it does not have (no preferred_username, no e-mail).
          if (identity[claim]) claims[claim] = identity[claim];
        }
        return claims;
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Erreur', `<p class="error">${escapeHtml(out.error)} : ${escapeHtml(out.error_description ?? '')}</p>`);
  },
});
provider.proxy = false;

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

function loginForm(uid, message = '') {
  const options = [...identities.values()]
    .map(({ login }) => `<option value="${escapeHtml(login)}">${escapeHtml(login)}</option>`).join('');
  return page('Connexion', `${message ? `<p class="error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="login">Identifiant</label><select id="login" name="login">${options}</select>
<label for="password">Mot de passe (« 123 » pour toutes les identités de test)</label>
<input id="password" name="password" type="password" autocomplete="off">
<button type="submit">Se connecter</button></form>`);
}

function consentForm(uid, details) {
  const claims = details.missingOIDCScope.filter((s) => s !== 'openid').map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return page('Transmission de vos données', `<p>Le service demande : </p><ul>${claims}</ul>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit" name="decision" value="accept">Continuer</button>
<button type="submit" name="decision" value="refuse">Refuser</button></form>`);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Erreur', '<p>Interaction inconnue.</p>'));
  const { prompt } = details;
  if (req.method === 'GET') {
    if (prompt.name === 'login') return send(res, 200, loginForm(uid));
    return send(res, 200, consentForm(uid, prompt.details));
  }
  const form = await readForm(req);
  if (action === 'login') {
    const identity = identities.get(form.get('login') ?? '');
    if (!identity || form.get('password') !== PASSWORD) {
      return send(res, 200, loginForm(uid, 'Identifiant ou mot de passe incorrect.'));
    }
    if (identity.disabled) return send(res, 200, loginForm(uid, 'Ce compte est désactivé.'));
    return provider.interactionFinished(req, res, {
      login: { accountId: subFor(identity.login), acr: 'eidas1', amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
  }
  if (form.get('decision') !== 'accept') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'User refused to share their identity',
    }, { mergeWithLastSubmission: false });
  }
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

const callback = provider.callback();
createServer(async (req, res) => {
  try {
    const match = req.url.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm))?(?:\?.*)?$/);
    if (match) return await interaction(req, res, match[1], match[2]);
    if (req.url === MOUNT || req.url.startsWith(`${MOUNT}/`)) {
      // Mounted under /api/v2 like FranceConnect: the provider sees the path below the mount.
      req.originalUrl = req.url;
      req.url = req.url.slice(MOUNT.length) || '/';
      return callback(req, res);
    }
    return send(res, 404, page('Introuvable', '<p>Cette page n’existe pas.</p>'));
  } catch (error) {
    console.error(error);
    return send(res, 500, page('Erreur', `<p class="error">${escapeHtml(error.message)}</p>`));
  }
}).listen(PORT, HOST, () => console.log(`READY ${ISSUER}`));
