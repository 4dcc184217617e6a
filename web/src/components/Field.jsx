// A labelled input with its error message under it (aria-invalid, aria-describedby), for every form.
// `error` is the translated message for this field (from fieldErrors), or empty.
import { useEffect, useRef } from 'preact/hooks';

let seq = 0;

export function Field({ label, error, hint, id, as = 'input', children, ...input }) {
  const auto = useRef(null);
  if (!auto.current) auto.current = `f${++seq}`;
  const fid = id || auto.current;
  const described = [hint ? `${fid}-hint` : null, error ? `${fid}-err` : null].filter(Boolean).join(' ') || undefined;
  const Tag = as;
  return (
    <div class={'field' + (error ? ' field-error' : '')}>
      <label for={fid}>{label}</label>
      <Tag id={fid} aria-invalid={error ? 'true' : undefined} aria-describedby={described} {...input}>
        {children}
      </Tag>
      {hint && <p class="hint" id={`${fid}-hint`}>{hint}</p>}
      {error && <p class="error-text" id={`${fid}-err`}>{error}</p>}
    </div>
  );
}

// After a failed submit, moves the focus to the form's first field marked invalid, so a keyboard or
// screen-reader user lands on what to fix. Give it a ref to the <form> and the error state.
export function useFocusInvalid(formRef, error) {
  useEffect(() => {
    const el = error && formRef.current && formRef.current.querySelector('[aria-invalid="true"]');
    if (el) el.focus();
  }, [error]);
}
