// The login page: username and password, then — when the server answers totp_required — the
// authenticator code, sent again with them. After login the user goes back to ?next= (a path of this
// app only) or to the home page.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { Link, navigate } from '../router.jsx';
import { logIn } from '../session.js';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LanguageSwitch } from './LanguageSwitch.jsx';
import { usePageTitle } from './usePageTitle.js';

// Only a path inside this app, never another site (//evil.example) or the login page itself.
export function safeNext(next) {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}

export function LoginPage({ next, user }) {
  usePageTitle(t('login.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const target = safeNext(next);

  useEffect(() => {
    if (user) navigate(target, { replace: true });
  }, [user]);
  useEffect(() => {
    const el = needTotp && document.getElementById('login-totp');
    if (el) el.focus();
  }, [needTotp]);

  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await logIn(username.trim(), password, needTotp ? totp.trim() : undefined);
      navigate(target, { replace: true });
    } catch (err) {
      if (err.code === 'totp_required') {
        setNeedTotp(true);
      } else {
        setError(err);
        if (err.code === 'invalid_totp') {
          setTotp('');
          const el = document.getElementById('login-totp');
          if (el) el.focus();
        }
      }
    } finally {
      setBusy(false);
    }
  };

  const fields = fieldErrors(error);
  return (
    <div class="login-wrap">
      <header class="login-lang"><LanguageSwitch /></header>
      <main class="login-card" id="main">
        <p class="brand-big">{t('app.name')}</p>
        <p class="tagline">{t('app.tagline')}</p>
        <h1>{t('login.title')}</h1>
        {next && !user && <p class="alert alert-info" role="status">{t('login.session_needed')}</p>}
        <FormError text={error ? errorText(error) : ''} />
        <form onSubmit={onSubmit} noValidate>
          <Field label={t('login.username')} name="username" autocomplete="username" autocapitalize="none"
            spellcheck={false} value={username} error={fields.username}
            onInput={(e) => setUsername(e.currentTarget.value)} />
          <Field label={t('login.password')} name="password" type="password" autocomplete="current-password"
            value={password} error={fields.password} onInput={(e) => setPassword(e.currentTarget.value)} />
          {needTotp && (
            <Field label={t('login.totp')} hint={t('login.totp_hint')} name="totp" inputmode="numeric"
              autocomplete="one-time-code" maxlength={8} value={totp} error={fields.totp}
              id="login-totp" onInput={(e) => setTotp(e.currentTarget.value)} />
          )}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
        <p class="login-tip"><Link href="/gui-tin-bao">{t('login.tip_link')}</Link></p>
      </main>
    </div>
  );
}
