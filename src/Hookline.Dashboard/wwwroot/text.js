// Text from elsewhere (payloads, receivers' responses) as the page shows it: always as text nodes, so nothing in it is markup;
// control characters shown as escapes, and long text cut short with the rest a click away.
import { html } from './ui.js';

// Control characters, and the invisible characters that reorder or hide text (bidirectional overrides and marks).
const invisible = /[\u0000-\u0008\u000b-\u001f\u007f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Text with its control and invisible characters shown as escapes set apart (\u0007), so it reads as what it is. */
export function Visible({ text }) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(invisible)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const code = m[0].charCodeAt(0).toString(16).padStart(4, '0');
    parts.push(html`<span class="ctl" title=${`Invisible character U+${code.toUpperCase()}`}>${`\\u${code}`}</span>`);
    last = m.index + 1;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The start of <text>: at most <chars> characters and <lines> lines; whether it was cut. */
export function clip(text, chars, lines = Infinity) {
  let end = Math.min(text.length, chars);
  let breaks = 0;
  for (let i = 0; i < end; i++) {
    if (text[i] === '\n' && ++breaks >= lines) {
      end = i;
      break;
    }
  }
  return end < text.length ? { text: `${text.slice(0, end)}…`, clipped: true } : { text, clipped: false };
}

/** JSON text indented, when it is JSON; else the text as it is. */
export function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const count = new Intl.NumberFormat();

/**
 * A code block of text from elsewhere, escaped (Preact renders text nodes), its control characters shown, and cut at <chars>
 * characters or <lines> lines, the whole of it behind "Show all".
 */
export function Clipped({ text, chars = 400, lines = 8, label, className = 'clip' }) {
  const whole = String(text).replace(/\r\n/g, '\n');
  const start = clip(whole, chars, lines);
  const block = (body, name) =>
    html`<pre class=${className} tabindex="0" aria-label=${name}><code><${Visible} text=${body} /></code></pre>`;
  if (!start.clipped) return block(whole, label);
  return html`
    ${block(start.text, label)}
    <details class="more">
      <summary>Show all ${count.format(whole.length)} characters</summary>
      ${block(whole)}
    </details>`;
}
