import { useEffect, useRef, useState } from './vendor/hooks.mjs';
import { api, ApiError, query } from './api.js';
import { Badge, Field, html, Loading, percent, poll, Problem, Status, Time, useLoad } from './ui.js';
import { Chart } from './chart.js';
import { Attempts, outcomeWords } from './attempts.js';

/** The tenant's endpoints, with how deliveries to each went over the last 24 hours. */
export function EndpointList({ session }) {
  const [state] = useLoad(async () => {
    const [endpoints, stats, types] = await Promise.all([
      api('GET', '/endpoints?limit=100'), api('GET', '/stats'), api('GET', '/event-types'),
    ]);
    return { endpoints: endpoints.data, stats: new Map(stats.data.map(s => [s.endpointId, s.last24Hours])), types: types.data };
  }, []);
  return html`
    <div class="heading">
      <h1>Endpoints</h1>
      ${!session.readOnly && html`<a class="button" href="#/endpoints/new">Add endpoint</a>`}
    </div>
    <${Loading} state=${state}>${({ endpoints, stats, types }) => endpoints.length === 0
      ? html`<div class="empty">
          <p><strong>No endpoints yet.</strong> ${session.readOnly
            ? 'None are registered for this account.'
            : `Add the URL that should receive ${types.map(t => t.name).join(', ') || 'your events'}.`}</p>
          ${!session.readOnly && html`<a class="button" href="#/endpoints/new">Add endpoint</a>`}
        </div>`
      : html`<ul class="cards">${endpoints.map(endpoint => {
          const last = stats.get(endpoint.id);
          return html`<li class="card">
            <h2><a href=${`#/endpoints/${endpoint.id}`}>${endpoint.url}</a></h2>
            <p class="meta">
              <${Badge} endpoint=${endpoint} /> ${endpoint.eventTypes ? endpoint.eventTypes.join(', ') : 'All event types'}
            </p>
            ${endpoint.description && html`<p>${endpoint.description}</p>`}
            <dl class="figures">
              <div><dt>Success, 24 h</dt><dd>${percent(last?.successRate)}</dd></div>
              <div><dt>Attempts, 24 h</dt><dd>${(last?.succeeded ?? 0) + (last?.failed ?? 0)}</dd></div>
              <div><dt>Last failure</dt><dd>${last?.lastFailure
                ? html`<${Time} value=${last.lastFailure.at} /> ${failure(last.lastFailure)}`
                : 'None'}</dd></div>
            </dl>
          </li>`;
        })}</ul>`}
    <//>`;
}

const failure = f => f.statusCode ? `(${f.statusCode})` : `(${outcomeWords(f)})`;

/** The API's orderings, as the form offers them and the endpoint's page names them. */
const orderings = [
  { value: 'none', choice: 'Any order (fastest)', shown: 'Any order' },
  {
    value: 'ordered',
    choice: 'In publish order; a failed delivery holds back the rest of its key',
    shown: 'In publish order; a failed delivery holds back the rest of its key until you send it again or skip it',
  },
  {
    value: 'orderedSkipFailures',
    choice: 'In publish order; a failed delivery is skipped',
    shown: 'In publish order; a failed delivery is skipped',
  },
];

/** Adds an endpoint, or changes one: event types chosen from the catalog, each refusal next to its field. */
export function EndpointForm({ id, navigate }) {
  const [state] = useLoad(async () => ({
    types: (await api('GET', '/event-types')).data,
    endpoint: id ? await api('GET', `/endpoints/${id}`) : null,
  }), [id]);
  return html`
    <h1>${id ? 'Edit endpoint' : 'Add endpoint'}</h1>
    <${Loading} state=${state}>${data => html`<${EndpointFields} ...${data} id=${id} navigate=${navigate} />`}<//>`;
}

function EndpointFields({ id, types, endpoint, navigate }) {
  const [url, setUrl] = useState(endpoint?.url || '');
  const [description, setDescription] = useState(endpoint?.description || '');
  const [all, setAll] = useState(!endpoint?.eventTypes);
  const [chosen, setChosen] = useState(new Set(endpoint?.eventTypes || []));
  const [rateLimit, setRateLimit] = useState(endpoint?.rateLimit ?? '');
  const [ordering, setOrdering] = useState(endpoint?.ordering || 'none');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  useEffect(() => {
    // After a refusal, take the keyboard to the first field at fault.
    form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [error]);

  const toggle = name => {
    const next = new Set(chosen);
    if (next.has(name)) next.delete(name); else next.add(name);
    setChosen(next);
  };

  const submit = async event => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      url: url.trim(),
      description: description.trim() || null,
      eventTypes: all ? null : [...chosen],
      rateLimit: rateLimit === '' ? null : Number(rateLimit),
      ordering,
    };
    try {
      const saved = id
        ? await api('PUT', `/endpoints/${id}`, { body, ifMatch: endpoint.version })
        : await api('POST', '/endpoints', { body });
      navigate(`#/endpoints/${saved.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e) }));
      setBusy(false);
    }
  };

  const typesRefused = error?.field('eventTypes').length > 0;
  return html`
    <form ref=${form} onSubmit=${submit} novalidate>
      <${Problem} error=${error} skip=${['url', 'description', 'eventTypes', 'rateLimit', 'ordering']} />
      <${Field} id="url" label="URL" hint="Where the events are sent: https, reachable from the internet." error=${error}>
        ${props => html`<input ...${props} type="url" required value=${url} onInput=${e => setUrl(e.target.value)} autocomplete="url" />`}
      <//>
      <fieldset class=${typesRefused ? 'field invalid' : 'field'} aria-describedby=${typesRefused ? 'eventTypes-error' : undefined}>
        <legend>Event types</legend>
        <label class="check">
          <input id="eventTypes" type="checkbox" checked=${all} onChange=${e => setAll(e.target.checked)} />
          All event types, also ones added later
        </label>
        ${!all && types.map(type => html`
          <label class="check">
            <input type="checkbox" name="eventTypes" value=${type.name} checked=${chosen.has(type.name)}
              onChange=${() => toggle(type.name)} />
            <span><code>${type.name}</code> <span class="hint">${type.description || type.summary}</span></span>
          </label>`)}
        ${typesRefused && html`<p class="error" id="eventTypes-error">${error.field('eventTypes').join(' ')}</p>`}
      </fieldset>
      <${Field} id="description" label="Description (optional)" hint="A note for yourself." error=${error}>
        ${props => html`<input ...${props} value=${description} onInput=${e => setDescription(e.target.value)} />`}
      <//>
      <${Field} id="rateLimit" label="Rate limit (optional)" hint="At most this many deliveries a second; empty for no limit."
        error=${error}>
        ${props => html`<input ...${props} type="number" min="1" max="10000" inputmode="numeric" value=${rateLimit}
          onInput=${e => setRateLimit(e.target.value)} />`}
      <//>
      <${Field} id="ordering" label="Order of deliveries" error=${error}
        hint="In publish order, messages of one key (which the app sets when it sends them) go one at a time, so a slow receiver
          holds back its key; messages without a key form one sequence.">
        ${props => html`<select ...${props} value=${ordering} onChange=${e => setOrdering(e.target.value)}>
          ${orderings.map(o => html`<option value=${o.value}>${o.choice}</option>`)}
        </select>`}
      <//>
      <div class="actions">
        <button type="submit" disabled=${busy}>${id ? 'Save' : 'Add endpoint'}</button>
        <a href=${id ? `#/endpoints/${id}` : '#/'}>Cancel</a>
      </div>
    </form>`;
}

/** One endpoint: its secret, state, test events, charts and recent attempts. */
export function EndpointPage({ id, session, navigate }) {
  const [state, reload] = useLoad(async () => {
    const [endpoint, stats, attempts, types] = await Promise.all([
      api('GET', `/endpoints/${id}`),
      api('GET', `/stats${query({ endpointId: id })}`),
      api('GET', `/attempts${query({ endpointId: id, limit: 20 })}`),
      api('GET', '/event-types'),
    ]);
    return { endpoint, stats: stats.data[0], attempts: attempts.data, types: types.data };
  }, [id]);
  return html`<${Loading} state=${state}>${data => html`
    <${EndpointView} ...${data} session=${session} reload=${reload} navigate=${navigate} />`}<//>`;
}

function EndpointView({ endpoint, stats, attempts, types, session, reload, navigate }) {
  const [status, setStatus] = useState('');
  const [error, setError] = useState(null);
  const act = async (what, call) => {
    setError(null);
    setStatus(`${what}…`);
    try {
      const result = await call();
      setStatus(typeof result === 'string' ? result : `${what}: done.`);
      await reload();
    } catch (e) {
      setStatus('');
      setError(e);
    }
  };
  const change = what => api('POST', `/endpoints/${endpoint.id}/${what}`, { ifMatch: endpoint.version });
  const readOnly = session.readOnly;
  return html`
    <p><a href="#/">← Endpoints</a></p>
    <div class="heading">
      <h1 class="url">${endpoint.url}</h1>
      <${Badge} endpoint=${endpoint} />
    </div>
    ${endpoint.description && html`<p>${endpoint.description}</p>`}
    <dl class="figures">
      <div><dt>Event types</dt><dd>${endpoint.eventTypes ? endpoint.eventTypes.join(', ') : 'All'}</dd></div>
      <div><dt>Rate limit</dt><dd>${endpoint.rateLimit ? `${endpoint.rateLimit} a second` : 'None'}</dd></div>
      <div><dt>Order</dt><dd>${orderings.find(o => o.value === endpoint.ordering)?.shown || endpoint.ordering}</dd></div>
      <div><dt>Success, 24 h</dt><dd>${percent(stats?.last24Hours.successRate)}</dd></div>
      <div><dt>Added</dt><dd><${Time} value=${endpoint.createdAt} /></dd></div>
      ${endpoint.disabledReason && html`<div><dt>Disabled because</dt><dd>${endpoint.disabledReason}</dd></div>`}
      ${endpoint.failingSince && html`<div><dt>Failing since</dt><dd><${Time} value=${endpoint.failingSince} /></dd></div>`}
      <div><dt>Deliveries at once</dt><dd><${Circuit} circuit=${endpoint.circuit} /></dd></div>
    </dl>
    <${Problem} error=${error} />
    <${Status} text=${status} />
    ${!readOnly && html`<div class="actions">
      <a class="button" href=${`#/endpoints/${endpoint.id}/edit`}>Edit</a>
      ${endpoint.enabled
        ? html`<button type="button" class="secondary" onClick=${() => act('Disabling', () => change('disable'))}>Disable</button>`
        : html`<button type="button" class="secondary" onClick=${() => act('Enabling', () => change('enable'))}>Enable</button>`}
      <${Delete} endpoint=${endpoint} navigate=${navigate} onError=${setError} />
    </div>`}

    <${Secret} endpoint=${endpoint} readOnly=${readOnly} act=${act} />

    ${!readOnly && html`<${TestEvent} endpoint=${endpoint} types=${types} act=${act} reload=${reload} />`}

    <section aria-labelledby="charts">
      <h2 id="charts">Deliveries</h2>
      ${stats && html`<div class="charts">
        <${Chart} title="Per hour, last 24 hours" counts=${stats.hourly} label="hour" />
        <${Chart} title="Per day, last 7 days" counts=${stats.daily} label="day" />
      </div>`}
    </section>

    <section aria-labelledby="attempts">
      <div class="heading">
        <h2 id="attempts">Recent attempts</h2>
        <button type="button" class="secondary" onClick=${reload}>Refresh</button>
      </div>
      <${Attempts} attempts=${attempts} />
      <p><a href=${`#/messages?endpointId=${endpoint.id}`}>All messages to this endpoint</a></p>
    </section>

    ${!readOnly && html`<${Recover} endpoint=${endpoint} act=${act} />`}`;
}

function Delete({ endpoint, navigate, onError }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return html`<button type="button" class="danger" onClick=${() => setAsking(true)}>Delete…</button>`;
  const remove = async () => {
    try {
      await api('DELETE', `/endpoints/${endpoint.id}`, { ifMatch: endpoint.version });
      navigate('#/');
    } catch (e) {
      onError(e);
      setAsking(false);
    }
  };
  return html`<span class="confirm" role="group" aria-label="Confirm deletion">Delete this endpoint and its log?
    <button type="button" class="danger" onClick=${remove}>Delete endpoint</button>
    <button type="button" class="secondary" onClick=${() => setAsking(false)}>Keep it</button></span>`;
}

function Secret({ endpoint, readOnly, act }) {
  const [secret, setSecret] = useState(null);
  const [copied, setCopied] = useState('');
  const [overlap, setOverlap] = useState('86400');
  const reveal = async () => setSecret((await api('GET', `/endpoints/${endpoint.id}/secret`)).secret);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      setCopied('Could not copy: select the secret and copy it.');
    }
  };
  const rotate = () => act('Rotating the secret', async () => {
    const rotated = await api('POST', `/endpoints/${endpoint.id}/secret/rotate`, {
      body: { overlapSeconds: Number(overlap) },
      ifMatch: endpoint.version,
    });
    setSecret(rotated.secret);
    return 'The secret was rotated; the old one keeps signing during the overlap.';
  });
  return html`
    <section aria-labelledby="secret">
      <h2 id="secret">Signing secret</h2>
      <p class="hint">Verify each delivery's <code>webhook-signature</code> with it (Standard Webhooks).</p>
      ${readOnly
        ? html`<p>This session is read-only: it cannot see the secret. Open the dashboard with a link that can change things to
            see it.</p>`
        : secret
          ? html`<div class="secret"><code id="secret-value">${secret}</code>
              <button type="button" class="secondary" onClick=${copy}>Copy</button>
              <button type="button" class="secondary" onClick=${() => setSecret(null)}>Hide</button></div>`
          : html`<button type="button" class="secondary" onClick=${reveal}>Reveal secret</button>`}
      <${Status} text=${copied} />
      ${!readOnly && html`<div class="inline">
        <label for="overlap">Old secret keeps signing for</label>
        <select id="overlap" value=${overlap} onChange=${e => setOverlap(e.target.value)}>
          <option value="0">no overlap</option>
          <option value="3600">1 hour</option>
          <option value="86400">24 hours</option>
          <option value="604800">7 days</option>
        </select>
        <button type="button" class="secondary" onClick=${rotate}>Rotate secret</button>
      </div>`}
    </section>`;
}

function TestEvent({ endpoint, types, act, reload }) {
  const offered = endpoint.eventTypes ? types.filter(t => endpoint.eventTypes.includes(t.name)) : types;
  const [type, setType] = useState(offered[0]?.name || '');
  const [waiting, setWaiting] = useState(null);

  useEffect(() => {
    // After a test send, look for its attempt every second for a while, then stop.
    if (!waiting) return undefined;
    return poll(
      async () => (await api('GET', `/attempts${query({ endpointId: endpoint.id, messageId: waiting })}`)).data.length > 0,
      () => {
        setWaiting(null);
        reload();
      });
  }, [waiting]);

  if (offered.length === 0) return null;
  const send = () => act('Sending a test event', async () => {
    const message = await api('POST', `/endpoints/${endpoint.id}/test`, { body: { eventType: type } });
    setWaiting(message.id);
    return `Sent ${message.eventType} as ${message.id}; its attempt appears below when it is made.`;
  });
  return html`
    <section aria-labelledby="test">
      <h2 id="test">Send a test event</h2>
      <div class="inline">
        <label for="test-type">Event type</label>
        <select id="test-type" value=${type} onChange=${e => setType(e.target.value)}>
          ${offered.map(t => html`<option value=${t.name}>${t.name}</option>`)}
        </select>
        <button type="button" onClick=${send} disabled=${!endpoint.enabled}>Send test event</button>
      </div>
      ${!endpoint.enabled && html`<p class="hint">Enable the endpoint to send it events.</p>`}
    </section>`;
}

function Recover({ endpoint, act }) {
  const [since, setSince] = useState(() => localInput(new Date(Date.now() - 24 * 3600 * 1000)));
  const recover = () => act('Recovering', async () => {
    const { recovered } = await api('POST', `/endpoints/${endpoint.id}/recover`, { body: { since: new Date(since).toISOString() } });
    return `${recovered} failed ${recovered === 1 ? 'delivery is' : 'deliveries are'} being sent again.`;
  });
  return html`
    <section aria-labelledby="recover">
      <h2 id="recover">Recover failed deliveries</h2>
      <div class="inline">
        <label for="since">Of messages since</label>
        <input id="since" type="datetime-local" value=${since} onInput=${e => setSince(e.target.value)} />
        <button type="button" class="secondary" onClick=${recover} disabled=${!endpoint.enabled}>Send them again</button>
      </div>
    </section>`;
}

/** A local date-time as a datetime-local input's value. */
export const localInput = date => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

/** What the endpoint's circuit breaker lets through, and why. */
function Circuit({ circuit }) {
  if (circuit.state === 'closed') return 'Several: its latest delivery succeeded';
  if (circuit.state === 'probing') {
    return circuit.consecutiveFailures
      ? `One at a time: ${circuit.consecutiveFailures} failed in a row`
      : 'One at a time, until one succeeds';
  }
  return html`None until <${Time} value=${circuit.openUntil} />, then one to try it: ${circuit.consecutiveFailures} failed in a row`;
}
