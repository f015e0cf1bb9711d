// Collis pages: shared helpers (no libraries). Every call goes to this server's own API.
"use strict";
const collis = {
  async get(path) {
    const r = await fetch(path, { credentials: "same-origin" });
    const body = await r.json().catch(() => ({ error: r.statusText }));
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  },
  deg(v) { return v === null || v === undefined || Number.isNaN(v) ? "–" : (v >= 0 ? "+" : "") + v.toFixed(1) + "°"; },
  esc(s) { return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); },
  el(id) { return document.getElementById(id); },
  // A line chart of dated points as SVG: series [{label, points: [{date, value}], colour}],
  // vertical markers [{date, label}], drawn for the `width` (px) of its box so that its text
  // keeps its size on a phone (a wide drawing shrunk to fit would make it unreadable).
  lineChart(series, markers, unit, width) {
    const all = series.flatMap((s) => s.points);
    if (!all.length) return "<p class=notice>No points yet.</p>";
    const t = (d) => Date.parse(d + "T00:00:00Z");
    const xs = all.map((p) => t(p.date)).concat(markers.map((m) => t(m.date)));
    let x0 = Math.min(...xs), x1 = Math.max(...xs);
    if (x1 === x0) { x0 -= 864e5; x1 += 864e5; }
    const ys = all.map((p) => p.value);
    let y0 = Math.min(0, ...ys), y1 = Math.max(...ys);
    if (y1 === y0) y1 = y0 + 1;
    const W = Math.round(Math.max(300, Math.min(800, width || 800))), H = 220, L = 48, B = 24, T = 10, R = 10;
    const X = (v) => L + (v - x0) / (x1 - x0) * (W - L - R);
    const Y = (v) => H - B - (v - y0) / (y1 - y0) * (H - B - T);
    // The chart in words for screen readers: each series' points, first and last.
    const words = series.filter((s) => s.points.length).map((s) => {
      const [a, b] = [s.points[0], s.points[s.points.length - 1]];
      return `${s.label}: ${s.points.length} points, ${a.value.toFixed(1)}${unit} on ${a.date}` + (s.points.length > 1 ? ` to ${b.value.toFixed(1)}${unit} on ${b.date}` : "");
    }).join("; ");
    let svg = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${collis.esc(words)}">`;
    for (let k = 0; k <= 4; k++) {
      const v = y0 + (y1 - y0) * k / 4;
      svg += `<line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e3e7eb"/><text x="${L - 6}" y="${Y(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(1)}${collis.esc(unit)}</text>`;
    }
    for (const m of markers) {
      svg += `<line x1="${X(t(m.date))}" x2="${X(t(m.date))}" y1="${T}" y2="${H - B}" stroke="#8e44ad" stroke-dasharray="4 3"/><text x="${X(t(m.date)) + 3}" y="${T + 10}" font-size="10" fill="#8e44ad">${collis.esc(m.label)}</text>`;
    }
    for (const s of series) {
      const pts = s.points.map((p) => `${X(t(p.date)).toFixed(1)},${Y(p.value).toFixed(1)}`).join(" ");
      svg += `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts}"/>`;
      for (const p of s.points) svg += `<circle cx="${X(t(p.date))}" cy="${Y(p.value)}" r="3" fill="${s.colour}"><title>${collis.esc(s.label)} ${p.date}: ${p.value.toFixed(2)}${collis.esc(unit)}</title></circle>`;
    }
    svg += `<text x="${L}" y="${H - 6}" font-size="11">${new Date(x0).toISOString().slice(0, 10)}</text><text x="${W - R}" y="${H - 6}" font-size="11" text-anchor="end">${new Date(x1).toISOString().slice(0, 10)}</text></svg>`;
    return svg;
  },
};
