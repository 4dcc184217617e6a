// A simple bar chart as a list: one row per bucket with its label, a CSS bar as wide as its share of
// the largest, and the number. Readable without colour, printable, no chart library.
import { formatNumber } from '../i18n.js';

export function BarList({ title, rows }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <figure class="bar-list">
      <figcaption>{title}</figcaption>
      <ul>
        {rows.map((r) => (
          <li key={r.key}>
            <span class="bar-label">{r.label}</span>
            <span class="bar-track" aria-hidden="true"><span class="bar-fill" style={{ width: `${(100 * r.value) / max}%` }} /></span>
            <span class="bar-value">{formatNumber(r.value)}{r.extra ? ` · ${r.extra}` : ''}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
