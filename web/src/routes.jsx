// The pages of the app, in one table. A page gets { params, query, user } as props. A route with `nav`
// (an i18n key) appears in the main navigation, in this order. Add new pages here.
import { HomePage } from './components/HomePage.jsx';
import { UnitsPage } from './components/UnitsPage.jsx';
import { UnitPage } from './components/UnitPage.jsx';

export const routes = [
  { path: '/', component: HomePage, nav: 'nav.home' },
  { path: '/units', component: UnitsPage, nav: 'nav.units' },
  { path: '/units/:id', component: UnitPage, navParent: '/units' },
];
