import { api } from './api.js';
import { html, Loading, useLoad } from './ui.js';
import { Inline, Markdown } from './markdown.js';

/** The event types: what each is (its description's Markdown rendered), the shape of its payload as a readable tree, and its example. */
export function Catalog() {
  const [state] = useLoad(() => api('GET', '/event-types'), []);
  return html`
    <h1>Event types</h1>
    <${Loading} state=${state}>${({ data }) => data.length === 0
      ? html`<p class="empty">This API declares no event types yet.</p>`
      : data.map(type => html`
        <section class="card" aria-labelledby=${`type-${type.name}`}>
          <h2 id=${`type-${type.name}`}><code>${type.name}</code></h2>
          <p><span class="badge">${type.method}</span> ${type.summary}</p>
          <${Markdown} text=${type.description} className="description" />
          <h3>Payload</h3>
          <${Schema} schema=${type.schema} root=${type.schema} />
          ${type.example !== null && type.example !== undefined && html`
            <h3>Example</h3>
            <pre class="json" tabindex="0" aria-label=${`Example of ${type.name}`}>${JSON.stringify(type.example, null, 2)}</pre>`}
        </section>`)}
    <//>`;
}

/** A schema's properties as a nested list: name, type, required or not, description. */
function Schema({ schema, root, depth = 0 }) {
  const resolved = resolve(schema, root);
  const properties = Object.entries(resolved?.properties || {});
  if (properties.length === 0 || depth > 6) return html`<p class="muted">${typeName(resolved, root)}</p>`;
  const required = new Set(resolved.required || []);
  return html`<ul class="schema">${properties.map(([name, property]) => {
    const inner = resolve(property, root);
    const items = inner?.items && resolve(inner.items, root);
    const nested = inner?.properties ? inner : items?.properties ? items : null;
    return html`<li>
      <code>${name}</code> <span class="type">${typeName(inner, root)}</span>
      ${required.has(name) ? html` <span class="badge">required</span>` : ''}
      ${inner?.description && html`<div class="hint"><${Inline} text=${inner.description} /></div>`}
      ${nested && html`<${Schema} schema=${nested} root=${root} depth=${depth + 1} />`}
    </li>`;
  })}</ul>`;
}

/** The fields a payload filter may name (docs/filters.md), as `path (type)`: nested objects by dots, a few levels deep. */
export function filterFields(schema, root = schema, prefix = '', depth = 0) {
  const resolved = resolve(schema, root);
  return Object.entries(resolved?.properties || {}).flatMap(([name, property]) => {
    let inner = resolve(property, root);
    const variants = (inner?.oneOf || inner?.anyOf || []).map(v => resolve(v, root)).filter(v => v?.type !== 'null');
    if (!inner?.type && !inner?.properties && variants.length === 1) inner = variants[0];
    const path = `${prefix}${name}`;
    const nested = inner?.properties && depth < 3 ? filterFields(inner, root, `${path}.`, depth + 1) : [];
    return [`${path} (${typeName(inner, root)})`, ...nested];
  });
}

function resolve(schema, root) {
  let current = schema;
  for (let i = 0; current?.$ref && i < 10; i++) {
    current = current.$ref.replace(/^#\//, '').split('/').reduce((node, key) => node?.[decodeURIComponent(key)], root);
  }
  return current;
}

function typeName(schema, root) {
  if (!schema) return 'any';
  const type = Array.isArray(schema.type) ? schema.type.filter(t => t !== 'null').join(' or ') : schema.type;
  const nullable = Array.isArray(schema.type) && schema.type.includes('null') ? ', or null' : '';
  if (type === 'array') return `list of ${typeName(resolve(schema.items, root), root)}${nullable}`;
  const variants = schema.oneOf || schema.anyOf;
  if (!type && variants) return variants.map(v => typeName(resolve(v, root), root)).join(' or ');
  const format = schema.format ? ` (${schema.format})` : '';
  const choices = schema.enum ? `: ${schema.enum.map(v => JSON.stringify(v)).join(', ')}` : '';
  return `${type || 'object'}${format}${choices}${nullable}`;
}
