// The pages of the app, in one table. A page gets { params, query, user } as props. A route with `nav`
// (an i18n key) appears in the main navigation, in this order; `navIf(user)` shows it only to some.
// Add new pages here.
import { HomePage } from './components/HomePage.jsx';
import { UnitsPage } from './components/UnitsPage.jsx';
import { UnitPage } from './components/UnitPage.jsx';
import { CommunePage } from './components/CommunePage.jsx';
import { TeamsPage } from './components/TeamsPage.jsx';
import { TeamPage } from './components/TeamPage.jsx';
import { ImportMembersPage, ImportPeoplePage } from './components/ImportPages.jsx';
import { PeoplePage } from './components/PeoplePage.jsx';
import { PersonNewPage } from './components/PersonForm.jsx';
import { PersonPage } from './components/PersonPage.jsx';
import { OrganisationsPage } from './components/OrganisationsPage.jsx';
import { OrganisationPage } from './components/OrganisationPage.jsx';
import { UsersPage } from './components/UsersPage.jsx';
import { UserPage } from './components/UserPage.jsx';
import { TipInboxPage } from './components/TipInboxPage.jsx';
import { OfficerTipPage } from './components/OfficerTipPage.jsx';
import { CasesPage } from './components/CasesPage.jsx';
import { CasePage } from './components/CasePage.jsx';
// mediation (hòa giải ở cơ sở): cases, the book
import { MediationCasesPage, MediationNewPage } from './components/MediationCasesPage.jsx';
import { MediationCasePage } from './components/MediationCasePage.jsx';
import { MediationBookPage } from './components/MediationBookPage.jsx';
import { canMediation } from './mediation.js';
// API keys (tips / Open311)
import { ApiKeysPage } from './components/ApiKeysPage.jsx';
import { can } from './forces.js';
import { canTips } from './tips.js';
// alarms, enrolment, warnings (the digital mõ)
import { AlarmsPage } from './components/AlarmsPage.jsx';
import { AlarmPage } from './components/AlarmPage.jsx';
import { EnrolmentsPage } from './components/EnrolmentsPage.jsx';
import { WarningsPage } from './components/WarningsPage.jsx';
import { AlertSettingsPage } from './components/AlertSettingsPage.jsx';
import { canAlarms } from './alarms.js';

// movement: outreach sessions, models, exemplars
import { OutreachNewPage, OutreachPage, OutreachSessionPage } from './components/OutreachPages.jsx';
import { ExemplarsPage, ModelPage, ModelsPage } from './components/ModelsPages.jsx';
import { canMovement } from './movement.js';
// patrols: rosters, my duties, patrols with check-in, violation records
import { RosterPage } from './components/RosterPage.jsx';
import { MyDutiesPage } from './components/MyDutiesPage.jsx';
import { PatrolNewPage, PatrolPage, PatrolsPage } from './components/PatrolsPages.jsx';
import { ViolationNewPage, ViolationPage, ViolationsPage } from './components/ViolationsPages.jsx';
import { canPatrols } from './patrols.js';
export const routes = [
  { path: '/', component: HomePage, nav: 'nav.home' },
  // alarms, enrolment, warnings (the digital mõ)
  { path: '/alarms', component: AlarmsPage, nav: 'alarm.nav', navIf: canAlarms },
  { path: '/alarms/:id', component: AlarmPage, navParent: '/alarms' },
  // households and warnings are reached from the alarm page's section links (one entry in the menu)
  { path: '/enrolments', component: EnrolmentsPage, navParent: '/alarms' },
  { path: '/warnings', component: WarningsPage, navParent: '/alarms' },
  { path: '/settings/alerts', component: AlertSettingsPage, navParent: '/warnings' },
  { path: '/commune', component: CommunePage, nav: 'nav.commune' },
  { path: '/teams', component: TeamsPage, nav: 'nav.teams' },
  { path: '/teams/:id', component: TeamPage, navParent: '/teams' },
  { path: '/teams/:id/import', component: ImportMembersPage, navParent: '/teams' },
  { path: '/people', component: PeoplePage, nav: 'nav.people' },
  { path: '/people/new', component: PersonNewPage, navParent: '/people' },
  { path: '/people/import', component: ImportPeoplePage, navParent: '/people' },
  { path: '/people/:id', component: PersonPage, navParent: '/people' },
  { path: '/organisations', component: OrganisationsPage, nav: 'nav.organisations' },
  { path: '/organisations/:id', component: OrganisationPage, navParent: '/organisations' },
  { path: '/units', component: UnitsPage, nav: 'nav.units' },
  { path: '/units/:id', component: UnitPage, navParent: '/units' },
  { path: '/tips', component: TipInboxPage, nav: 'nav.inbox', navIf: canTips },
  { path: '/tips/:id', component: OfficerTipPage, navParent: '/tips' },
  { path: '/cases', component: CasesPage, nav: 'nav.cases', navIf: canTips },
  { path: '/cases/:id', component: CasePage, navParent: '/cases' },
  // mediation (hòa giải ở cơ sở): literal paths before /mediation/:id
  { path: '/mediation', component: MediationCasesPage, nav: 'mediation.nav', navIf: canMediation },
  { path: '/mediation/new', component: MediationNewPage, navParent: '/mediation' },
  { path: '/mediation/book', component: MediationBookPage, navParent: '/mediation' },
  { path: '/mediation/:id', component: MediationCasePage, navParent: '/mediation' },
  // movement: outreach sessions, models, exemplars (one nav entry; literal paths before :id)
  { path: '/outreach', component: OutreachPage, nav: 'outreach.nav', navIf: canMovement },
  { path: '/outreach/new', component: OutreachNewPage, navParent: '/outreach' },
  { path: '/outreach/:id', component: OutreachSessionPage, navParent: '/outreach' },
  { path: '/models', component: ModelsPage, navParent: '/outreach' },
  { path: '/models/:id', component: ModelPage, navParent: '/outreach' },
  { path: '/exemplars', component: ExemplarsPage, navParent: '/outreach' },
  // patrols: rosters, my duties, patrols with check-in, violation records (one nav entry; literal paths before :id)
  { path: '/patrols', component: PatrolsPage, nav: 'patrol.nav', navIf: canPatrols },
  { path: '/patrols/new', component: PatrolNewPage, navParent: '/patrols' },
  { path: '/patrols/:id', component: PatrolPage, navParent: '/patrols' },
  { path: '/me/duties', component: MyDutiesPage, navParent: '/patrols' },
  { path: '/violations', component: ViolationsPage, navParent: '/patrols' },
  { path: '/violations/new', component: ViolationNewPage, navParent: '/patrols' },
  { path: '/violations/:id', component: ViolationPage, navParent: '/patrols' },
  { path: '/teams/:id/roster', component: RosterPage, navParent: '/teams' },
  { path: '/users', component: UsersPage, nav: 'nav.users', navIf: (u) => can(u, 'users_admin') },
  { path: '/users/:id', component: UserPage, navParent: '/users' },
  // API keys (tips / Open311): installation admins, linked from the accounts page
  { path: '/settings/api-keys', component: ApiKeysPage, navParent: '/users' },
];
