// A labelled input with its error message under it (aria-invalid, aria-describedby), for every form.
// `error` is the translated message for this field (from fieldErrors), or empty.
import { useRef } from 'preact/hooks';

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
