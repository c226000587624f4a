import { escapeHtml } from '../../lib/html.js';

/** Quality of the most specific Accept entry matching `type` (0 when none matches). */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const entry of accept.split(',')) {
    const [range = '', ...params] = entry.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/**
 * True when the client prefers an HTML page to JSON — a browser opening a link from a mail.
 * API clients (no Accept, `*\/*`, `application/json`, or a tie) get JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return quality(accept, 'text/html') > quality(accept, 'application/json');
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.4rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.ok{color:#176617}.error{color:#a31515}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Contacts API</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** Where the verification page sends a verified user to log in (same origin). */
export const LOGIN_PAGE = '/docs';

/** The page a browser sees after following the verification link. */
export function verifyEmailPage(message: string, ok: boolean): string {
  // Until the web app is served, the interactive API documentation is where one logs in.
  const hint = ok
    ? `You can now <a href="${LOGIN_PAGE}">log in</a>.`
    : escapeHtml('Ask for a new link from the app (resend verification).');
  return page(
    'Email verification',
    `<h1>Email verification</h1>
<p class="${ok ? 'ok' : 'error'}" role="status">${escapeHtml(message)}</p>
<p>${hint}</p>`,
  );
}

/** The page of the reset link: a form whose script (same origin, per the CSP) calls the API. */
export function resetPasswordPage(): string {
  return page(
    'Reset password',
    `<h1>Choose a new password</h1>
<form id="reset-form">
<label for="new-password">New password (8 to 128 characters)</label>
<input id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
<label for="confirm-password">Repeat it</label>
<input id="confirm-password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
<button type="submit">Set password</button>
</form>
<p id="reset-message" role="status"></p>
<script src="/reset-password.js"></script>`,
  );
}

/** The reset page's script: reads the token from the address and posts the new password as JSON. */
export const RESET_PASSWORD_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('reset-form');
  var message = document.getElementById('reset-message');
  var token = new URLSearchParams(window.location.search).get('token');
  function show(text, ok) {
    message.textContent = text;
    message.className = ok ? 'ok' : 'error';
  }
  if (!token) {
    show('This link has no reset token. Ask for a new password reset email.', false);
    form.hidden = true;
    return;
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = document.getElementById('new-password').value;
    if (password !== document.getElementById('confirm-password').value) {
      show('The two passwords differ.', false);
      return;
    }
    var button = form.querySelector('button');
    button.disabled = true;
    fetch('/api/auth/reset-password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: token, new_password: password })
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        var detail = result.data.detail;
        var text = result.data.message || (Array.isArray(detail) ? detail[0] && detail[0].msg : detail);
        show(text || 'Something went wrong.', result.ok);
        if (result.ok) form.hidden = true;
        else button.disabled = false;
      })
      .catch(function () {
        show('The server could not be reached. Try again.', false);
        button.disabled = false;
      });
  });
})();
`;
