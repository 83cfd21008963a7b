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
};

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

function actorCell(name, code) {
  const td = el("td", { title: `${name} (${code})` });
  td.append(el("span", { class: "name" }, shortName(name)), " ", el("span", { class: "code" }, code));
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
      actorCell(r.name_a, r.actor_a),
      actorCell(r.name_b, r.actor_b),
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
      el("td", { class: "quads" }, `${quads(r.counts_ab)} / ${quads(r.counts_ba)}`),
      el("td", { title: fmtTime(r.last_seen) }, fmtTime(r.last_seen).slice(5, 16)),
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

function render() {
  renderTable();
  renderNetwork();
  renderStatus();
}

async function getJson(url) {
  // "no-cache": the browser revalidates with the ETag, so an unchanged table costs the server a 304.
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-cache" });
  if (!response.ok && response.status !== 404) throw new Error(`${url}: HTTP ${response.status}`);
  return { status: response.status, body: await response.json() };
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
  const { status, body } = await getJson(url);
  const section = document.getElementById("detail");
  section.hidden = false;
  document.getElementById("detail-json").setAttribute("href", url);
  if (status === 404) {
    document.getElementById("detail-title").textContent = `${a} – ${b}`;
    document.getElementById("detail-summary").textContent = body.error;
    document.getElementById("happenings").replaceChildren();
    document.getElementById("evidence").replaceChildren();
    return;
  }
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

async function loadAlerts() {
  const { body } = await getJson("/api/alerts");
  const items = body.alerts.slice(0, 15).map((a) => {
    const li = el("li", { class: `alert severity-${a.severity}` });
    li.append(
      el("span", { class: "when" }, fmtTime(a.time)),
      " ",
      el("span", { class: "severity" }, a.severity),
      " ",
      el("span", { class: "kind" }, a.kind),
      " ",
      el("span", { class: "message" }, a.message),
    );
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
      render();
      await Promise.all([loadDetail(), loadAlerts()]);
    } else {
      renderStatus();
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
