import { h } from './vendor/preact.mjs';
import { useEffect, useState, useCallback } from './vendor/hooks.mjs';
import htm from './vendor/htm.mjs';

export const html = htm.bind(h);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });

/** A time, in the viewer's time zone, with the exact ISO time as a tooltip. */
export function Time({ value }) {
  if (!value) return html`<span class="muted">—</span>`;
  const date = new Date(value);
  return html`<time datetime=${date.toISOString()} title=${date.toISOString()}>${dateTime.format(date)}</time>`;
}

export const formatHour = value => hourFormat.format(new Date(value));
export const formatDay = value => dayFormat.format(new Date(value));

/** Loads data for a screen; reload() loads it again. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true });
  const reload = useCallback(() => load().then(
    data => setState({ data }),
    error => setState({ error })), deps);
  useEffect(() => { setState({ loading: true }); reload(); }, [reload]);
  return [state, reload];
}

/** What a screen shows while its data loads, or when loading failed. */
export function Loading({ state, children }) {
  if (state.error) return html`<${Problem} error=${state.error} />`;
  if (state.loading) return html`<p class="muted" role="status">Loading…</p>`;
  return children(state.data);
}

/** A refusal or failure, said plainly; field errors belong next to their fields, this is for the rest. */
export function Problem({ error, skip = [] }) {
  if (!error) return null;
  if (error.status === 401) {
    return html`<div class="problem" role="alert">
      <p>Your dashboard session has ended. Open a new dashboard link, or sign in again.</p>
    </div>`;
  }
  const fields = Object.entries(error.problem?.errors || {}).filter(([name]) => !skip.includes(name));
  const lines = fields.length ? fields.flatMap(([, messages]) => messages) : [error.message];
  return html`<div class="problem" role="alert">${lines.map(line => html`<p>${line}</p>`)}</div>`;
}

/** A labelled form control with its hint and the API's errors for it. */
export function Field({ id, label, hint, error, children }) {
  const messages = error?.field(id) || [];
  const described = [hint && `${id}-hint`, messages.length && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return html`
    <div class=${messages.length ? 'field invalid' : 'field'}>
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
      ${children({ id, 'aria-describedby': described, 'aria-invalid': messages.length ? 'true' : undefined })}
      ${messages.length > 0 && html`<p class="error" id=${`${id}-error`}>${messages.join(' ')}</p>`}
    </div>`;
}

/** A status line read out by screen readers when it changes. */
export function Status({ text }) {
  return html`<p class="status" role="status" aria-live="polite">${text || ''}</p>`;
}

/** What an endpoint is called on the page: its URL, or for a polling endpoint (which has none) that, with its id. */
export const endpointName = endpoint => endpoint.url ?? `Polling endpoint ${endpoint.id}`;

export function Badge({ endpoint }) {
  if (endpoint.enabled && !endpoint.failingSince) return html`<span class="badge ok">Enabled</span>`;
  if (endpoint.enabled) return html`<span class="badge warn">Failing</span>`;
  return html`<span class="badge off">Disabled</span>`;
}

export const percent = rate => rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10} %`;

/**
 * Asks <check> every second until it answers true, for at most 20 seconds, then calls <done>: how the page waits for an attempt
 * the dispatcher makes in the background. Returns a function that stops it.
 */
export function poll(check, done) {
  let tries = 0;
  const timer = setInterval(async () => {
    tries += 1;
    if (await check().catch(() => false) || tries >= 20) {
      clearInterval(timer);
      done();
    }
  }, 1000);
  return () => clearInterval(timer);
}
