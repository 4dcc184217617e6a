// Picking a person who is already on file: a search box (tones and đ do not matter: "nguyen van an"
// finds "Nguyễn Văn An") and the matches, each with what tells namesakes apart; "Chọn" picks one.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { qs } from '../forces.js';
import { FormError } from './FormError.jsx';

export function personLine(p) {
  const bits = [];
  if (p.gender) bits.push(t('gender.' + p.gender));
  if (p.birth_date || p.birth_year) bits.push(t('person.born', { year: p.birth_year || p.birth_date.slice(0, 4) }));
  if (p.national_id_masked) bits.push(t('person.cccd_short', { masked: p.national_id_masked }));
  if (p.address) bits.push(p.address);
  return bits.join(' · ');
}

export function PersonPicker({ selected, onSelect, id = 'pick-person' }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const term = q.trim();
    if (term.length < 2) { setFound(null); return undefined; }
    let live = true;
    api.get('/api/v1/people' + qs({ q: term, limit: 8 }))
      .then((res) => { if (live) { setFound(res.data); setError(null); } })
      .catch((e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [q]);

  if (selected) {
    return (
      <div class="picked">
        <p><strong>{selected.full_name}</strong> <span class="muted">{personLine(selected)}</span></p>
        <button type="button" class="btn" onClick={() => onSelect(null)}>{t('member.pick_other')}</button>
      </div>
    );
  }
  return (
    <div class="picker">
      <div class="field">
        <label for={id}>{t('member.search')}</label>
        <p class="hint" id={`${id}-hint`}>{t('member.search_hint')}</p>
        <input id={id} type="search" value={q} autocomplete="off" aria-describedby={`${id}-hint`}
          onInput={(e) => setQ(e.currentTarget.value)} />
      </div>
      <FormError text={error ? errorText(error) : ''} />
      {found && found.length === 0 && <p class="muted" role="status">{t('member.search_none')}</p>}
      {found && found.length > 0 && (
        <ul class="pick-list" aria-label={t('member.search_results')}>
          {found.map((p) => (
            <li key={p.id}>
              <span><strong>{p.full_name}</strong> <span class="muted">{personLine(p)}</span></span>
              <button type="button" class="btn" aria-label={t('member.pick_named', { name: p.full_name })}
                onClick={() => onSelect(p)}>{t('member.pick')}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
