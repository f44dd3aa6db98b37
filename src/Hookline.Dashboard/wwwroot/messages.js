import { useState } from './vendor/hooks.mjs';
import { api, query } from './api.js';
import { Attempts } from './endpoints.js';
import { html, Loading, poll, Problem, Status, Time, useLoad } from './ui.js';

/** The messages sent to the tenant, filtered and paged with the API's cursors. */
export function MessageLog({ params, navigate }) {
  const filters = {
    eventType: params.get('eventType') || '',
    status: params.get('status') || '',
    endpointId: params.get('endpointId') || '',
    since: params.get('since') || '',
    until: params.get('until') || '',
  };
  const cursor = params.get('cursor') || '';
  const [state] = useLoad(async () => {
    const [messages, types, endpoints] = await Promise.all([
      api('GET', `/messages${query({
        ...filters,
        since: filters.since && new Date(filters.since).toISOString(),
        until: filters.until && new Date(filters.until).toISOString(),
        cursor,
        limit: 20,
      })}`),
      api('GET', '/event-types'),
      api('GET', '/endpoints?limit=100'),
    ]);
    return { messages, types: types.data, endpoints: endpoints.data };
  }, [params.toString()]);

  const go = values => navigate(`#/messages${query(values)}`);
  const apply = event => {
    event.preventDefault();
    const form = new FormData(event.target);
    go(Object.fromEntries([...form.entries()].filter(([, v]) => v !== '')));
  };

  return html`
    <h1>Messages</h1>
    <${Loading} state=${state}>${({ messages, types, endpoints }) => html`
      <form class="filters" onSubmit=${apply} aria-label="Filter messages">
        <div class="field"><label for="f-type">Event type</label>
          <select id="f-type" name="eventType" value=${filters.eventType}>
            <option value="">Any</option>${types.map(t => html`<option value=${t.name}>${t.name}</option>`)}
          </select></div>
        <div class="field"><label for="f-status">Delivery</label>
          <select id="f-status" name="status" value=${filters.status}>
            <option value="">Any</option><option value="pending">Pending</option>
            <option value="succeeded">Succeeded</option><option value="failed">Failed</option>
            <option value="blocked">Blocked</option>
          </select></div>
        <div class="field"><label for="f-endpoint">Endpoint</label>
          <select id="f-endpoint" name="endpointId" value=${filters.endpointId}>
            <option value="">Any</option>${endpoints.map(e => html`<option value=${e.id}>${e.url}</option>`)}
          </select></div>
        <div class="field"><label for="f-since">Since</label>
          <input id="f-since" name="since" type="datetime-local" value=${filters.since} /></div>
        <div class="field"><label for="f-until">Until</label>
          <input id="f-until" name="until" type="datetime-local" value=${filters.until} /></div>
        <div class="actions"><button type="submit">Filter</button><a href="#/messages">Clear</a></div>
      </form>
      ${messages.data.length === 0
        ? html`<p class="empty">No messages${cursor ? ' older than these' : ''}. Messages appear here when the app sends you
            events, or when you send a test event from an endpoint's page.</p>`
        : html`<ul class="cards">${messages.data.map(m => html`
            <li class="card">
              <h2><a href=${`#/messages/${m.id}`}><code>${m.eventType}</code> <span class="muted">${m.id}</span></a></h2>
              <p class="meta"><${Time} value=${m.createdAt} /> · ${summary(m.deliveries)}</p>
            </li>`)}</ul>`}
      <nav class="pager" aria-label="Pages">
        ${cursor && html`<a href=${`#/messages${query(filters)}`}>Newest</a>`}
        ${messages.nextCursor && html`<a href=${`#/messages${query({ ...filters, cursor: messages.nextCursor })}`}>Older</a>`}
      </nav>`}
    <//>`;
}

const tone = { succeeded: 'ok', failed: 'bad', pending: 'warn', blocked: 'bad' };

function summary(deliveries) {
  if (deliveries.length === 0) return 'no endpoint';
  const counts = {};
  for (const d of deliveries) counts[d.status] = (counts[d.status] || 0) + 1;
  return Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(', ');
}

/** One message: its payload, its delivery to each endpoint (with a resend), every attempt. */
export function MessagePage({ id, session }) {
  const [state, reload] = useLoad(async () => {
    const [message, attempts, endpoints] = await Promise.all([
      api('GET', `/messages/${id}`),
      api('GET', `/attempts${query({ messageId: id, limit: 100 })}`),
      api('GET', '/endpoints?limit=100'),
    ]);
    return { message, attempts: attempts.data, urls: new Map(endpoints.data.map(e => [e.id, e.url])) };
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
      <pre class="json" tabindex="0" aria-label="Payload">${JSON.stringify(message.payload, null, 2)}</pre>
      <h2>Deliveries</h2>
      <${Problem} error=${error} />
      <${Status} text=${status} />
      ${message.deliveries.length === 0
        ? html`<p class="empty">None of your endpoints receives this event type.</p>`
        : html`<ul class="cards">${message.deliveries.map(d => html`
          <li class="card">
            <h3><a href=${`#/endpoints/${d.endpointId}`}>${urls.get(d.endpointId) || d.endpointId}</a></h3>
            <p class="meta"><span class=${`badge ${tone[d.status]}`}>${d.status}</span>
              ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}
              ${d.nextAttemptAt && html` · next <${Time} value=${d.nextAttemptAt} />`}</p>
            ${d.status === 'blocked' && html`<p class="hint">Its retries ran out. This endpoint receives messages in publish order,
              so the later messages of its key wait until this one is sent again (and succeeds) or skipped.</p>`}
            ${!session.readOnly && html`<div class="actions">
              <button type="button" class="secondary" onClick=${() => resend(d.endpointId)}>Send again</button>
              ${d.status === 'blocked' && html`<button type="button" class="secondary" onClick=${() => skip(d.endpointId)}>Skip</button>`}
            </div>`}
          </li>`)}</ul>`}
      <div class="heading"><h2>Attempts</h2><button type="button" class="secondary" onClick=${reload}>Refresh</button></div>
      <${Attempts} attempts=${attempts} urls=${urls} />`}
    <//>`;
}
