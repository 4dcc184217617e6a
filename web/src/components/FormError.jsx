// The error of a whole form or page, announced to screen readers (role="alert"). Text only.
export function FormError({ text }) {
  if (!text) return null;
  return <div class="alert alert-error" role="alert">{text}</div>;
}
