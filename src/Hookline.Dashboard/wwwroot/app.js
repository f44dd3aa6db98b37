// The webhook dashboard: plain ES modules over Preact and htm (vendored, see vendor/VENDORED.md), no build step.
// Screens are routed by the URL's fragment, so the server serves one page.
import { createPortal, render } from './vendor/preact.mjs';
import { useEffect, useState } from './vendor/hooks.mjs';
import { api, signOut } from './api.js';
import { html, Problem } from './ui.js';
import { EndpointForm, EndpointList, EndpointPage } from './endpoints.js';
import { Catalog } from './catalog.js';
import { MessageLog, MessagePage } from './messages.js';

const title = document.title;

function route(hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(search);
  if (parts[0] === 'endpoints' && parts[1] === 'new') return { name: 'Add endpoint', screen: 'new' };
  if (parts[0] === 'endpoints' && parts[1] && parts[2] === 'edit') return { name: 'Edit endpoint', screen: 'edit', id: parts[1] };
  if (parts[0] === 'endpoints' && parts[1]) return { name: 'Endpoint', screen: 'endpoint', id: parts[1] };
  if (parts[0] === 'event-types') return { name: 'Event types', screen: 'catalog', section: 'catalog' };
  if (parts[0] === 'messages' && parts[1]) return { name: 'Message', screen: 'message', id: parts[1], section: 'messages' };
  if (parts[0] === 'messages') return { name: 'Messages', screen: 'messages', params, section: 'messages' };
  return { name: 'Endpoints', screen: 'endpoints', section: 'endpoints' };
}

function Nav({ current }) {
  const link = (href, section, text) =>
    html`<a href=${href} aria-current=${current === section ? 'page' : undefined}>${text}</a>`;
  return html`
    ${link('#/', 'endpoints', 'Endpoints')}
    ${link('#/messages', 'messages', 'Messages')}
    ${link('#/event-types', 'catalog', 'Event types')}`;
}

/**
 * Who is signed in (the tenant, by the name the app gives it), and, for a session a link opened, the way out; on every screen,
 * since the header is the page's own.
 */
function Account({ session, onSignOut }) {
  const [error, setError] = useState(null);
  const leave = async () => {
    try {
      await signOut();
      onSignOut();
    } catch (e) {
      setError(e);
    }
  };
  return html`
    <span class="tenant">Signed in as <strong>${session.name || session.tenant}</strong></span>
    ${session.readOnly && html`<span class="badge">Read-only</span>`}
    ${session.linkSession && html`<button type="button" class="secondary" onClick=${leave}>Sign out</button>`}
    ${error && html`<span class="error" role="alert">${error.message}</span>`}`;
}

function SignedOut({ left }) {
  return html`
    <div class="notice">
      <h1>${left ? 'You signed out' : 'Open your dashboard'}</h1>
      <p>${left ? 'This browser no longer has a dashboard session.' : 'Your session has ended, or you are not signed in.'}
        Sign in to the app, or open a new dashboard link: ask for one where you got the last (the API's
        <code>POST …/dashboard-links</code>). Each link works once, for a few minutes.</p>
    </div>`;
}

function App() {
  const [hash, setHash] = useState(location.hash);
  const [session, setSession] = useState(null);
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    changed(); // A hash changed between the first render and now raised no event this listener heard.
    api('GET', '/session').then(setSession, setFailure);
    return () => removeEventListener('hashchange', changed);
  }, []);

  const current = route(hash);
  useEffect(() => {
    document.title = `${current.name} · ${title}`;
    // Keyboard and screen reader users land on the new screen, not on the link they followed.
    document.getElementById('app').focus({ preventScroll: true });
  }, [hash]);

  if (failure) return failure.status === 401 ? html`<${SignedOut} left=${failure.left} />` : html`<${Problem} error=${failure} />`;
  if (!session) return html`<p class="muted" role="status">Loading…</p>`;
  const left = () => {
    setSession(null);
    setFailure({ status: 401, left: true });
  };
  return html`${createPortal(html`<${Nav} current=${current.section} />`, document.getElementById('nav'))}
    ${createPortal(html`<${Account} session=${session} onSignOut=${left} />`, document.getElementById('account'))}
    ${screen(current, { session, navigate: target => { location.hash = target; } })}`;
}

function screen(current, props) {
  const { session } = props;
  switch (current.screen) {
    case 'new': return session.readOnly ? html`<${EndpointList} ...${props} />` : html`<${EndpointForm} ...${props} />`;
    case 'edit': return html`<${EndpointForm} ...${props} id=${current.id} />`;
    case 'endpoint': return html`<${EndpointPage} key=${current.id} ...${props} id=${current.id} />`;
    case 'catalog': return html`<${Catalog} />`;
    case 'messages': return html`<${MessageLog} ...${props} params=${current.params} />`;
    case 'message': return html`<${MessagePage} key=${current.id} ...${props} id=${current.id} />`;
    default: return html`<${EndpointList} ...${props} />`;
  }
}

render(html`<${App} />`, document.getElementById('app'));
