import { html, formatDay, formatHour } from './ui.js';

/**
 * Successes and failures per bucket (hour or day), as stacked bars in an inline SVG: no chart library, nothing fetched.
 * The figures are also in the SVG's label and in each bar's title.
 */
export function Chart({ title, counts, label }) {
  const width = 480;
  const height = 160;
  const top = 8;
  const bottom = 24;
  const left = 32;
  const max = Math.max(1, ...counts.map(c => c.succeeded + c.failed));
  const slot = (width - left) / counts.length;
  const bar = Math.max(2, slot * 0.7);
  const scale = value => (value / max) * (height - top - bottom);
  const succeeded = counts.reduce((sum, c) => sum + c.succeeded, 0);
  const failed = counts.reduce((sum, c) => sum + c.failed, 0);
  const format = label === 'hour' ? formatHour : formatDay;
  const every = label === 'hour' ? 6 : 1;
  return html`
    <figure class="chart">
      <figcaption>${title}</figcaption>
      <svg viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${`${title}: ${succeeded} succeeded, ${failed} failed.`}>
        <line class="axis" x1=${left} x2=${width} y1=${height - bottom} y2=${height - bottom} />
        <text class="tick" x=${left - 4} y=${top + 8} text-anchor="end">${max}</text>
        <text class="tick" x=${left - 4} y=${height - bottom} text-anchor="end">0</text>
        ${counts.map((c, i) => {
          const x = left + i * slot + (slot - bar) / 2;
          const ok = scale(c.succeeded);
          const bad = scale(c.failed);
          const base = height - bottom;
          return html`
            <g class="bar">
              <title>${`${format(c.start)}: ${c.succeeded} succeeded, ${c.failed} failed`}</title>
              <rect class="succeeded" x=${x} y=${base - ok} width=${bar} height=${ok} />
              <rect class="failed" x=${x} y=${base - ok - bad} width=${bar} height=${bad} />
              ${i % every === 0 && html`<text class="tick" x=${x + bar / 2} y=${height - 6} text-anchor="middle">${format(c.start)}</text>`}
            </g>`;
        })}
      </svg>
      <p class="legend"><span class="key succeeded"></span> ${succeeded} succeeded <span class="key failed"></span> ${failed} failed</p>
    </figure>`;
}
