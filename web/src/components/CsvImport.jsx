// "Nhập từ tệp CSV" with a preview: choose a file, "Xem trước" sends it with ?dry_run=1 and shows the
// rows that would be saved — or the errors, line by line, when the file has any (nothing is saved:
// all or nothing) — then "Nhập" sends it for real. Server text is shown as text, never as HTML.
import { useState } from 'preact/hooks';
import { t, formatNumber } from '../i18n.js';
import { request } from '../api.js';
import { errorText, fieldText } from '../errors.js';
import { FormError } from './FormError.jsx';

// "line 12" → 12 (for sorting), "file" → 0.
function lineNo(key) {
  const m = key.match(/^line (\d+)$/);
  return m ? Number(m[1]) : 0;
}

export function ImportErrors({ fields }) {
  const keys = Object.keys(fields).sort((a, b) => lineNo(a) - lineNo(b));
  return (
    <ul class="import-errors">
      {keys.map((k) => (
        <li key={k}>
          <strong>{lineNo(k) ? t('import.line', { n: lineNo(k) }) : t('import.file')}:</strong>{' '}
          {fields[k].split('; ').map(fieldText).join('; ')}
        </li>
      ))}
    </ul>
  );
}

// columns: [{key, label, render?}] of the preview table; header: the CSV header line to show.
export function CsvImport({ endpoint, header, columns, onImported }) {
  const [file, setFile] = useState(null);
  const [text, setText] = useState('');
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);

  const send = async (dry) => {
    setBusy(true);
    setError(null);
    try {
      const res = await request('POST', endpoint + (dry ? '?dry_run=1' : ''), text, { contentType: 'text/csv' });
      if (dry) setPreview(res.data);
      else { setDone(res.data); setPreview(null); onImported && onImported(res.data); }
    } catch (err) {
      setError(err);
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };
  const onFile = async (e) => {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    setFile(f || null);
    setPreview(null);
    setError(null);
    setDone(null);
    setText(f ? await f.text() : '');
  };

  return (
    <div class="card">
      <h2>{t('import.title')}</h2>
      <p class="hint">{t('import.header_hint')}</p>
      <pre class="csv-header">{header}</pre>
      <div class="file-pick">
        <label class="btn file-btn">
          {t('import.choose')}
          <input id="csv-file" class="file-input" type="file" accept=".csv,text/csv" onChange={onFile} />
        </label>
        <span class={file ? '' : 'muted'}>{file ? file.name : t('import.no_file')}</span>
      </div>
      <div class="actions">
        <button type="button" class="btn" disabled={!file || busy} onClick={() => send(true)}>{t('import.preview')}</button>
        {preview && <button type="button" class="btn btn-primary" disabled={busy} onClick={() => send(false)}>
          {t('import.confirm', { n: formatNumber(preview.count) })}</button>}
      </div>
      {done && <p class="alert alert-ok" role="status">{t('import.done', { n: formatNumber(done.count) })}</p>}
      {error && (
        <div class="import-failed">
          <FormError text={errorText(error)} />
          {error.fields && Object.keys(error.fields).length > 0 && <ImportErrors fields={error.fields} />}
        </div>
      )}
      {preview && (
        <div class="preview">
          <p role="status"><strong>{t('import.preview_count', { n: formatNumber(preview.count) })}</strong></p>
          <div class="table-wrap" tabindex="0" role="region" aria-label={t('import.preview')}>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" class="num">{t('import.line_col')}</th>
                  {columns.map((c) => <th scope="col" key={c.key}>{c.label}</th>)}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={r.line}>
                    <td class="num">{r.line}</td>
                    {columns.map((c) => <td key={c.key}>{c.render ? c.render(r) : (r[c.key] ?? '')}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
