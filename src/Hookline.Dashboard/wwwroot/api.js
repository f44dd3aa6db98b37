// The dashboard's only data path: the management API, mapped again under the dashboard's own path, where a link's session
// is a caller. Every change carries the CSRF header the API requires of cookie-authenticated calls.
const root = document.body.dataset.root;

/** A refusal of the API: its status and ProblemDetails (title, detail, errors by field). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The messages for one field (a JSON property or query parameter), or none. */
  field(name) {
    return this.problem.errors?.[name] || [];
  }
}

/** Calls the API: resolves to the JSON answer (null when none), or rejects with an ApiError. */
export function api(method, path, options) {
  return send(method, `${root}/api${path}`, options);
}

/** Ends the browser's dashboard session (one a link opened). */
export function signOut() {
  return send('POST', `${root}/sign-out`);
}

async function send(method, url, { body, ifMatch } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Hookline-Csrf'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A query string from the non-empty values. */
export function query(values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
