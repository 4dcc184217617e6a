// A unit's kind as a small label: Tỉnh, Phường/Xã, Khối phố, Tổ dân phố.
import { t } from '../i18n.js';

export function UnitKind({ kind }) {
  return <span class={'badge badge-' + kind}>{t('unit.kind.' + kind)}</span>;
}
