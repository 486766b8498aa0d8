import './styles.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes, useNavigate } from 'react-router';
import { ApiError } from './api/errors';
import { session } from './api/session';
import { t } from './i18n';
import { RequireAuth, useSession } from './session-context';

const page = <T extends Record<string, React.ComponentType>>(load: () => Promise<T>, name: keyof T) =>
  lazy(async () => ({ default: (await load())[name] as React.ComponentType }));

const CarSearch = page(() => import('./routes/cars/search'), 'CarSearch');
const CarPage = page(() => import('./routes/cars/car'), 'CarPage');
const StaySearch = page(() => import('./routes/stays/search'), 'StaySearch');
const PropertyPage = page(() => import('./routes/stays/property'), 'PropertyPage');
const FlightSearch = page(() => import('./routes/flights/search'), 'FlightSearch');
const OfferPage = page(() => import('./routes/flights/offer'), 'OfferPage');
const CheckoutPage = page(() => import('./routes/checkout/checkout'), 'CheckoutPage');
const BookingList = page(() => import('./routes/bookings/list'), 'BookingList');
const CarBookingPage = page(() => import('./routes/bookings/detail'), 'CarBookingPage');
const StayBookingPage = page(() => import('./routes/bookings/detail'), 'StayBookingPage');
const FlightBookingPage = page(() => import('./routes/bookings/detail'), 'FlightBookingPage');
const TripList = page(() => import('./routes/trips/list'), 'TripList');
const TripPage = page(() => import('./routes/trips/trip'), 'TripPage');
const SignIn = page(() => import('./routes/account/account'), 'SignIn');
const SignUp = page(() => import('./routes/account/account'), 'SignUp');
const ForgotPassword = page(() => import('./routes/account/recovery'), 'ForgotPassword');
const ResetPassword = page(() => import('./routes/account/recovery'), 'ResetPassword');
const VerifyEmail = page(() => import('./routes/account/recovery'), 'VerifyEmail');
const AccountPage = page(() => import('./routes/account/profile'), 'AccountPage');
// The operator console: its own chunks, loaded only when an admin opens /admin.
const AdminLayout = page(() => import('./routes/admin/layout'), 'AdminLayout');
const FlagsPage = page(() => import('./routes/admin/flags'), 'FlagsPage');
const UsersPage = page(() => import('./routes/admin/users'), 'UsersPage');
const AuditPage = page(() => import('./routes/admin/audit'), 'AuditPage');
const FleetPage = page(() => import('./routes/admin/fleet'), 'FleetPage');
const InventoryPage = page(() => import('./routes/admin/inventory'), 'InventoryPage');
const FlightsPage = page(() => import('./routes/admin/flights'), 'FlightsPage');
const NotificationsPage = page(() => import('./routes/admin/notifications'), 'NotificationsPage');
const BackupsPage = page(() => import('./routes/admin/backups'), 'BackupsPage');
const ReleasesPage = page(() => import('./routes/admin/releases'), 'ReleasesPage');
const OverviewPage = page(() => import('./routes/admin/overview'), 'OverviewPage');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, err) => count < 1 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});
session.subscribe((s) => {
  if (!s) queryClient.clear();
});

function Header() {
  const s = useSession();
  const navigate = useNavigate();
  return (
    <header className="top">
      <Link to="/" className="brand">
        {t.app.name}
      </Link>
      <nav aria-label="Main">
        <NavLink to="/">{t.app.nav.cars}</NavLink>
        <NavLink to="/stays">{t.app.nav.stays}</NavLink>
        <NavLink to="/flights">{t.app.nav.flights}</NavLink>
        <NavLink to="/bookings">{t.app.nav.bookings}</NavLink>
        <NavLink to="/trips">{t.app.nav.trips}</NavLink>
        {s?.user.role === 'admin' && <NavLink to="/admin">{t.admin.nav}</NavLink>}
      </nav>
      <div className="account">
        {s ? (
          <>
            <Link to="/account" className="who">
              {t.app.signedInAs(s.user.name)}
            </Link>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                const token = s.refreshToken;
                void fetch('/auth/logout', {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', authorization: `Bearer ${s.accessToken}` },
                  body: JSON.stringify({ refreshToken: token }),
                }).catch(() => undefined);
                session.end('signed_out');
                navigate('/signin?reason=signed_out');
              }}
            >
              {t.app.signOut}
            </button>
          </>
        ) : (
          <>
            <Link to="/signin">{t.app.signIn}</Link>
            <Link to="/signup" className="button">
              {t.app.signUp}
            </Link>
          </>
        )}
      </div>
    </header>
  );
}

function NotFound() {
  return (
    <section>
      <h1>{t.app.notFound}</h1>
      <Link to="/">{t.app.home}</Link>
    </section>
  );
}

const auth = (el: React.ReactNode) => <RequireAuth>{el}</RequireAuth>;

function App() {
  return (
    <>
      <a href="#main" className="skip">
        {t.app.skip}
      </a>
      <Header />
      <main id="main">
        <Suspense fallback={<p>{t.app.loading}</p>}>
          <Routes>
            <Route path="/" element={<CarSearch />} />
            <Route path="/cars" element={<CarSearch />} />
            <Route path="/cars/:id" element={<CarPage />} />
            <Route path="/stays" element={<StaySearch />} />
            <Route path="/stays/:id" element={<PropertyPage />} />
            <Route path="/flights" element={<FlightSearch />} />
            <Route path="/flights/offers/:id" element={<OfferPage />} />
            <Route path="/checkout/:kind/:id" element={auth(<CheckoutPage />)} />
            <Route path="/bookings" element={auth(<BookingList />)} />
            <Route path="/bookings/cars/:id" element={auth(<CarBookingPage />)} />
            <Route path="/bookings/stays/:id" element={auth(<StayBookingPage />)} />
            <Route path="/bookings/flights/:id" element={auth(<FlightBookingPage />)} />
            <Route path="/trips" element={auth(<TripList />)} />
            <Route path="/trips/:id" element={auth(<TripPage />)} />
            <Route path="/signin" element={<SignIn />} />
            <Route path="/signup" element={<SignUp />} />
            <Route path="/forgot-password" element={<ForgotPassword />} />
            <Route path="/reset-password" element={<ResetPassword />} />
            <Route path="/verify-email" element={<VerifyEmail />} />
            <Route path="/account" element={auth(<AccountPage />)} />
            <Route path="/admin" element={auth(<AdminLayout />)}>
              <Route index element={<Navigate to="/admin/overview" replace />} />
              <Route path="flags" element={<FlagsPage />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="fleet" element={<FleetPage />} />
              <Route path="inventory" element={<InventoryPage />} />
              <Route path="flights" element={<FlightsPage />} />
              <Route path="notifications" element={<NotificationsPage />} />
              <Route path="backups" element={<BackupsPage />} />
              <Route path="releases" element={<ReleasesPage />} />
              <Route path="overview" element={<OverviewPage />} />
              <Route path="*" element={<NotFound />} />
            </Route>
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
