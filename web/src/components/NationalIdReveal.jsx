// "Xem số CCCD": the full national id on request, for the roles that may (officer, admin). A dialog
// asks the reason, which the server records in the audit log with the reveal; the number is then
// shown by the caller until the page is left (it is never stored in the browser).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';

export function NationalIdReveal({ person, onRevealed }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef(null);
  const opener = useRef(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const close = () => {
    setOpen(false);
    if (opener.current) opener.current.focus();
  };
  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post(`/api/v1/people/${person.id}/reveal`, { reason: reason.trim() });
      setOpen(false);
      setReason('');
      onRevealed(res.data.national_id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = fieldErrors(error);
  if (error && !fields.reason && error.code === 'validation_failed') fields.reason = t('reveal.reason_short');
  return (
    <>
      <button type="button" class="btn btn-small" ref={opener} onClick={() => setOpen(true)}>{t('reveal.button')}</button>
      <dialog ref={dialog} class="dialog" aria-labelledby="reveal-title" onClose={() => setOpen(false)}>
        <form onSubmit={onSubmit} noValidate>
          <h2 id="reveal-title">{t('reveal.title', { name: person.full_name })}</h2>
          <p>{t('reveal.explain')}</p>
          <FormError text={error && !fields.reason ? errorText(error) : ''} />
          <Field as="textarea" id="reveal-reason" label={t('reveal.reason')} hint={t('reveal.reason_hint')} rows={3}
            value={reason} error={fields.reason} maxlength={500} required
            onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={busy || reason.trim().length === 0}>{t('reveal.submit')}</button>
            <button type="button" class="btn" onClick={close}>{t('action.cancel')}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}
