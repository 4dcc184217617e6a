// People (/people): search by name without tones ("dat" finds "Đạt"), in the Vietnamese order the API
// gives (by given name), CCCD masked; "Thêm người" and "Nhập từ tệp CSV" for those who may. The list
// loads 50 at a time ("Xem thêm" follows the cursor); ?q= keeps the search across reloads.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { can, qs } from '../forces.js';
import { FormError } from './FormError.jsx';
import { personLine } from './PersonPicker.jsx';
import { usePageTitle } from './usePageTitle.js';

export function PeoplePage({ query, user }) {
  usePageTitle(t('people.title'));
  const q = query.get('q') || '';
  const [text, setText] = useState(q);
  const [people, setPeople] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);

  const load = (after) => api.get('/api/v1/people' + qs({ q, cursor: after, limit: 50 }))
    .then((res) => {
      setPeople((old) => (after && old ? old.concat(res.data) : res.data));
      setCursor(res.next_cursor);
      setError(null);
    })
    .catch(setError);
  useEffect(() => { setPeople(null); load(null); }, [q]);

  const onSearch = (e) => {
    e.preventDefault();
    navigate('/people' + qs({ q: text.trim() }), { replace: true });
  };
  return (
    <section class="page">
      <h1>{t('people.title')}</h1>
      {can(user, 'people_write') && (
        <p class="links-row">
          <Link href="/people/new" class="btn btn-primary">{t('people.add')}</Link>
          <Link href="/people/import" class="btn">{t('import.title')}</Link>
        </p>
      )}
      <form class="card search-form" role="search" onSubmit={onSearch}>
        <div class="field">
          <label for="people-q">{t('people.search')}</label>
          <p class="hint" id="people-q-hint">{t('people.search_hint')}</p>
          <div class="input-button">
            <input id="people-q" type="search" value={text} aria-describedby="people-q-hint" maxlength={200}
              onInput={(e) => setText(e.currentTarget.value)} />
            <button type="submit" class="btn btn-primary">{t('action.search')}</button>
          </div>
        </div>
      </form>
      <FormError text={error ? errorText(error) : ''} />
      {!people && !error && <p role="status">{t('app.loading')}</p>}
      {people && (
        <div class="card">
          <h2>{q ? t('people.found', { q }) : t('people.all')}</h2>
          {people.length === 0 ? <p>{t('people.empty')}</p> : (
            <ul class="record-list">
              {people.map((p) => (
                <li key={p.id}>
                  <Link href={`/people/${p.id}`} class="record-title">{p.full_name}</Link>
                  <div class="record-meta"><span class="muted">{personLine(p)}</span></div>
                </li>
              ))}
            </ul>
          )}
          {cursor && <button type="button" class="btn" onClick={() => load(cursor)}>{t('action.more')}</button>}
        </div>
      )}
    </section>
  );
}
