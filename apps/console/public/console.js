// The operator console's page: plain DOM, no framework, no build step, nothing fetched from
// elsewhere. It polls /console/api/* once a second (polling rather than Server-Sent Events: an
// EventSource cannot send the Authorization header, and a second a request per view is nothing).
const TOKEN_KEY = 'carts-operator-token';
const REFRESH_MS = 1000;

const $ = (selector) => document.querySelector(selector);
const announce = (text) => ($('#announce').textContent = text);
const number = (n) => Math.round(n).toLocaleString('en-US');
const time = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

function duration(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// ---- the token: a `#token=` handoff (a fragment never reaches a server or its logs), or pasted once

function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(`/console/api/${path}`, { ...options, headers: { authorization: `Bearer ${token()}`, ...(options.headers ?? {}) } });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 || response.status === 403) throw new Unauthorized(body?.detail ?? response.statusText);
  if (!response.ok) throw new Error(body?.detail ?? `${response.status} ${response.statusText}`);
  return body;
}

function showSignIn(message = '') {
  $('#main').hidden = true;
  $('#sign-out').hidden = true;
  $('#sign-in').hidden = false;
  $('#sign-in-error').textContent = message;
  $('#connection').textContent = 'Not signed in';
  $('#token').focus();
}

// ---- projections and rebuilds

function lagByPartition(partitions) {
  return partitions.map((p) => `p${p.partition}=${number(p.lag)}`).join(' ');
}

/** One row per projection, kept across refreshes (a button keeps its focus); only the text changes. */
function projectionRow(p, running) {
  const tbody = $('#projections tbody');
  let row = tbody.querySelector(`tr[data-projection="${CSS.escape(p.name)}"]`);
  if (!row) {
    const button = el('button', { type: 'button', 'data-action': 'rebuild', onclick: () => startRebuild(p.name) }, 'Rebuild');
    row = el('tr', { 'data-projection': p.name },
      el('th', { scope: 'row' }, p.name), el('td', { class: 'num generation' }), el('td', { class: 'live-since' }), el('td', { class: 'state' }), el('td', { class: 'num lag' }),
      el('td', { class: 'mono partitions' }), el('td', { class: 'num applied' }), el('td', { class: 'num parked' }), el('td', { class: 'last-event' }),
      el('td', {}, button));
    button.setAttribute('aria-label', `Rebuild ${p.name}`);
    tbody.append(row);
  }
  row.dataset.state = p.state;
  row.dataset.generation = p.activeGeneration ?? '';
  row.querySelector('.generation').textContent = p.activeGeneration ?? '—';
  // When the active generation went live: its first start, or the cut-over of the last rebuild.
  row.querySelector('.live-since').textContent = time(p.activatedAt);
  const state = row.querySelector('.state');
  state.textContent = p.state;
  state.className = `state state-${p.state.replace(' ', '-')}`;
  row.querySelector('.lag').textContent = number(p.lag);
  row.querySelector('.partitions').textContent = lagByPartition(p.partitions);
  row.querySelector('.applied').textContent = number(p.eventsApplied);
  row.querySelector('.parked').textContent = number(p.parked);
  row.querySelector('.last-event').textContent = time(p.lastEventAt);
  row.querySelector('button').disabled = p.activeGeneration === null || p.rebuild !== null || running;
}

/** What the page remembers of a rebuild it saw, so the cut-over stays on screen after the building generation is gone. */
const seenRebuilds = new Map();

function rebuildPanel(p, job) {
  const seen = seenRebuilds.get(p.name);
  if (p.rebuild) {
    const r = p.rebuild;
    seenRebuilds.set(p.name, { generation: r.generation, from: p.activeGeneration });
    const speed = p.speed ?? { eventsPerSecond: 0, recordsPerSecond: 0, etaSeconds: null };
    const waiting = r.done === 0 ? ' — no progress yet: is a projector running?' : '';
    return el('div', { class: 'rebuild', 'data-projection': p.name, 'data-phase': 'building', 'data-generation': r.generation },
      el('p', {}, el('strong', {}, `${p.name}: building generation ${r.generation}`), ` (${r.mode}, since ${time(r.startedAt)})${waiting}`),
      el('progress', { max: Math.max(r.total, 1), value: Math.min(r.done, r.total), 'aria-label': `${p.name} generation ${r.generation} progress` }),
      el('p', { class: 'mono figures' },
        `${r.percent.toFixed(1)}%  ${number(r.done)}/${number(r.total)} log records  ${number(speed.eventsPerSecond)} events/s  ${number(speed.recordsPerSecond)} records/s  ETA ${duration(speed.etaSeconds)}`),
      jobLines(job));
  }
  // The cut-over: the generation it built is now the active one (whoever started the rebuild).
  const cutOver = (seen && p.activeGeneration === seen.generation) || (job?.state === 'done');
  if (cutOver) {
    return el('div', { class: 'rebuild', 'data-projection': p.name, 'data-phase': 'cut-over', 'data-generation': p.activeGeneration },
      el('p', { class: 'cut-over' }, `${p.name}: cut over — generation ${p.activeGeneration} is live since ${time(p.activatedAt)}`),
      el('progress', { max: 1, value: 1, 'aria-label': `${p.name} rebuild complete` }), jobLines(job));
  }
  if (job?.state === 'running') {
    return el('div', { class: 'rebuild', 'data-projection': p.name, 'data-phase': 'starting' },
      el('p', {}, el('strong', {}, `${p.name}: starting a rebuild`)), jobLines(job));
  }
  if (job?.state === 'failed') {
    return el('div', { class: 'rebuild', 'data-projection': p.name, 'data-phase': 'failed' },
      el('p', { class: 'error' }, `${p.name}: rebuild failed — ${job.error}`), jobLines(job));
  }
  return null;
}

function jobLines(job) {
  if (!job || job.lines.length === 0) return null;
  return el('ol', {}, ...job.lines.map((line) => el('li', { class: 'mono' }, line)));
}

const phases = new Map();

function renderProjections({ projections, rebuilds }) {
  projections.forEach((p) => projectionRow(p, rebuilds.some((j) => j.projection === p.name && j.state === 'running')));
  const panels = projections.map((p) => rebuildPanel(p, rebuilds.find((j) => j.projection === p.name))).filter(Boolean);
  $('#rebuilds').replaceChildren(...panels);
  // Announce a rebuild's phase once when it changes, not its numbers every second.
  for (const panel of panels) {
    const key = panel.dataset.projection;
    const phase = `${panel.dataset.phase}:${panel.dataset.generation ?? ''}`;
    if (phases.get(key) !== phase) announce(panel.querySelector('p').textContent);
    phases.set(key, phase);
  }
}

async function startRebuild(name) {
  try {
    const job = await api(`projections/${encodeURIComponent(name)}/rebuild`, { method: 'POST' });
    seenRebuilds.delete(name);
    $('#projections-result').textContent = `Rebuild of ${job.projection} started`;
    await refresh();
  } catch (error) {
    if (error instanceof Unauthorized) return showSignIn(error.message);
    $('#projections-result').textContent = `Rebuild of ${name} refused: ${error.message}`;
  }
}

// ---- dead letters

function renderDeadLetters({ deadLetters }) {
  $('#dead-letters-empty').hidden = deadLetters.length > 0;
  $('#dead-letters').hidden = deadLetters.length === 0;
  const tbody = $('#dead-letters tbody');
  const keep = new Set(deadLetters.map((d) => d.id));
  for (const row of [...tbody.rows]) if (!keep.has(row.dataset.id)) row.remove();
  for (const d of deadLetters) {
    if (tbody.querySelector(`tr[data-id="${CSS.escape(d.id)}"]`)) continue;
    const actions = el('td', {},
      d.cartId ? el('button', { type: 'button', 'data-action': 'retry', 'aria-label': `Retry dead letter ${d.id}`, onclick: () => act(d, 'retry') }, 'Retry') : null, ' ',
      el('button', { type: 'button', 'data-action': 'skip', 'aria-label': `Skip dead letter ${d.id}`, onclick: () => act(d, 'skip') }, 'Skip'));
    tbody.append(el('tr', { 'data-id': d.id, 'data-projection': d.projection, 'data-cart': d.cartId ?? '' },
      el('td', { class: 'num' }, d.id), el('td', {}, `${d.projection} g${d.generation}`), el('td', { class: 'mono' }, `p${d.partition}@${d.offset}`),
      el('td', { class: 'mono' }, d.cartId ?? '—'), el('td', {}, d.kind), el('td', { class: 'error' }, d.reason), actions));
  }
}

async function act(letter, action) {
  const result = $('#dead-letters-result');
  try {
    const body = await api(`dead-letters/${encodeURIComponent(letter.id)}/${action}`, { method: 'POST' });
    result.textContent = action === 'retry'
      ? body.reports.map((r) => `${r.projection} g${r.generation}: ${r.applied} re-applied, ${r.stillParked.length} still parked`).join('; ')
      : `skipped #${body.id} (${body.projection} g${body.generation}, cart ${body.cartId ?? '-'}); retry its cart to apply the records parked behind it`;
    await refresh();
  } catch (error) {
    if (error instanceof Unauthorized) return showSignIn(error.message);
    result.textContent = `${action} #${letter.id} failed: ${error.message}`;
  }
}

// ---- a cart's history

async function showHistory(event) {
  event.preventDefault();
  const cartId = $('#cart-id').value.trim();
  const summary = $('#history-summary');
  const table = $('#history');
  summary.textContent = `Reading cart ${cartId}…`;
  try {
    const history = await api(`carts/${encodeURIComponent(cartId)}/events`);
    summary.textContent = `cart ${history.cartId}: ${history.entries.length} record(s) in ${history.topic} partition ${history.partition}`;
    table.querySelector('tbody').replaceChildren(...history.entries.map((e) => el('tr', { 'data-offset': e.offset },
      el('td', { class: 'num' }, e.version === null ? '?' : `v${e.version}`), el('td', { class: 'num' }, e.offset), el('td', {}, e.at),
      el('td', {}, e.type ?? '—'), el('td', { class: 'mono data' }, e.note ?? JSON.stringify(e.data)))));
    table.hidden = history.entries.length === 0;
  } catch (error) {
    if (error instanceof Unauthorized) return showSignIn(error.message);
    summary.textContent = `Cannot read cart ${cartId}: ${error.message}`;
    table.hidden = true;
  }
}

// ---- the refresh loop

let timer = null;

async function refresh() {
  const [projections, deadLetters] = await Promise.all([api('projections'), api('dead-letters')]);
  renderProjections(projections);
  renderDeadLetters(deadLetters);
  $('#connection').dataset.updated = new Date().toISOString();
}

async function loop() {
  clearTimeout(timer);
  try {
    await refresh();
    $('#connection').textContent = `Live — updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error instanceof Unauthorized) return showSignIn(error.message);
    $('#connection').textContent = `Cannot refresh: ${error.message} (retrying)`;
  }
  timer = setTimeout(loop, REFRESH_MS);
}

function start() {
  $('#sign-in').hidden = true;
  $('#main').hidden = false;
  $('#sign-out').hidden = false;
  void loop();
}

function init() {
  takeTokenFromFragment();
  $('#sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('#token').value.trim());
    $('#token').value = '';
    start();
  });
  $('#sign-out').addEventListener('click', () => {
    clearTimeout(timer);
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn();
  });
  $('#history-form').addEventListener('submit', showHistory);
  if (token()) start();
  else showSignIn();
}

init();
