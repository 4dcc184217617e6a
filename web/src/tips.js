// Tips and cases in the browser: the tip statuses and the transitions a tip may take (a mirror of
// src/domain/tip_status.c, to offer only the buttons that will work — the server still decides), the
// case categories, sources and statuses as the API spells them, who may work on tips (officer, admin),
// and how often the inbox asks for new tips.
export const TIP_STATUSES = ['new', 'verifying', 'forwarded', 'resolved', 'unfounded', 'duplicate'];

// allowed[from] = the statuses a tip may go to from `from`
const NEXT = {
  new: ['verifying', 'duplicate'],
  verifying: ['forwarded', 'resolved', 'unfounded', 'duplicate'],
  forwarded: ['resolved', 'verifying'],
  resolved: ['verifying'],
  unfounded: ['verifying'],
  duplicate: ['verifying'],
};

// The statuses a tip in `from` may be moved to, in the table's order.
export function nextStatuses(from) {
  return NEXT[from] || [];
}

export const CASE_CATEGORIES = ['crime', 'social_evil', 'traffic_accident', 'fire', 'dispute', 'public_order', 'epidemic', 'other'];
export const CASE_SOURCES = ['tip', 'patrol', 'alarm', 'walk_in', 'referral'];
export const CASE_STATUSES = ['open', 'investigating', 'transferred', 'closed'];

// Does the user hold a role that reads and works on tips and cases (src/domain/perm.c TIPS_CASES)?
export function canTips(user) {
  return !!user && (user.grants || []).some((g) => g.role === 'officer' || g.role === 'admin');
}
