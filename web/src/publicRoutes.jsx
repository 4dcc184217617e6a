// The citizen's pages: no account, no session request, shown outside the officers' shell.
import { TipPage } from './components/TipPage.jsx';
import { TipFollowPage } from './components/TipFollowPage.jsx';
// the household's alarm (the digital mõ)
import { HouseholdAlarmPage } from './components/HouseholdAlarmPage.jsx';

export const publicRoutes = {
  '/gui-tin-bao': TipPage,
  '/theo-doi-tin-bao': TipFollowPage,
  // the household's alarm (the digital mõ)
  '/bao-dong': HouseholdAlarmPage,
};
