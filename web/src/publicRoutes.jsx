// The citizen's pages: no account, no session request, shown outside the officers' shell.
import { TipPage } from './components/TipPage.jsx';
import { TipFollowPage } from './components/TipFollowPage.jsx';

export const publicRoutes = {
  '/gui-tin-bao': TipPage,
  '/theo-doi-tin-bao': TipFollowPage,
};
