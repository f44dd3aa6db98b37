// Attempts in words: how each ended ("Connection refused", "503 Service Unavailable", "Timed out after 15 s"), never the
// API's error kind codes, and what the receiver answered as a code block, cut short.
import { html, Time } from './ui.js';
import { clip, Clipped, pretty, Visible } from './text.js';

const kinds = {
  dns: 'Host name not found',
  connectionRefused: 'Connection refused',
  connectionReset: 'Connection closed before the response',
  tls: 'TLS handshake failed',
  forbidden: 'Address not allowed',
  signing: 'Not sent: the signing secret could not be read',
  other: 'Failed before a response',
};

const reasons = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** A status code with its reason: "503 Service Unavailable"; a redirect says it was not followed. */
export function statusWords(code) {
  const words = `${code}${reasons[code] ? ` ${reasons[code]}` : ''}`;
  return code >= 300 && code < 400 ? `${words} (redirects are not followed)` : words;
}

/** How an attempt (or a stats' last failure) ended, in words. */
export function outcomeWords({ errorKind, statusCode, error }) {
  if (statusCode !== null && statusCode !== undefined) return statusWords(statusCode);
  // The sender says a timeout with the timeout it had ("Timed out after 15 s"); attempts recorded before it did, only "Timed out".
  if (errorKind === 'timeout') return /^Timed out after /.test(error || '') ? error : 'Timed out';
  return kinds[errorKind] || 'Failed';
}

/** The failure's own message, when it says more than the words for its kind. */
function detail(attempt) {
  const words = outcomeWords(attempt);
  return attempt.error && attempt.error !== words ? html`<${Visible} text=${clip(attempt.error, 300).text} />` : null;
}

/**
 * Attempts, newest first: when, outcome in words, duration, and the response (escaped, cut short) or the error. <by> names the
 * third column: 'event' (each attempt's message, by its event type), 'endpoint' (with <urls>, endpoint id to URL) or 'none'.
 * Each cell carries its column's name (data-label), for the narrow screens that stack a row's cells.
 */
export function Attempts({ attempts, urls, by = urls ? 'endpoint' : 'event', label = 'Attempts', empty }) {
  if (attempts.length === 0) return html`<p class="empty">${empty || 'No attempts yet. Send a test event to see one here.'}</p>`;
  return html`
    <div class="scroll attempts" role="region" aria-label=${label} tabindex="0">
      <table>
        <thead><tr>
          <th scope="col">When</th><th scope="col">Result</th>
          ${by === 'endpoint' && html`<th scope="col">Endpoint</th>`}${by === 'event' && html`<th scope="col">Event</th>`}
          <th scope="col">Duration</th><th scope="col">Response or error</th>
        </tr></thead>
        <tbody>${attempts.map(a => html`
          <tr class=${a.succeeded ? 'attempt succeeded' : 'attempt failed'}>
            <td data-label="When"><${Time} value=${a.startedAt} /></td>
            <td class="result" data-label="Result">
              <span class=${a.succeeded ? 'badge ok' : 'badge bad'}>${a.succeeded ? 'Succeeded' : 'Failed'}</span> <span class="outcome"
                >${outcomeWords(a)}</span>
            </td>
            ${by === 'endpoint' && html`<td class="endpoint" data-label="Endpoint">
              <a href=${`#/endpoints/${a.endpointId}`}>${urls.get(a.endpointId) || a.endpointId}</a></td>`}
            ${by === 'event' && html`<td data-label="Event"><a href=${`#/messages/${a.messageId}`}>${a.eventType}</a></td>`}
            <td data-label="Duration">${Math.round(a.durationMs)} ms</td>
            <td class="response" data-label="Response or error">
              ${detail(a) && html`<p class="error-detail">${detail(a)}</p>`}
              ${a.responseBody
                ? html`<${Clipped} text=${pretty(a.responseBody)} chars=${240} lines=${6} />`
                : html`<span class="muted">${a.statusCode === null || a.statusCode === undefined ? 'No response' : 'No body'}</span>`}
            </td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}
