// A team's kind as a small label: "Tổ bảo vệ an ninh, trật tự", "Tổ hòa giải", …
import { t } from '../i18n.js';

export function TeamKind({ kind }) {
  return <span class={'badge badge-team badge-' + kind}>{t('team.kind.' + kind)}</span>;
}
