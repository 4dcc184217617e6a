// The movement in the browser (outreach sessions, models, exemplars): the kinds, groups and ratings as
// the API spells them (src/store/outreach.c, src/store/models.c), who may record them (a mirror of
// src/domain/perm.c: admins, officers and coordinators — the server still narrows a coordinator to their
// own organisation's records), and the helpers the pages share.
import { t } from './i18n.js';

export const OUTREACH_KINDS = ['propaganda', 'campaign_launch', 'training', 'legal_consultation'];
export const AUDIENCE_GROUPS = ['residents', 'pupils', 'teachers', 'members'];
export const MODEL_KINDS = ['club', 'team', 'residential', 'school'];
export const ACTIVITY_KINDS = ['legal_consultation', 'meeting', 'propaganda', 'patrol', 'support', 'reeducation', 'other'];
export const RATINGS = ['excellent', 'good', 'fair', 'weak'];
export const EXEMPLAR_KINDS = ['person', 'team', 'organisation'];
export const LEVELS = ['commune', 'district', 'province', 'ministry'];

const WRITE = ['admin', 'officer', 'coordinator'];

// Does the user see the movement at all (every role does)?
export function canMovement(user) {
  return !!user && (user.grants || []).length > 0;
}

// Does the user record sessions, models or exemplars somewhere (outreach.write)?
export function canMovementWrite(user) {
  return !!user && (user.grants || []).some((g) => WRITE.includes(g.role) && !g.team_id);
}

// May the user add topics to the list (officers and admins)?
export function canAddTopic(user) {
  return !!user && (user.grants || []).some((g) => (g.role === 'admin' || g.role === 'officer') && !g.team_id);
}

// A topic's name in the current language, from the list the API gives.
export function topicName(topics, code, lang) {
  const x = (topics || []).find((tp) => tp.code === code);
  if (!x) return code;
  return lang === 'en' ? x.name_en : x.name_vi;
}

// "2020-03" → "03/2020"
export function monthText(m) {
  return `${m.slice(5)}/${m.slice(0, 4)}`;
}

// An API time for a Vietnamese date and optional "HH:MM".
export function vnTime(iso, hhmm) {
  return `${iso}T${hhmm || '08:00'}:00+07:00`;
}

export function audienceText(a, orgName) {
  const who = a.group === 'members' && a.organisation_id ? t('outreach.members_of', { org: orgName(a.organisation_id) }) : t('outreach.group.' + a.group);
  return `${who}: ${a.count}`;
}
