import { useEffect, useRef, useState } from './vendor/hooks.mjs';
import { api, ApiError, query } from './api.js';
import { Attempts } from './attempts.js';
import { localInput } from './endpoints.js';
import { clip, Clipped, Visible } from './text.js';
import { endpointName, html, Loading, poll, Problem, Status, Time, useLoad } from './ui.js';

/** The log's filters, as the URL's query keeps them (so a reload, a shared link, back and forward show the same list). */
const filterNames = ['messageId', 'eventType', 'status', 'endpointId', 'since', 'until'];

/** A time the URL keeps (ISO, UTC: the same instant for whoever opens the link), or the text as typed if it is none. */
const instant = value => {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
};

/** The messages sent to the tenant, a row each with its delivery to every endpoint; filtered and paged in the URL. */
export function MessageLog({ params, navigate }) {
  const search = params.toString();
  const filters = Object.fromEntries(filterNames.map(name => [name, params.get(name) || '']));
  const cursor = params.get('cursor') || '';
  const [meta] = useLoad(async () => {
    const [types, endpoints] = await Promise.all([api('GET', '/event-types'), api('GET', '/endpoints?limit=100')]);
    return { types: types.data, endpoints: endpoints.data };
  }, []);
  const [state] = useLoad(() => api('GET', `/messages${query({
    ...filters,
    since: instant(filters.since),
    until: instant(filters.until),
    cursor,
    limit: 20,
  })}`), [search]);
  // A filter the API refused (a malformed message id, a time it cannot read) is said next to its field, and the list not shown.
  const refused = state.error instanceof ApiError && state.error.status === 400 ? state.error : null;
  const unplaced = refused && !filterNames.some(name => refused.field(name).length > 0);

  return html`
    <h1>Messages</h1>
    <${Loading} state=${meta}>${({ types, endpoints }) => html`
      <${Filters} key=${search} filters=${filters} types=${types} endpoints=${endpoints} error=${refused}
        onApply=${values => navigate(`#/messages${query(values)}`)} />
      ${refused
        ? unplaced && html`<${Problem} error=${refused} />`
        : html`<${Loading} state=${state}>${messages => html`
            <${MessageTable} messages=${messages.data} urls=${new Map(endpoints.map(e => [e.id, endpointName(e)]))} />
            ${messages.data.length === 0 && html`<p class="empty">${empty(filters, cursor)}</p>`}
            <nav class="pager" aria-label="Pages">
              ${cursor && html`<a href=${`#/messages${query(filters)}`}>Newest</a>`}
              ${messages.nextCursor && html`<a href=${`#/messages${query({ ...filters, cursor: messages.nextCursor })}`}>Older</a>`}
            </nav>`}<//>`}`}
    <//>`;
}

function empty(filters, cursor) {
  if (filters.messageId) {
    return `None of your messages has the id ${filters.messageId}: it is the webhook-id header your endpoint received, msg_ and 26 `
      + 'letters and digits.';
  }
  if (cursor) return 'No messages older than these.';
  if (Object.values(filters).some(Boolean)) return 'No messages match these filters.';
  return 'No messages yet. Messages appear here when the app sends you events, or when you send a test event from an endpoint\'s page.';
}

/** The filter form: its fields start from the URL; applying it changes the URL, which loads the list. */
function Filters({ filters, types, endpoints, error, onApply }) {
  const [values, setValues] = useState(() => ({
    ...filters,
    since: filters.since && localInput(new Date(filters.since)),
    until: filters.until && localInput(new Date(filters.until)),
  }));
  const form = useRef(null);
  useEffect(() => {
    form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [error]);
  const set = name => event => setValues({ ...values, [name]: event.target.value });
  const apply = event => {
    event.preventDefault();
    const chosen = Object.fromEntries(filterNames.map(name => [name, (values[name] || '').trim()]).filter(([, v]) => v !== ''));
    onApply({ ...chosen, since: chosen.since && instant(chosen.since), until: chosen.until && instant(chosen.until) });
  };
  const field = (name, label, control) => {
    const messages = error?.field(name) || [];
    return html`<div class=${messages.length ? `field invalid f-${name}` : `field f-${name}`}>
      <label for=${`f-${name}`}>${label}</label>
      ${control({
        id: `f-${name}`,
        name,
        value: values[name] || '',
        onInput: set(name),
        'aria-invalid': messages.length ? 'true' : undefined,
        'aria-describedby': messages.length ? `f-${name}-error` : undefined,
      })}
      ${messages.length > 0 && html`<p class="error" id=${`f-${name}-error`}>${messages.join(' ')}</p>`}
    </div>`;
  };
  return html`
    <form ref=${form} class="filters message-filters" onSubmit=${apply} role="search" aria-label="Find and filter messages">
      ${field('messageId', 'Message id', props => html`<input ...${props} type="search" spellcheck="false" autocomplete="off"
        placeholder="msg_…" />`)}
      ${field('eventType', 'Event type', props => html`<select ...${props}>
        <option value="">Any</option>${types.map(t => html`<option value=${t.name}>${t.name}</option>`)}
      </select>`)}
      ${field('status', 'Delivery', props => html`<select ...${props}>
        <option value="">Any</option><option value="pending">Pending or retrying</option>
        <option value="succeeded">Succeeded</option><option value="failed">Failed</option><option value="blocked">Blocked</option>
      </select>`)}
      ${field('endpointId', 'Endpoint', props => html`<select ...${props}>
        <option value="">Any</option>${endpoints.map(e => html`<option value=${e.id}>${endpointName(e)}</option>`)}
      </select>`)}
      ${field('since', 'Since', props => html`<input ...${props} type="datetime-local" />`)}
      ${field('until', 'Until', props => html`<input ...${props} type="datetime-local" />`)}
      <div class="actions"><button type="submit">Filter</button><a href="#/messages">Clear</a></div>
    </form>`;
}

/** The log as a dense table: when, event (and its payload, opened in place), message id, and the state at each endpoint. */
function MessageTable({ messages, urls }) {
  if (messages.length === 0) return null;
  return html`
    <div class="message-log" role="region" aria-label="Messages" tabindex="0">
      <table class="messages">
        <thead><tr>
          <th scope="col">Time</th><th scope="col">Event and payload</th><th scope="col">Message id</th>
          <th scope="col">Delivery to each endpoint</th>
        </tr></thead>
        <tbody>${messages.map(m => html`
          <tr class="message" key=${m.id}>
            <td class="time"><${Time} value=${m.createdAt} /></td>
            <td class="event"><code>${m.eventType}</code><${PayloadPreview} message=${m} /></td>
            <td class="id"><a href=${`#/messages/${m.id}`}><code>${m.id}</code></a></td>
            <td class="deliveries">${m.deliveries.length === 0
              ? html`<span class="muted">None of your endpoints receives it</span>`
              : html`<ul class="states">${m.deliveries.map(d => html`
                  <li class=${`state state-${stateOf(d).key}`}>
                    <${DeliveryState} delivery=${d} />${' '}<${To} id=${d.endpointId} url=${urls.get(d.endpointId)} />
                  </li>`)}</ul>`}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}

/** A message's payload: a line of it, which opens to the whole (escaped and cut short; the message's page has all of it). */
function PayloadPreview({ message }) {
  const start = clip(JSON.stringify(message.payload), 60).text;
  return html`
    <details class="payload">
      <summary><span class="visually-hidden">Payload: </span><code><${Visible} text=${start} /></code></summary>
      <${Clipped} text=${JSON.stringify(message.payload, null, 2)} chars=${1500} lines=${40}
        label=${`Payload of ${message.id}`} className="json clip" />
      <a href=${`#/messages/${message.id}`}>The message</a>
    </details>`;
}

/** Where a delivery stands, in a word and a colour: succeeded, retrying (attempted, to be tried again), pending, failed, blocked. */
function stateOf(d) {
  switch (d.status) {
    case 'succeeded': return { key: 'succeeded', word: 'Succeeded', tone: 'ok' };
    case 'failed': return { key: 'failed', word: 'Failed', tone: 'bad' };
    case 'blocked': return { key: 'blocked', word: 'Blocked', tone: 'bad' };
    default: return d.attempts > 0
      ? { key: 'retrying', word: 'Retrying', tone: 'warn' }
      : { key: 'pending', word: 'Pending', tone: 'off' };
  }
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** When a delivery is tried again: "next in 5 minutes", "next in 2 hours", or "due now"; the exact time as its tooltip. */
function Next({ value }) {
  const date = new Date(value);
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const [minutes, hours] = [Math.round(seconds / 60), Math.round(seconds / 3600)];
  const [amount, unit] = seconds < 60 ? [seconds, 'second'] : minutes < 60 ? [minutes, 'minute']
    : hours < 48 ? [hours, 'hour'] : [Math.round(seconds / 86400), 'day'];
  const text = seconds <= 0 ? 'due now' : `next ${relative.format(amount, unit)}`;
  return html`<time datetime=${date.toISOString()} title=${date.toISOString()}>${text}</time>`;
}

/** A delivery's state as a coloured badge, its attempts, and for one to be tried again when. */
function DeliveryState({ delivery: d }) {
  const state = stateOf(d);
  const count = d.attempts > 0 && html` · <span class="attempt-count">${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}</span>`;
  const next = d.status === 'pending' && d.nextAttemptAt && html` · <span class="next"><${Next} value=${d.nextAttemptAt} /></span>`;
  return html`<span class="delivery-state"><span class=${`badge ${state.tone}`}>${state.word}</span>${count}${next}</span>`;
}

/** The endpoint a delivery goes to: its URL, shortened (the whole of it as the tooltip). */
function To({ id, url }) {
  return html`<a class="to" href=${`#/endpoints/${id}`} title=${url}>${url ? clip(url.replace(/^https?:\/\//, ''), 48).text : id}</a>`;
}

/** One message: its payload, and its delivery to each endpoint with that delivery's own attempts, a resend and a skip. */
export function MessagePage({ id, session }) {
  const [state, reload] = useLoad(async () => {
    const [message, attempts, endpoints] = await Promise.all([
      api('GET', `/messages/${id}`),
      api('GET', `/attempts${query({ messageId: id, limit: 100 })}`),
      api('GET', '/endpoints?limit=100'),
    ]);
    return { message, attempts, urls: new Map(endpoints.data.map(e => [e.id, endpointName(e)])) };
  }, [id]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState(null);
  const attemptsTo = async endpointId =>
    (await api('GET', `/attempts${query({ messageId: id, endpointId, limit: 100 })}`)).data.length;
  const resend = async endpointId => {
    setError(null);
    try {
      const before = await attemptsTo(endpointId);
      await api('POST', `/endpoints/${endpointId}/messages/${id}/resend`);
      setStatus('Sent again; the new attempt appears below once made.');
      poll(async () => await attemptsTo(endpointId) > before, reload);
    } catch (e) {
      setError(e);
    }
  };
  const skip = async endpointId => {
    setError(null);
    try {
      await api('POST', `/endpoints/${endpointId}/messages/${id}/skip`);
      setStatus('Skipped; the next message of its key goes now.');
      await reload();
    } catch (e) {
      setError(e);
    }
  };
  return html`
    <p><a href="#/messages">← Messages</a></p>
    <${Loading} state=${state}>${({ message, attempts, urls }) => html`
      <h1><code>${message.eventType}</code></h1>
      <dl class="figures">
        <div><dt>Id</dt><dd><code>${message.id}</code></dd></div>
        <div><dt>Sent</dt><dd><${Time} value=${message.createdAt} /></dd></div>
      </dl>
      <h2>Payload</h2>
      <${Clipped} text=${JSON.stringify(message.payload, null, 2)} chars=${20000} lines=${500} label="Payload" className="json clip" />
      <h2>Deliveries</h2>
      <${Problem} error=${error} />
      <${Status} text=${status} />
      ${message.deliveries.length === 0
        ? html`<p class="empty">None of your endpoints receives this event type.</p>`
        : html`<ul class="cards">${message.deliveries.map(d => {
          const url = urls.get(d.endpointId) || d.endpointId;
          return html`<li class="card delivery">
            <h3><a href=${`#/endpoints/${d.endpointId}`}>${url}</a></h3>
            <p class="meta"><${DeliveryState} delivery=${d} /></p>
            ${d.status === 'blocked' && html`<p class="hint">Its retries ran out. This endpoint receives messages in publish order,
              so the later messages of its key wait until this one is sent again (and succeeds) or skipped.</p>`}
            ${!session.readOnly && html`<div class="actions">
              <button type="button" class="secondary" onClick=${() => resend(d.endpointId)}>Send again</button>
              ${d.status === 'blocked' && html`<button type="button" class="secondary" onClick=${() => skip(d.endpointId)}>Skip</button>`}
            </div>`}
            <${Attempts} attempts=${attempts.data.filter(a => a.endpointId === d.endpointId)} by="none" label=${`Attempts to ${url}`}
              empty="No attempt yet: it is due to be sent." />
          </li>`;
        })}</ul>`}
      ${attempts.nextCursor && html`<p class="hint">Only the latest 100 attempts are listed.</p>`}
      <p><button type="button" class="secondary" onClick=${reload}>Refresh</button></p>`}
    <//>`;
}
