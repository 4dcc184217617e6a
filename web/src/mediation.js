// Mediation (hòa giải ở cơ sở) in the browser: the kinds of case and results as the API spells them
// (src/domain/mediation_rules.c), who may read and record cases (a mirror of src/domain/perm.c's
// mediation permissions, to show only what will work — the server still decides by team), and a
// party's line as the book writes it.
import { t } from './i18n.js';

export const MEDIATION_KINDS = ['marriage_family', 'land', 'neighbours', 'civil', 'minor_violation', 'other'];
export const MEDIATION_RESULTS = ['settled', 'not_settled', 'withdrawn', 'transferred'];

const READ = ['admin', 'officer', 'team_leader', 'member', 'viewer'];
const WRITE = ['admin', 'officer', 'team_leader'];

// Does the user read mediation cases somewhere (mediation.read through any grant)?
export function canMediation(user) {
  return !!user && (user.grants || []).some((g) => READ.includes(g.role));
}

// Does the user record mediation cases somewhere (mediation.write)?
export function canMediationWrite(user) {
  return !!user && (user.grants || []).some((g) => WRITE.includes(g.role));
}

// "Nguyễn Văn A, 49 tuổi, Tổ 3" — the age in `year` when the birth year is known.
export function partyLine(p, year) {
  const bits = [p.full_name];
  if (p.birth_year) bits.push(t('mediation.age', { age: year - p.birth_year }));
  if (p.address) bits.push(p.address);
  return bits.join(', ');
}

// The result's words, or "open" when the case has none yet.
export function resultText(c) {
  return c.result ? t('mediation.result.' + c.result) : t('mediation.result.open');
}
