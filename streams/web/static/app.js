// dyadwatch relations page: polls the JSON API, draws the table and the network. All data goes in as text
// (textContent, attributes), never as HTML, so article text cannot run as code.
"use strict";

const POLL_MS = 2000;
const SVG_NS = "http://www.w3.org/2000/svg";
const BAND_RANK = { hostile: 0, tense: 1, neutral: 2, cooperative: 3, allied: 4 };

const state = {
  relations: [],
  total: 0,
  version: -1,
  loaded: false,
  sort: "last_seen",
  descending: true,
  actor: "",
  band: "",
  selected: null, // dyad "A|B"
  lastOk: null,
  source: "relations",
  latestRecordAt: null,
};

// Band thresholds of the score, as the legend states them (streams/core/relations.py).
const BANDS = [
  { band: "allied", from: 5, to: 10 },
  { band: "cooperative", from: 1.5, to: 5 },
  { band: "neutral", from: -1.5, to: 1.5 },
  { band: "tense", from: -5, to: -1.5 },
  { band: "hostile", from: -10, to: -5 },
];

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function httpUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (_) {
    return null;
  }
}

function scoreColour(score) {
  // red (-10) .. grey (0) .. green (+10)
  const t = Math.max(-1, Math.min(1, score / 7));
  const grey = [154, 160, 166];
  const end = t < 0 ? [192, 57, 43] : [30, 132, 73];
  const k = Math.abs(t);
  const mix = grey.map((g, i) => Math.round(g + (end[i] - g) * k));
  return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
}

function fmtScore(x) {
  return (x > 0 ? "+" : x < 0 ? "−" : "") + Math.abs(x).toFixed(2);
}

function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

function shortName(name) {
  return name.length > 16 ? `${name.slice(0, 15)}…` : name;
}

function quads(c) {
  return [c.verbal_cooperation, c.material_cooperation, c.verbal_conflict, c.material_conflict].join("·");
}

function matchesActor(row, needle) {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return [row.actor_a, row.actor_b, row.name_a, row.name_b].some((v) => v.toLowerCase().includes(n));
}

function visibleRows() {
  const rows = state.relations.filter(
    (r) => matchesActor(r, state.actor) && (!state.band || r.band === state.band),
  );
  const key = state.sort;
  const value = (r) => (key === "band" ? BAND_RANK[r.band] : r[key]);
  rows.sort((x, y) => {
    const a = value(x);
    const b = value(y);
    const order = a < b ? -1 : a > b ? 1 : x.dyad < y.dyad ? -1 : x.dyad > y.dyad ? 1 : 0;
    return state.descending ? -order : order;
  });
  return rows;
}

function dyadCell(r) {
  const td = el("td", { class: "dyad", title: `${r.name_a} (${r.actor_a}) – ${r.name_b} (${r.actor_b})` });
  td.append(
    el("span", { class: "name" }, shortName(r.name_a)),
    " – ",
    el("span", { class: "name" }, shortName(r.name_b)),
    el("span", { class: "code" }, `${r.actor_a}–${r.actor_b}`),
  );
  return td;
}

function quadsCell(r) {
  const td = el("td", { class: "quads", title: "verbal coop · material coop · verbal conflict · material conflict" });
  td.append(
    el("span", { title: `${r.actor_a} as source` }, `${r.actor_a}→ ${quads(r.counts_ab)}`),
    el("span", { title: `${r.actor_b} as source` }, `${r.actor_b}→ ${quads(r.counts_ba)}`),
  );
  return td;
}

function count(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function renderTable() {
  const tbody = document.querySelector("#relations tbody");
  const rows = visibleRows();
  const fresh = rows.map((r) => {
    const tr = el("tr", { "data-dyad": r.dyad, tabindex: "0" });
    if (r.dyad === state.selected) tr.classList.add("selected");
    const trend = el("td", { class: "num" }, (r.trend > 0 ? "▲ " : r.trend < 0 ? "▼ " : "") + fmtScore(r.trend));
    trend.classList.add(r.trend > 0 ? "up" : r.trend < 0 ? "down" : "flat");
    tr.append(
      dyadCell(r),
      el("td", { class: "num" }, fmtScore(r.score)),
      (() => {
        const td = el("td");
        td.append(el("span", { class: `band band-${r.band}` }, r.band));
        if (r.thin) {
          td.append(" ", el("span", { class: "thin", title: "thin evidence: fewer than two news happenings from two articles" }, "thin"));
        }
        return td;
      })(),
      trend,
      el("td", { class: "num", title: `${r.event_count} mentions, ${r.background_count} happenings only as background` },
        String(r.happening_count)),
      el("td", { class: "num" }, String(r.article_count)),
      quadsCell(r),
      el("td", { class: "when", title: fmtTime(r.last_seen) }, fmtTime(r.last_seen).slice(5, 16)),
    );
    tr.addEventListener("click", () => select(r.dyad));
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter") select(r.dyad);
    });
    return tr;
  });
  tbody.replaceChildren(...fresh);
  document.getElementById("empty").hidden = state.relations.length > 0;
  for (const th of document.querySelectorAll("#relations th[data-sort]")) {
    const active = th.dataset.sort === state.sort;
    th.setAttribute("aria-sort", active ? (state.descending ? "descending" : "ascending") : "none");
  }
}

function renderNetwork() {
  const root = document.getElementById("network");
  const rows = visibleRows();
  const names = new Map();
  for (const r of rows) {
    names.set(r.actor_a, r.name_a);
    names.set(r.actor_b, r.name_b);
  }
  const actors = [...names.keys()].sort();
  const cx = 260;
  const cy = 260;
  const radius = actors.length > 1 ? 200 : 0;
  const pos = new Map(
    actors.map((code, i) => {
      const angle = (2 * Math.PI * i) / Math.max(actors.length, 1) - Math.PI / 2;
      return [code, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle), angle }];
    }),
  );
  const children = [];
  for (const r of [...rows].sort((x, y) => x.happening_count - y.happening_count)) {
    const a = pos.get(r.actor_a);
    const b = pos.get(r.actor_b);
    const line = svg("line", {
      x1: a.x, y1: a.y, x2: b.x, y2: b.y,
      stroke: scoreColour(r.score),
      "stroke-width": (1.5 + 2.5 * Math.log2(1 + r.happening_count)).toFixed(1),
      "stroke-linecap": "round",
      class: r.dyad === state.selected ? "edge selected" : "edge",
      "data-dyad": r.dyad,
    });
    const title = svg("title");
    title.textContent = `${r.name_a} – ${r.name_b}: score ${fmtScore(r.score)} (${r.band}), ${r.happening_count} events (happenings)${r.thin ? ", thin evidence" : ""}`;
    line.append(title);
    line.addEventListener("click", () => select(r.dyad));
    children.push(line);
  }
  for (const code of actors) {
    const p = pos.get(code);
    const g = svg("g", { class: "node", "data-actor": code });
    g.append(svg("circle", { cx: p.x, cy: p.y, r: 16 }));
    const label = svg("text", { x: p.x, y: p.y + 4, "text-anchor": "middle" });
    label.textContent = code;
    const outside = svg("text", {
      x: p.x + 26 * Math.cos(p.angle), y: p.y + 26 * Math.sin(p.angle) + 4,
      "text-anchor": Math.cos(p.angle) > 0.3 ? "start" : Math.cos(p.angle) < -0.3 ? "end" : "middle",
      class: "node-name",
    });
    outside.textContent = shortName(names.get(code));
    const title = svg("title");
    title.textContent = `${names.get(code)} (${code}): click to filter`;
    g.append(label, outside, title);
    g.addEventListener("click", () => {
      const input = document.getElementById("actor-filter");
      input.value = state.actor === code ? "" : code;
      state.actor = input.value;
      render();
    });
    children.push(g);
  }
  root.replaceChildren(...children);
}

function renderStatus() {
  const status = document.getElementById("status");
  const shown = visibleRows().length;
  const parts = [
    state.total > state.relations.length
      ? `the ${state.relations.length} latest of ${state.total} relations`
      : `${state.relations.length} relations`,
  ];
  if (shown !== state.relations.length) parts.push(`${shown} shown`);
  if (!state.loaded) parts.push("still reading the relations topic");
  if (state.lastOk) parts.push(`updated ${state.lastOk.toLocaleTimeString()}`);
  status.textContent = parts.join(" · ");
}

function ago(date) {
  const seconds = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

function renderFreshness() {
  const parts = [`Data: Kafka topic “${state.source}”, mirrored by this worker`];
  if (state.latestRecordAt) {
    const newest = new Date(state.latestRecordAt);
    parts.push(`newest record written ${fmtTime(state.latestRecordAt)} (${ago(newest)})`);
  } else {
    parts.push("no record yet");
  }
  if (state.lastOk) parts.push(`checked ${state.lastOk.toLocaleTimeString()}, every ${POLL_MS / 1000} s`);
  document.getElementById("freshness").textContent = parts.join(" · ");
}

function render() {
  renderTable();
  renderNetwork();
  renderStatus();
  renderFreshness();
}

async function getJson(url) {
  // "no-cache": the browser revalidates with the ETag, so an unchanged table costs the server a 304.
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-cache" });
  if (!response.ok && response.status !== 404) throw new Error(`${url}: HTTP ${response.status}`);
  return { status: response.status, body: await response.json() };
}

function drawHistory(history) {
  const root = document.getElementById("history-chart");
  const caption = document.getElementById("history-caption");
  const W = 640;
  const H = 170;
  const left = 34;
  const right = 10;
  const top = 8;
  const bottom = 22;
  const y = (score) => top + ((10 - score) / 20) * (H - top - bottom);
  const children = [];
  for (const b of BANDS) {
    children.push(svg("rect", {
      x: left, y: y(b.to), width: W - left - right, height: y(b.from) - y(b.to), class: `zone zone-${b.band}`,
    }));
  }
  for (const tick of [-10, -5, 0, 5, 10]) {
    children.push(svg("line", { x1: left, x2: W - right, y1: y(tick), y2: y(tick), class: tick === 0 ? "axis zero" : "axis" }));
    const label = svg("text", { x: left - 4, y: y(tick) + 3, "text-anchor": "end", class: "tick" });
    label.textContent = tick > 0 ? `+${tick}` : String(tick).replace("-", "−");
    children.push(label);
  }
  const points = history.points.map((p) => ({ ...p, t: new Date(p.time).getTime() }));
  if (points.length > 0) {
    const t0 = points[0].t;
    const t1 = points[points.length - 1].t;
    // Updates whose latest event is at one moment (one article, say) are spread out in the order they came.
    const byOrder = t1 === t0;
    const n = points.length;
    const xOf = (p, i) => {
      if (n === 1) return (left + W - right) / 2;
      const share = byOrder ? i / (n - 1) : (p.t - t0) / (t1 - t0);
      return left + share * (W - left - right);
    };
    points.forEach((p, i) => { p.x = xOf(p, i); });
    const x = (t) => (t === t0 ? points[0].x : points[n - 1].x);
    if (points.length > 1) {
      const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${y(p.score).toFixed(1)}`).join(" ");
      children.push(svg("path", { d, class: "score-line" }));
    }
    for (const p of points) {
      const dot = svg("circle", { cx: p.x.toFixed(1), cy: y(p.score).toFixed(1), r: 3, class: `dot band-dot-${p.band}` });
      const title = svg("title");
      title.textContent = `${fmtTime(p.time)}: score ${fmtScore(p.score)} (${p.band}), ${p.event_count} events`;
      dot.append(title);
      children.push(dot);
    }
    const labels = n > 1 && !byOrder ? [[t0, "start"], [t1, "end"]] : [[t0, "middle"]];
    for (const [t, anchor] of labels) {
      const at = anchor === "middle" ? (left + W - right) / 2 : x(t);
      const label = svg("text", { x: at, y: H - 6, "text-anchor": anchor, class: "tick" });
      label.textContent = new Date(t).toISOString().slice(0, 16).replace("T", " ");
      children.push(label);
    }
  }
  root.replaceChildren(...children);
  root.setAttribute("data-points", String(points.length));
  caption.textContent = points.length
    ? `Score over time: ${points.length} update${points.length === 1 ? "" : "s"} read from “${state.source}”, ` +
      (points.length > 1 && points[0].time === points[points.length - 1].time
        ? "all with their latest event at that time, so shown in the order they came"
        : "each placed at the time of its latest event") + " (hover a dot for its value)."
    : "No score history yet.";
}

async function select(dyad) {
  state.selected = dyad;
  render();
  await loadDetail();
}

async function loadDetail() {
  if (!state.selected) return;
  const [a, b] = state.selected.split("|");
  const url = `/api/relations/${encodeURIComponent(a)}/${encodeURIComponent(b)}`;
  const [{ status, body }, history] = await Promise.all([getJson(url), getJson(`${url}/history`)]);
  const section = document.getElementById("detail");
  section.hidden = false;
  document.getElementById("detail-json").setAttribute("href", url);
  document.getElementById("history-json").setAttribute("href", `${url}/history`);
  if (status === 404) {
    document.getElementById("detail-title").textContent = `${a} – ${b}`;
    document.getElementById("detail-summary").textContent = body.error;
    document.getElementById("happenings").replaceChildren();
    document.getElementById("evidence").replaceChildren();
    drawHistory({ points: [] });
    return;
  }
  drawHistory(history.status === 404 ? { points: [] } : history.body);
  document.getElementById("detail-title").textContent =
    `${body.name_a} (${body.actor_a}) – ${body.name_b} (${body.actor_b})`;
  document.getElementById("detail-summary").textContent =
    `score ${fmtScore(body.score)}, ${body.band}, trend ${fmtScore(body.trend)} over 7 days; ` +
    `${count(body.happening_count, "happening")} (${body.background_count} only as background), ` +
    `${count(body.event_count, "mention")} in ${count(body.article_count, "article")} since ${fmtTime(body.first_seen)}` +
    (body.thin ? "; thin evidence" : "") + ". Recent happenings, then the latest evidence, newest first:";
  const happenings = body.happenings.map((h) => {
    const li = el("li", { class: h.background ? "happening background" : "happening" });
    li.append(
      el("span", { class: "when" }, fmtTime(h.first).slice(0, 10)),
      " ",
      el("span", { class: "dir" }, `${h.source} → ${h.target}`),
      " ",
      el("span", { class: "cameo", title: `CAMEO ${h.cameo}` }, h.cameo_name || `CAMEO ${h.cameo}`),
      " ",
      el("span", { class: "counts" },
        `${count(h.mentions, "mention")}, ${count(h.article_count, "article")}, ${count(h.publisher_count, "publisher")}` +
        (h.background ? ", background" : "")),
    );
    return li;
  });
  document.getElementById("happenings").replaceChildren(...happenings);
  const items = body.evidence.map((e) => {
    const li = el("li", { class: "evidence" });
    const meta = el("div", { class: "meta" });
    meta.append(
      el("span", { class: "when" }, fmtTime(e.time)),
      " ",
      el("span", { class: "cameo", title: "CAMEO code" }, `CAMEO ${e.cameo}`),
      " ",
      el("span", { class: "dir" }, `${e.source} → ${e.target}`),
      " ",
      el("span", { class: "goldstein", title: "Goldstein value" }, `Goldstein ${fmtScore(e.goldstein)}`),
      " ",
    );
    const href = httpUrl(e.url);
    const label = e.title ? `${e.title} (${e.article_id})` : `article ${e.article_id}`;
    if (href) {
      meta.append(el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank", class: "article" }, label));
    } else {
      meta.append(el("span", { class: "article" }, label));
    }
    li.append(el("blockquote", { class: "sentence" }, e.sentence), meta);
    return li;
  });
  document.getElementById("evidence").replaceChildren(...items);
}

function alertNames(a) {
  if (a.names) return a.names;
  const row = state.relations.find((r) => r.dyad === a.dyad);
  return row ? [row.name_a, row.name_b] : a.actors;
}

const KIND_LABEL = {
  band_change: "band change",
  escalation: "escalation",
  new_material_cooperation: "new material cooperation",
  swing: "swing",
  watch: "watched",
};

async function loadAlerts() {
  const { body } = await getJson("/api/alerts");
  const items = body.alerts.slice(0, 15).map((a) => {
    const li = el("li", { class: `alert severity-${a.severity}` });
    const [nameA, nameB] = alertNames(a);
    const who = a.source && a.target
      ? `${a.source === a.actors[0] ? nameA : nameB} → ${a.target === a.actors[0] ? nameA : nameB}`
      : `${nameA} – ${nameB}`;
    li.append(
      el("span", { class: "when" }, fmtTime(a.time)),
      " ",
      el("span", { class: "severity" }, a.severity),
      " ",
      el("span", { class: "kind", title: a.kind }, KIND_LABEL[a.kind] || a.kind),
      " ",
      el("span", { class: "who" }, who),
    );
    if (a.cameo) {
      li.append(" ", el("span", { class: "cameo", title: `CAMEO ${a.cameo}` },
        a.cameo_name ? `${a.cameo_name} (${a.cameo})` : `CAMEO ${a.cameo}`));
    }
    li.append(" ", el("span", { class: "message" }, a.message));
    li.addEventListener("click", () => select(a.dyad));
    return li;
  });
  if (items.length === 0) items.push(el("li", { class: "none" }, "none yet"));
  document.getElementById("alerts").replaceChildren(...items);
}

async function poll() {
  try {
    const { body } = await getJson("/api/relations");
    state.lastOk = new Date();
    if (body.version !== state.version) {
      state.version = body.version;
      state.loaded = body.loaded;
      state.relations = body.relations;
      state.total = body.total;
      state.source = body.source || state.source;
      state.latestRecordAt = body.latest_record_at || null;
      render();
      await Promise.all([loadDetail(), loadAlerts()]);
    } else {
      renderStatus();
      renderFreshness();
    }
  } catch (err) {
    document.getElementById("status").textContent = `cannot reach the view (${err.message}); retrying`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

function init() {
  for (const th of document.querySelectorAll("#relations th[data-sort]")) {
    th.tabIndex = 0;
    const sortBy = () => {
      const key = th.dataset.sort;
      state.descending = state.sort === key ? !state.descending : !["name_a", "name_b"].includes(key);
      state.sort = key;
      render();
    };
    th.addEventListener("click", sortBy);
    th.addEventListener("keydown", (e) => {
      if (e.key === "Enter") sortBy();
    });
  }
  document.getElementById("actor-filter").addEventListener("input", (e) => {
    state.actor = e.target.value.trim();
    render();
  });
  document.getElementById("band-filter").addEventListener("change", (e) => {
    state.band = e.target.value;
    render();
  });
  poll();
}

document.addEventListener("DOMContentLoaded", init);
