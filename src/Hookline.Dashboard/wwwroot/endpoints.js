import { useEffect, useRef, useState } from './vendor/hooks.mjs';
import { api, ApiError, query } from './api.js';
import { Badge, endpointName, Field, html, Loading, percent, poll, Problem, Status, Time, useLoad } from './ui.js';
import { Chart } from './chart.js';
import { Attempts, outcomeWords } from './attempts.js';
import { filterFields } from './catalog.js';

/** The tenant's endpoints, with how deliveries to each went over the last 24 hours and when each last succeeded. */
export function EndpointList({ session }) {
  const [state] = useLoad(async () => {
    const [endpoints, stats, types] = await Promise.all([
      api('GET', '/endpoints?limit=100'), api('GET', '/stats'), api('GET', '/event-types'),
    ]);
    return { endpoints: endpoints.data, stats: new Map(stats.data.map(s => [s.endpointId, s])), types: types.data };
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
          const of = stats.get(endpoint.id);
          const last = of?.last24Hours;
          return html`<li class="card">
            <h2><a href=${`#/endpoints/${endpoint.id}`}>${endpointName(endpoint)}</a></h2>
            <p class="meta">
              <${Badge} endpoint=${endpoint} /> ${endpoint.eventTypes ? endpoint.eventTypes.join(', ') : 'All event types'}
            </p>
            ${endpoint.description && html`<p>${endpoint.description}</p>`}
            <dl class="figures">
              <div><dt>Last success</dt><dd><${LastSuccess} at=${of?.lastSuccessAt} /></dd></div>
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

/** When an endpoint's latest attempt succeeded, or that none did. */
function LastSuccess({ at }) {
  return at ? html`<${Time} value=${at} />` : 'Never';
}

const failure = f => f.statusCode ? `(${f.statusCode})` : `(${outcomeWords(f)})`;

/** The API's signature schemes, as the form offers them. */
const schemes = [
  { value: 'v1', text: 'HMAC-SHA256 with a secret (whsec_) your receiver holds too' },
  { value: 'v1a', text: 'Ed25519: your receiver verifies with public keys (whpk_), which cannot sign' },
];

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

/** The filters typed for the event types offered, without empty ones; null when there are none. */
function filtersOf(offered, typed) {
  const kept = offered.map(t => [t.name, (typed[t.name] || '').trim()]).filter(([, filter]) => filter);
  return kept.length > 0 ? Object.fromEntries(kept) : null;
}

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
  const [filters, setFilters] = useState(endpoint?.filters || {});
  const [rateLimit, setRateLimit] = useState(endpoint?.rateLimit ?? '');
  const [ordering, setOrdering] = useState(endpoint?.ordering || 'none');
  const [signatureSchemes, setSignatureSchemes] = useState(endpoint?.signatureSchemes ?? ['v1']);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  useEffect(() => {
    // After a refusal, take the keyboard to the first field at fault.
    form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [error]);

  // Listed in the API's order (v1 then v1a), whichever is ticked first.
  const toggleScheme = name => setSignatureSchemes(schemes.map(o => o.value)
    .filter(value => value === name ? !signatureSchemes.includes(name) : signatureSchemes.includes(value)));

  const toggle = name => {
    const next = new Set(chosen);
    if (next.has(name)) next.delete(name); else next.add(name);
    setChosen(next);
  };

  // A polling endpoint (no URL: its messages are read from its feed) stays one: its form has no URL, rate limit or order.
  const polling = endpoint?.polling === true;
  const submit = async event => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = polling
      ? {
        polling,
        description: description.trim() || null,
        eventTypes: all ? null : [...chosen],
        filters: filtersOf(all ? types : types.filter(t => chosen.has(t.name)), filters),
        signatureSchemes,
      }
      : {
        url: url.trim(),
        description: description.trim() || null,
        eventTypes: all ? null : [...chosen],
        filters: filtersOf(all ? types : types.filter(t => chosen.has(t.name)), filters),
        rateLimit: rateLimit === '' ? null : Number(rateLimit),
        ordering,
        signatureSchemes,
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
  const schemesRefused = error?.field('signatureSchemes').length > 0;
  const filtered = all ? types : types.filter(t => chosen.has(t.name));
  return html`
    <form ref=${form} onSubmit=${submit} novalidate>
      <${Problem} error=${error}
        skip=${['url', 'description', 'eventTypes', 'rateLimit', 'ordering', 'signatureSchemes',
          ...types.map(t => `filters.${t.name}`)]} />
      ${polling
        ? html`<p class="hint">A polling endpoint: nothing is sent to it; its messages are read from its feed.</p>`
        : html`<${Field} id="url" label="URL" hint="Where the events are sent: https, reachable from the internet." error=${error}>
        ${props => html`<input ...${props} type="url" required value=${url} onInput=${e => setUrl(e.target.value)} autocomplete="url" />`}
      <//>`}
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
      ${filtered.length > 0 && html`
        <fieldset class="field">
          <legend>Filters (optional)</legend>
          <p class="hint">Receive only the events whose payload matches, such as <code>amount >= 100 and country in ["FR", "DE"]</code>;
            empty for every event.</p>
          ${filtered.map(type => html`
            <${Field} id=${`filters.${type.name}`} label=${type.name} error=${error}
              hint=${`Fields: ${filterFields(type.schema).join(', ') || 'none declared'}.`}>
              ${props => html`<input ...${props} value=${filters[type.name] || ''} spellcheck="false" autocomplete="off"
                onInput=${e => setFilters({ ...filters, [type.name]: e.target.value })} />`}
            <//>`)}
        </fieldset>`}
      <fieldset class=${schemesRefused ? 'field invalid' : 'field'}
        aria-describedby=${schemesRefused ? 'signatureSchemes-error' : undefined}>
        <legend>Signatures</legend>
        <p class="hint">How each delivery is signed. Tick both while your receiver moves from one to the other; one left off
          signs on for a day.</p>
        ${schemes.map((scheme, index) => html`
          <label class="check">
            <input id=${index === 0 ? 'signatureSchemes' : undefined} type="checkbox" name="signatureSchemes" value=${scheme.value}
              aria-invalid=${index === 0 && schemesRefused ? 'true' : undefined}
              checked=${signatureSchemes.includes(scheme.value)} onChange=${() => toggleScheme(scheme.value)} />
            <span><code>${scheme.value}</code> <span class="hint">${scheme.text}</span></span>
          </label>`)}
        ${schemesRefused && html`<p class="error" id="signatureSchemes-error">${error.field('signatureSchemes').join(' ')}</p>`}
      </fieldset>
      <${Field} id="description" label="Description (optional)" hint="A note for yourself." error=${error}>
        ${props => html`<input ...${props} value=${description} onInput=${e => setDescription(e.target.value)} />`}
      <//>
      ${!polling && html`<${Field} id="rateLimit" label="Rate limit (optional)"
        hint="At most this many deliveries a second; empty for no limit." error=${error}>
        ${props => html`<input ...${props} type="number" min="1" max="10000" inputmode="numeric" value=${rateLimit}
          onInput=${e => setRateLimit(e.target.value)} />`}
      <//>
      <${Field} id="ordering" label="Order of deliveries" error=${error}
        hint="In publish order, messages of one key (which the app sets when it sends them) go one at a time, so a slow receiver
          holds back its key; messages without a key form one sequence.">
        ${props => html`<select ...${props} value=${ordering} onChange=${e => setOrdering(e.target.value)}>
          ${orderings.map(o => html`<option value=${o.value}>${o.choice}</option>`)}
        </select>`}
      <//>`}
      <div class="actions">
        <button type="submit" disabled=${busy}>${id ? 'Save' : 'Add endpoint'}</button>
        <a href=${id ? `#/endpoints/${id}` : '#/'}>Cancel</a>
      </div>
    </form>`;
}

/**
 * One endpoint, in sections a reader scans and a screen reader jumps between (each a landmark under its heading): its health,
 * its signing secret, testing it, its attempts, and its advanced settings.
 */
export function EndpointPage({ id, session, navigate }) {
  const [state, reload] = useLoad(async () => {
    const [endpoint, stats, attempts, types] = await Promise.all([
      api('GET', `/endpoints/${id}`),
      api('GET', `/stats${query({ endpointId: id })}`),
      api('GET', `/attempts${query({ endpointId: id, limit: 20 })}`),
      api('GET', '/event-types'),
    ]);
    // Only an endpoint in publish order that holds back failures has a blocked queue.
    const blocked = endpoint.ordering === 'ordered'
      ? (await api('GET', `/messages${query({ endpointId: id, status: 'blocked', limit: 20 })}`)).data
      : [];
    return { endpoint, stats: stats.data[0], attempts: attempts.data, types: types.data, blocked };
  }, [id]);
  return html`<${Loading} state=${state}>${data => html`
    <${EndpointView} ...${data} session=${session} reload=${reload} navigate=${navigate} />`}<//>`;
}

/**
 * Runs a change for one part of the page, saying in that part what it is doing and then how it went: a status line, and
 * a problem when it was refused.
 */
function useAction(reload) {
  const [status, setStatus] = useState('');
  const [error, setError] = useState(null);
  const run = async (what, call) => {
    setError(null);
    setStatus(`${what}…`);
    try {
      const result = await call();
      setStatus(typeof result === 'string' ? result : `${what}: done.`);
      await reload?.();
    } catch (e) {
      setStatus('');
      setError(e);
    }
  };
  return { status, error, run, setError };
}

function EndpointView({ endpoint, stats, attempts, types, blocked, session, reload, navigate }) {
  const top = useAction(reload);
  const change = what => api('POST', `/endpoints/${endpoint.id}/${what}`, { ifMatch: endpoint.version });
  const readOnly = session.readOnly;
  return html`
    <p><a href="#/">← Endpoints</a></p>
    <div class="heading">
      <h1 class="url">${endpointName(endpoint)}</h1>
      <${Badge} endpoint=${endpoint} />
    </div>
    ${endpoint.description && html`<p>${endpoint.description}</p>`}
    ${!readOnly && html`<div class="actions">
      <a class="button" href=${`#/endpoints/${endpoint.id}/edit`}>Edit</a>
      ${endpoint.enabled
        ? html`<button type="button" class="secondary" onClick=${() => top.run('Disabling', () => change('disable'))}>Disable</button>`
        : html`<button type="button" class="secondary" onClick=${() => top.run('Enabling', () => change('enable'))}>Enable</button>`}
    </div>`}
    <${Problem} error=${top.error} />
    <${Status} text=${top.status} />

    <${Health} endpoint=${endpoint} stats=${stats} blocked=${blocked} readOnly=${readOnly} reload=${reload} />
    <${Secret} endpoint=${endpoint} readOnly=${readOnly} reload=${reload} />
    <${TestEvent} endpoint=${endpoint} types=${types} readOnly=${readOnly} reload=${reload} />

    <section aria-labelledby="attempts" class="part">
      <div class="heading">
        <h2 id="attempts">Recent attempts</h2>
        <button type="button" class="secondary" onClick=${reload}>Refresh</button>
      </div>
      <${Attempts} attempts=${attempts} />
      <p><a href=${`#/messages?endpointId=${endpoint.id}`}>All messages to this endpoint</a></p>
      ${!readOnly && !endpoint.polling && html`<${Recover} endpoint=${endpoint} reload=${reload} />`}
    </section>

    <${Advanced} endpoint=${endpoint} types=${types} readOnly=${readOnly} navigate=${navigate} />`;
}

/** How the endpoint is doing: its state, last success, circuit breaker, order of deliveries (with what blocks it), charts. */
function Health({ endpoint, stats, blocked, readOnly, reload }) {
  const last = stats?.last24Hours;
  const ordering = orderings.find(o => o.value === endpoint.ordering);
  return html`
    <section aria-labelledby="health" class="part">
      <h2 id="health">Health</h2>
      <dl class="figures">
        <div><dt>State</dt><dd>${endpoint.enabled
          ? endpoint.failingSince ? 'Enabled, failing' : 'Enabled'
          : `Disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ''}`}</dd></div>
        <div><dt>Last success</dt><dd><${LastSuccess} at=${stats?.lastSuccessAt} /></dd></div>
        <div><dt>Success, 24 h</dt><dd>${percent(last?.successRate)}</dd></div>
        <div><dt>Last failure, 24 h</dt><dd>${last?.lastFailure
          ? html`<${Time} value=${last.lastFailure.at} /> ${failure(last.lastFailure)}`
          : 'None'}</dd></div>
        ${endpoint.failingSince && html`<div><dt>Failing since</dt><dd><${Time} value=${endpoint.failingSince} /></dd></div>`}
        ${endpoint.polling
          ? html`<div><dt>Kind</dt><dd>Polling: nothing is sent; its messages are read from its feed, in order</dd></div>`
          : html`
            <div><dt>Circuit breaker</dt><dd>${circuitStates[endpoint.circuit.state] || endpoint.circuit.state}</dd></div>
            <div><dt>Deliveries at once</dt><dd><${Circuit} circuit=${endpoint.circuit} /></dd></div>
            <div><dt>Order</dt><dd>${ordering?.shown || endpoint.ordering}</dd></div>`}
        <div><dt>Added</dt><dd><${Time} value=${endpoint.createdAt} /></dd></div>
      </dl>
      ${endpoint.ordering === 'ordered'
        && html`<${Blocked} endpoint=${endpoint} blocked=${blocked} readOnly=${readOnly} reload=${reload} />`}
      <h3>Deliveries</h3>
      ${stats && html`<div class="charts">
        <${Chart} title="Per hour, last 24 hours" counts=${stats.hourly} label="hour" />
        <${Chart} title="Per day, last 7 days" counts=${stats.daily} label="day" />
      </div>`}
    </section>`;
}

/** The circuit breaker's states, as the page names them. */
const circuitStates = { closed: 'Closed', probing: 'Probing (half-open)', open: 'Open' };

/** The blocked deliveries of an endpoint in publish order: each holds back the later messages of its key until sent or skipped. */
function Blocked({ endpoint, blocked, readOnly, reload }) {
  const action = useAction(reload);
  const resend = message => action.run(`Sending ${message.id} again`, async () => {
    await api('POST', `/endpoints/${endpoint.id}/messages/${message.id}/resend`);
    return `${message.id} is being sent again; if it succeeds, the later messages of its key follow.`;
  });
  const skip = message => action.run(`Skipping ${message.id}`, async () => {
    await api('POST', `/endpoints/${endpoint.id}/messages/${message.id}/skip`);
    return `Skipped ${message.id}: it counts as failed, and the next message of its key goes now.`;
  });
  return html`
    <h3>Blocked deliveries</h3>
    ${blocked.length === 0
      ? html`<p>None: no message is holding back the rest of its key.</p>`
      : html`
        <p class="hint">Their retries ran out. Each holds back the later messages of its key until it is sent again (and
          succeeds) or skipped.</p>
        <ul class="cards blocked">${blocked.map(message => html`
          <li class="card">
            <p><a href=${`#/messages/${message.id}`}><code>${message.eventType}</code> <span class="muted">${message.id}</span></a></p>
            <p class="meta">Published <${Time} value=${message.createdAt} /></p>
            ${!readOnly && html`<div class="actions">
              <button type="button" class="secondary" onClick=${() => resend(message)}>Send again</button>
              <button type="button" class="secondary" onClick=${() => skip(message)}>Skip</button>
            </div>`}
          </li>`)}</ul>`}
    <${Problem} error=${action.error} />
    <${Status} text=${action.status} />`;
}

/** The signing secret and public keys, and rotating them, together. */
function Secret({ endpoint, readOnly, reload }) {
  const symmetric = endpoint.signatureSchemes.includes('v1');
  const [secret, setSecret] = useState(null);
  const [copied, setCopied] = useState('');
  const [overlap, setOverlap] = useState('86400');
  const action = useAction(reload);
  const reveal = async () => {
    action.setError(null);
    try {
      setSecret((await api('GET', `/endpoints/${endpoint.id}/secret`)).secret);
    } catch (e) {
      action.setError(e);
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      setCopied('Could not copy: select the secret and copy it.');
    }
  };
  const rotate = () => action.run('Rotating the secret', async () => {
    const rotated = await api('POST', `/endpoints/${endpoint.id}/secret/rotate`, {
      body: { overlapSeconds: Number(overlap) },
      ifMatch: endpoint.version,
    });
    setSecret(rotated.secret);
    setCopied('');
    const kept = overlapChoices.find(o => o.value === overlap)?.text;
    const both = symmetric && endpoint.signatureSchemes.includes('v1a');
    const renewed = !symmetric ? 'the new key' : both ? 'the new secret, shown above, and key' : 'the new secret, shown above,';
    const [sign, old] = both ? ['sign', 'the old ones sign'] : ['signs', 'the old one signs'];
    return overlap === '0'
      ? `Rotated: ${renewed} ${sign} alone from now on.`
      : `Rotated: ${renewed} ${sign} from now on; ${old} too for ${kept}.`;
  });
  return html`
    <section aria-labelledby="secret" class="part">
      <h2 id="secret">Signing secret</h2>
      <p class="hint">Verify each delivery's <code>webhook-signature</code> with it (Standard Webhooks).</p>
      ${!symmetric
        ? html`<p>None: this endpoint signs with <code>v1a</code> only. Verify its deliveries with its public keys.</p>`
        : readOnly
        ? html`<p>This session is read-only: it cannot see the secret. Open the dashboard with a link that can change things to
            see it.</p>`
        : secret
          ? html`<div class="secret"><code id="secret-value">${secret}</code>
              <button type="button" class="secondary" onClick=${copy}>Copy</button>
              <button type="button" class="secondary" onClick=${() => setSecret(null)}>Hide</button></div>`
          : html`<button type="button" class="secondary" onClick=${reveal}>Reveal secret</button>`}
      <${Status} text=${copied} />
      ${endpoint.publicKeys.length > 0 && html`
        <h3>Public keys</h3>
        <p class="hint">They verify the <code>v1a</code> signatures, and cannot sign: give them to your receiver.</p>
        <ul class="keys">${endpoint.publicKeys.map(k => html`<li><code>${k.publicKey}</code>${' '}<span class="hint">${k.expiresAt
          ? html`signs until <${Time} value=${k.expiresAt} />` : 'current'}</span></li>`)}</ul>`}
      ${!readOnly && html`
        <h3>Rotate it</h3>
        <p class="hint">A new secret (and key) signs from now on. Keep the old ones signing for a while, so your receiver can switch
          without missing a delivery.</p>
        <div class="inline">
          <label for="overlap">Old secret keeps signing for</label>
          <select id="overlap" value=${overlap} onChange=${e => setOverlap(e.target.value)}>
            ${overlapChoices.map(o => html`<option value=${o.value}>${o.text}</option>`)}
          </select>
          <button type="button" class="secondary" onClick=${rotate}>Rotate secret</button>
        </div>
        <${Problem} error=${action.error} />
        <${Status} text=${action.status} />`}
    </section>`;
}

const overlapChoices = [
  { value: '0', text: 'no overlap' },
  { value: '3600', text: '1 hour' },
  { value: '86400', text: '24 hours' },
  { value: '604800', text: '7 days' },
];

/**
 * Sends the example of an event type to this endpoint only. Next to the button, the page says what was scheduled, then
 * how its first attempt went (looked for every second for a while).
 */
function TestEvent({ endpoint, types, readOnly, reload }) {
  const offered = endpoint.eventTypes ? types.filter(t => endpoint.eventTypes.includes(t.name)) : types;
  const [type, setType] = useState(offered[0]?.name || '');
  const [feedback, setFeedback] = useState('');
  const [error, setError] = useState(null);
  const [waiting, setWaiting] = useState(null);

  useEffect(() => {
    if (!waiting) return undefined;
    let attempt = null;
    return poll(
      async () => {
        attempt = (await api('GET', `/attempts${query({ endpointId: endpoint.id, messageId: waiting.id, limit: 1 })}`)).data.at(-1);
        return Boolean(attempt);
      },
      async () => {
        setWaiting(null);
        setFeedback(attempt
          ? outcome(waiting, attempt, await api('GET', `/messages/${waiting.id}`).catch(() => null))
          : `${waiting.eventType} (${waiting.id}) is still waiting for its first attempt: it appears under Recent attempts once made.`);
        reload();
      });
  }, [waiting]);

  const send = async () => {
    setError(null);
    setFeedback(`Sending a ${type} test event…`);
    try {
      const message = await api('POST', `/endpoints/${endpoint.id}/test`, { body: { eventType: type } });
      if (endpoint.polling) {
        // Nothing is sent to a polling endpoint: the event waits in its feed for its reader.
        setFeedback(`Published: ${message.eventType} as ${message.id}, in this endpoint's feed only, for its reader to read.`);
        return;
      }

      const due = message.deliveries.find(d => d.endpointId === endpoint.id)?.nextAttemptAt;
      setFeedback(`Scheduled: ${message.eventType} as ${message.id}, to this endpoint only${due ? ', due now' : ''}. `
        + 'Waiting for its attempt…');
      setWaiting(message);
    } catch (e) {
      setFeedback('');
      setError(e);
    }
  };

  return html`
    <section aria-labelledby="test" class="part">
      <h2 id="test">Test</h2>
      ${readOnly
        ? html`<p>This session is read-only: it cannot send test events.</p>`
        : offered.length === 0
          ? html`<p>This endpoint receives none of the event types the API declares today, so there is nothing to send it.</p>`
          : html`
            <p class="hint">Sends the example payload of an event type to this endpoint only, signed like any delivery.</p>
            <div class="inline test">
              <label for="test-type">Event type</label>
              <select id="test-type" value=${type} onChange=${e => setType(e.target.value)}>
                ${offered.map(t => html`<option value=${t.name}>${t.name}</option>`)}
              </select>
              <button type="button" id="test-send" onClick=${send} disabled=${!endpoint.enabled || Boolean(waiting)}
                aria-describedby="test-feedback">Send test event</button>
              <p class="status feedback" id="test-feedback" role="status" aria-live="polite">${feedback}</p>
            </div>
            ${!endpoint.enabled && html`<p class="hint">Enable the endpoint to send it events.</p>`}
            <${Problem} error=${error} />`}
    </section>`;
}

/** How a test event's attempt went, and what happens next, in words. */
function outcome(message, attempt, read) {
  const answered = attempt.statusCode !== null && attempt.statusCode !== undefined;
  const answer = answered ? `the endpoint answered ${outcomeWords(attempt)}` : outcomeWords(attempt);
  const took = `${Math.round(attempt.durationMs)} ms`;
  if (attempt.succeeded) return `Delivered: ${message.eventType} (${message.id}) — ${answer} in ${took}.`;
  const delivery = read?.deliveries.find(d => d.endpointId === attempt.endpointId);
  const next = {
    pending: delivery?.nextAttemptAt ? ` It is tried again from ${new Date(delivery.nextAttemptAt).toLocaleTimeString()}.` : '',
    failed: ' No retry is left: it failed.',
    blocked: ' Its retries ran out: it is blocked, holding back the later messages of its key.',
  }[delivery?.status] || '';
  return `Failed: ${message.eventType} (${message.id}) — ${answer} after ${took}.${next}`;
}

function Recover({ endpoint, reload }) {
  const [since, setSince] = useState(() => localInput(new Date(Date.now() - 24 * 3600 * 1000)));
  const action = useAction(reload);
  const recover = () => action.run('Recovering', async () => {
    const { recovered } = await api('POST', `/endpoints/${endpoint.id}/recover`, { body: { since: new Date(since).toISOString() } });
    return `${recovered} failed ${recovered === 1 ? 'delivery is' : 'deliveries are'} being sent again.`;
  });
  return html`
    <h3>Recover failed deliveries</h3>
    <div class="inline">
      <label for="since">Of messages since</label>
      <input id="since" type="datetime-local" value=${since} onInput=${e => setSince(e.target.value)} />
      <button type="button" class="secondary" onClick=${recover} disabled=${!endpoint.enabled}>Send them again</button>
    </div>
    <${Problem} error=${action.error} />
    <${Status} text=${action.status} />`;
}

/** What the endpoint receives and how fast: its event filter and rate limit, with the way to change them, and deleting it. */
function Advanced({ endpoint, types, readOnly, navigate }) {
  const [error, setError] = useState(null);
  const described = new Map(types.map(t => [t.name, t.summary || t.description]));
  return html`
    <section aria-labelledby="advanced" class="part">
      <h2 id="advanced">Advanced</h2>
      <dl class="settings">
        <div><dt>Event types</dt><dd>${endpoint.eventTypes
          ? html`<ul>${endpoint.eventTypes.map(name => html`<li><code>${name}</code>${described.get(name)
            ? html` <span class="hint">${described.get(name)}</span>` : ''}</li>`)}</ul>`
          : 'All, also ones the API adds later'}</dd></div>
        ${endpoint.filters && html`<div><dt>Filters</dt><dd><ul>${Object.entries(endpoint.filters).map(([name, filter]) =>
          html`<li><code>${name}</code>: <code>${filter}</code></li>`)}</ul></dd></div>`}
        <div><dt>Rate limit</dt><dd>${endpoint.rateLimit
          ? `At most ${endpoint.rateLimit} ${endpoint.rateLimit === 1 ? 'delivery' : 'deliveries'} a second`
          : 'None: as fast as the endpoint takes them'}</dd></div>
      </dl>
      ${!readOnly && html`
        <p><a href=${`#/endpoints/${endpoint.id}/edit`}>Change the event types, rate limit or order</a></p>
        <${Problem} error=${error} />
        <div class="actions"><${Delete} endpoint=${endpoint} navigate=${navigate} onError=${setError} /></div>`}
    </section>`;
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
