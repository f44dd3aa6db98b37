// The small part of Markdown that event descriptions use, built as elements (never parsed as HTML): `code`, *emphasis*,
// **strong** and [links](https://...) to http(s) addresses only. Anything else (HTML included) shows as the text it is.
import { html } from './ui.js';

// Code spans first (nothing inside them is Markdown), then links, strong, emphasis. An underscore inside a word
// (snake_case_names) is not emphasis.
const inline = new RegExp([
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/.source,
  /\[([^\]\n]+)\]\(([^()\s]+)\)/.source,
  /\*\*(?=\S)([\s\S]*?\S)\*\*/.source,
  /(?<![\p{L}\p{N}_])__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}_])/.source,
  /\*(?=[^\s*])([^*]*?[^\s*])\*/.source,
  /(?<![\p{L}\p{N}_])_(?=[^\s_])([^_]*?[^\s_])_(?![\p{L}\p{N}_])/.source,
].join('|'), 'gu');

/** Whether a link may be followed: an absolute http(s) URL, nothing else (javascript:, data:, relative...). */
export function safeHref(href) {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** One paragraph's inline Markdown, as text and elements. */
export function Inline({ text: value, depth = 0 }) {
  const text = String(value ?? '');
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(inline)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const [source, , code, label, href, strong1, strong2, em1, em2] = m;
    const nested = inner => depth < 4 ? html`<${Inline} text=${inner} depth=${depth + 1} />` : inner;
    if (code !== undefined) parts.push(html`<code>${code.trim() || code}</code>`);
    else if (label !== undefined) {
      const url = safeHref(href);
      parts.push(url ? html`<a href=${url} rel="noopener noreferrer nofollow">${nested(label)}</a>` : source);
    } else if (strong1 !== undefined || strong2 !== undefined) parts.push(html`<strong>${nested(strong1 ?? strong2)}</strong>`);
    else parts.push(html`<em>${nested(em1 ?? em2)}</em>`);
    last = m.index + source.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** A description: paragraphs (split at blank lines) of inline Markdown. */
export function Markdown({ text, className }) {
  if (!text) return null;
  return String(text).split(/\n\s*\n/).map(paragraph => html`<p class=${className}><${Inline} text=${paragraph.trim()} /></p>`);
}
