// The dashboard: hash routes over the API (#/overview, #/jobs, #/jobs/<id>, #/catalog,
// #/assets/<id>, #/upload). Every view fetches what it shows with the key of this tab; a reader
// sees no write controls (they carry data-write and are removed for the role).
import { session, get, post, file, upload, follow, ApiError } from './api.js';
import { LineChart, fmt } from './charts.js';

const view = document.getElementById('view');
let me = null;
let stopView = () => {};
const canWrite = () => me && (me.role === 'writer' || me.role === 'admin');

const h = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v; // CSSOM: the page's CSP allows no style attributes
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
};
const bytes = (n) => (n >= 1e9 ? `${fmt(n / 1e9)} GB` : n >= 1e6 ? `${fmt(n / 1e6)} MB` : n >= 1e3 ? `${fmt(n / 1e3)} kB` : `${n} B`);
const when = (t) => (t ? new Date(t).toLocaleString() : '');
const short = (id) => (id ? id.slice(0, 8) : '');
const bar = (p) => h('div', { class: 'bar', title: `${Math.round(p * 100)} %` }, h('i', { style: `width:${Math.round(p * 100)}%` }));
const stateCell = (s) => h('span', { class: `state-${s}` }, s);

function gate() {
  document.querySelectorAll('[data-write]').forEach((e) => (e.hidden = !canWrite()));
}

async function signIn() {
  stopView();
  view.replaceChildren(document.getElementById('signin').content.cloneNode(true));
  document.getElementById('keyform').addEventListener('submit', async (e) => {
    e.preventDefault();
    session.save(document.getElementById('key').value);
    try {
      await start();
    } catch (err) {
      session.clear();
      document.getElementById('keyerror').textContent = err.message;
    }
  });
}

async function start() {
  me = await get('/v1/me');
  document.getElementById('who').textContent = `${me.tenant} · ${me.role}`;
  const out = document.getElementById('signout');
  out.hidden = false;
  out.onclick = () => {
    session.clear();
    me = null;
    document.getElementById('who').textContent = '';
    out.hidden = true;
    signIn();
  };
  gate();
  if (!location.hash || location.hash === '#/') location.hash = '#/overview';
  else route();
}

function route() {
  if (!me) return;
  stopView();
  stopView = () => {};
  const [, page, id] = location.hash.split('?')[0].split('/');
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === page || (page === 'assets' && a.dataset.nav === 'catalog')));
  const views = { overview, jobs: id ? jobPage : jobList, catalog, assets: assetPage, upload: uploadPage };
  (views[page] || overview)(id).catch(showError);
}

function showError(e) {
  view.append(h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? `${e.code || e.status}: ${e.message}` : String(e)));
}

// ------------------------------------------------------------------ overview

async function overview() {
  const nodesBody = h('tbody');
  const queueBody = h('tbody');
  const errorsBody = h('tbody');
  const tput = h('canvas', { class: 'chart', id: 'throughput' });
  const lat = h('canvas', { class: 'chart', id: 'latency' });
  const totals = h('div', { class: 'mono', id: 'totals' });
  view.replaceChildren(
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h3', {}, 'Throughput (per second)'), tput),
      h('div', { class: 'card' }, h('h3', {}, 'Job time (s, recent jobs)'), lat),
      h('div', { class: 'card' }, h('h3', {}, 'Grid'), totals)),
    h('div', { class: 'card' }, h('h3', {}, 'Nodes'),
      h('table', { id: 'nodes' }, h('thead', {}, h('tr', {}, ['node', 'host', 'version', 'slots', 'busy', 'load', 'seen'].map((t) => h('th', {}, t)))), nodesBody)),
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h3', {}, 'Open tasks by type'), h('table', { id: 'queue' }, h('thead', {}, h('tr', {}, ['type', 'pending', 'queued', 'leased'].map((t) => h('th', {}, t)))), queueBody)),
      h('div', { class: 'card' }, h('h3', {}, 'Recent failures by code'), h('table', { id: 'errors' }, errorsBody))));
  const tc = new LineChart(tput);
  const lc = new LineChart(lat, { unit: ' s' });
  let prev = null;
  const tick = async () => {
    const [stats, nodes, failed, done] = await Promise.all([
      get('/v1/stats'), get('/v1/nodes'), get('/v1/jobs?state=failed&limit=200'), get('/v1/jobs?state=succeeded&limit=50'),
    ]);
    const now = performance.now();
    const tasksDone = stats.tasks?.succeeded ?? 0;
    const jobsDone = (stats.jobs?.succeeded ?? 0) + (stats.jobs?.failed ?? 0);
    if (prev) {
      const dt = (now - prev.t) / 1000;
      tc.push('tasks', Math.max(0, (tasksDone - prev.tasks) / dt), '#2f6fed');
      tc.push('jobs', Math.max(0, (jobsDone - prev.jobs) / dt), '#12b76a');
    }
    prev = { t: now, tasks: tasksDone, jobs: jobsDone };
    const times = done.items.map((j) => (j.durationMs ?? 0) / 1000).sort((a, b) => a - b);
    const q = (p) => (times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))] : 0);
    lc.push('p50', q(0.5), '#2f6fed');
    lc.push('p95', q(0.95), '#f79009');
    tc.draw();
    lc.draw();
    totals.replaceChildren(
      h('div', {}, `assets ${stats.assets} · stored ${bytes(stats.storage?.storedBytes ?? 0)}`),
      h('div', {}, `jobs ${Object.entries(stats.jobs || {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`),
      h('div', {}, `nodes ${stats.nodes.count} · slots ${stats.nodes.slots}`));
    nodesBody.replaceChildren(...nodes.nodes.map((n) =>
      h('tr', {}, h('td', { class: 'mono' }, short(n.nodeId)), h('td', {}, n.host), h('td', {}, n.version), h('td', {}, n.slots),
        h('td', {}, n.busy ?? 0), h('td', {}, bar(Math.min(1, n.load || 0))), h('td', {}, `${Math.round(n.lastSeenMsAgo / 1000)} s ago`))));
    const open = stats.openTasks || {};
    queueBody.replaceChildren(...Object.keys(open).sort().map((t) =>
      h('tr', {}, h('td', {}, t), ...['pending', 'queued', 'leased'].map((s) => h('td', {}, open[t][s] ?? 0)))));
    const codes = {};
    for (const j of failed.items) codes[j.error?.code || 'UNKNOWN'] = (codes[j.error?.code || 'UNKNOWN'] || 0) + 1;
    errorsBody.replaceChildren(...(Object.keys(codes).length
      ? Object.entries(codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => h('tr', {}, h('td', { class: 'mono' }, c), h('td', {}, n)))
      : [h('tr', {}, h('td', {}, 'none'))]));
  };
  await tick();
  const timer = setInterval(() => tick().catch(() => {}), 2000);
  stopView = () => clearInterval(timer);
}

// ------------------------------------------------------------------ jobs

async function jobList() {
  const body = h('tbody');
  view.replaceChildren(h('div', { class: 'card' }, h('h3', {}, 'Jobs'),
    h('table', { id: 'jobs' }, h('thead', {}, h('tr', {}, ['job', 'asset', 'state', 'progress', 'created', 'time'].map((t) => h('th', {}, t)))), body)));
  const rows = new Map();
  const render = (j) => {
    const p = j.tasksTotal ? j.tasksDone / j.tasksTotal : 0;
    const tr = h('tr', { 'data-job': j.id, 'data-state': j.state },
      h('td', {}, h('a', { href: `#/jobs/${j.id}`, class: 'mono' }, short(j.id))),
      h('td', {}, h('a', { href: `#/assets/${j.assetId}`, class: 'mono' }, short(j.assetId))),
      h('td', {}, stateCell(j.state)), h('td', {}, bar(j.state === 'succeeded' ? 1 : p)),
      h('td', {}, when(j.createdAt)), h('td', {}, j.durationMs != null ? `${fmt(j.durationMs / 1000)} s` : ''));
    const old = rows.get(j.id);
    old ? old.replaceWith(tr) : body.prepend(tr);
    rows.set(j.id, tr);
  };
  const page = await get('/v1/jobs?limit=100');
  page.items.slice().reverse().forEach(render);
  // live: each job event of this tenant refreshes that job's row
  const pending = new Set();
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (pending.size) {
      const id = pending.values().next().value;
      pending.delete(id);
      try {
        render(await get(`/v1/jobs/${id}`));
      } catch {}
    }
    flushing = false;
  };
  stopView = follow((ev) => {
    const id = ev.data.jobId;
    if (!id || !String(ev.type).startsWith('job.') && !String(ev.type).startsWith('task.')) return;
    pending.add(id);
    if (!flushing) flush();
  });
}

async function jobPage(id) {
  const draw = async () => {
    const j = await get(`/v1/jobs/${id}`);
    const started = (t) => Date.parse(t.startedAt || t.createdAt);
    const tasks = (j.tasks || []).slice().sort((a, b) => started(a) - started(b));
    const t0 = Math.min(...tasks.map((t) => Date.parse(t.startedAt || t.createdAt)).filter(Number.isFinite), Date.parse(j.createdAt));
    const t1 = Math.max(...tasks.map((t) => Date.parse(t.finishedAt || new Date().toISOString())), t0 + 1);
    const span = t1 - t0;
    const lanes = tasks.map((t) => {
      const marks = (t.attempts || []).map((a) => {
        const s = Date.parse(a.startedAt || a.leasedAt || t.startedAt || t.createdAt);
        const e = Date.parse(a.finishedAt || t.finishedAt || new Date().toISOString());
        return h('i', { class: a.outcome && a.outcome !== 'succeeded' ? 'failed' : '', style: `left:${((s - t0) / span) * 100}%;width:${Math.max(0.5, ((e - s) / span) * 100)}%`,
          title: `attempt ${a.attempt} on ${short(a.node || a.nodeId)}: ${a.outcome || 'running'} ${a.errorCode || ''}` });
      });
      return h('div', { class: 'row', 'data-task': t.name },
        h('span', { class: 'name', title: t.name }, t.name),
        h('div', { class: 'lane' }, marks),
        h('span', { class: 'mono' }, `${t.state} · ${t.durationMs != null ? fmt(t.durationMs / 1000) + ' s' : ''} · ${short(t.node)} · ${(t.attempts || []).length} attempt(s)${t.error ? ' · ' + t.error.code : ''}`));
    });
    const cancel = canWrite() && (j.state === 'queued' || j.state === 'running') ? h('button', { 'data-write': true, onclick: () => post(`/v1/jobs/${id}/cancel`).then(draw) }, 'Cancel') : null;
    const retry = canWrite() && (j.state === 'failed' || j.state === 'cancelled') ? h('button', { 'data-write': true, onclick: () => post(`/v1/jobs/${id}/retry`).then(draw) }, 'Retry') : null;
    view.replaceChildren(h('div', { class: 'card', id: 'job', 'data-state': j.state },
      h('h3', {}, 'Job ', h('span', { class: 'mono' }, j.id), ' ', stateCell(j.state)),
      h('p', {}, 'Asset ', h('a', { href: `#/assets/${j.assetId}` }, j.assetId), ` · ${j.tasksDone}/${j.tasksTotal} tasks · `, j.durationMs != null ? `${fmt(j.durationMs / 1000)} s` : '', ' ', cancel, ' ', retry),
      j.error ? h('p', { class: 'error' }, `${j.error.code}: ${j.error.message}`) : null,
      h('div', { class: 'timeline' }, lanes)));
    return j;
  };
  const j = await draw();
  if (j.state === 'queued' || j.state === 'running') {
    const timer = setInterval(() => draw().then((x) => x.state !== 'queued' && x.state !== 'running' && clearInterval(timer)).catch(() => {}), 1000);
    stopView = () => clearInterval(timer);
  }
}

// ------------------------------------------------------------------ catalog

const urls = [];
async function thumb(img, assetId) {
  const b = await file(assetId, 'thumbnail.png').catch(() => null);
  if (b) {
    const u = URL.createObjectURL(b);
    urls.push(u);
    img.src = u;
    img.dataset.loaded = 'true';
  }
}

async function catalog() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const form = h('form', { class: 'filters', id: 'filters' },
    h('input', { name: 'q', placeholder: 'name', value: params.get('q') || '' }),
    h('input', { name: 'tag', placeholder: 'tag', value: params.get('tag') || '' }),
    h('select', { name: 'format' }, ['', 'glb', 'gltf', 'obj', 'fbx', 'stl', 'ply', 'dae'].map((f) => h('option', { value: f, selected: params.get('format') === f }, f || 'any format'))),
    h('select', { name: 'status' }, ['', 'processing', 'ready', 'failed'].map((s) => h('option', { value: s, selected: params.get('status') === s }, s || 'any status'))),
    h('button', { type: 'submit' }, 'Filter'));
  const tiles = h('div', { class: 'tiles', id: 'tiles' });
  const more = h('button', { hidden: true }, 'More');
  view.replaceChildren(h('div', { class: 'card' }, form, tiles, h('p', {}, more)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
    location.hash = `#/catalog?${q}`;
  });
  let next = null;
  const load = async () => {
    const q = new URLSearchParams([...params].filter(([, v]) => v));
    q.set('limit', '24');
    if (next) q.set('after', next);
    const page = await get(`/v1/assets?${q}`);
    for (const a of page.items) {
      const img = h('img', { alt: a.name });
      tiles.append(h('div', { class: 'tile', 'data-asset': a.id, onclick: () => (location.hash = `#/assets/${a.id}`) }, img,
        h('div', {}, h('strong', {}, a.name), h('br'), `${a.format} · ${a.status} · ${bytes(a.size)}`, h('br'), (a.tags || []).join(', '))));
      thumb(img, a.id);
    }
    next = page.next;
    more.hidden = !next;
  };
  more.onclick = () => load().catch(showError);
  await load();
  if (!tiles.children.length) tiles.append(h('p', {}, 'No assets match.'));
  stopView = () => urls.splice(0).forEach(URL.revokeObjectURL);
}

async function assetPage(id) {
  const a = await get(`/v1/assets/${id}`);
  const meta = a.metadata || {};
  const derived = (a.files || []).filter((f) => f.role === 'derived');
  const download = async (name) => {
    const b = await file(id, name);
    const u = URL.createObjectURL(b);
    h('a', { href: u, download: name }).click();
    setTimeout(() => URL.revokeObjectURL(u), 10000);
  };
  const rows = (obj) => Object.entries(obj).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, String(v))));
  const box = meta.bounds || meta.boundingBox || meta.bbox;
  const previewBox = h('div', { id: 'preview' });
  const report = h('div', { id: 'validation' });
  const del = canWrite() ? h('button', { 'data-write': true, onclick: async () => {
    if (confirm(`Delete ${a.name}?`)) {
      await fetch(`/v1/assets/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${session.key()}` } });
      location.hash = '#/catalog';
    }
  } }, 'Delete') : null;
  view.replaceChildren(
    h('div', { class: 'card' }, h('h3', {}, a.name, ' ', stateCell(a.status), ' ', del),
      h('p', { class: 'mono' }, `${a.id} · ${a.format} · ${bytes(a.size)} · ${(a.tags || []).join(', ')} · ${when(a.createdAt)}`),
      h('p', {}, 'Jobs: ', (a.jobs || []).map((j) => [h('a', { href: `#/jobs/${j}`, class: 'mono' }, short(j)), ' ']))),
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h3', {}, 'Metadata'), h('table', { id: 'metadata' }, rows(meta), rows(meta.counts || {}),
        box ? h('tr', {}, h('th', {}, 'bounding box'), h('td', { class: 'mono' }, JSON.stringify(box))) : null,
        meta.gpuMemory ? h('tr', {}, h('th', {}, 'GPU memory'), h('td', {}, JSON.stringify(meta.gpuMemory))) : null)),
      h('div', { class: 'card' }, h('h3', {}, 'Derivatives'), h('table', { id: 'derivatives' }, derived.map((f) =>
        h('tr', {}, h('td', {}, f.name), h('td', {}, bytes(f.size)), h('td', {}, h('button', { onclick: () => download(f.name) }, 'Download'))))))),
    h('div', { class: 'card' }, h('h3', {}, 'Validation'), report),
    h('div', { class: 'card' }, h('h3', {}, '3D preview (optimized.glb)'), previewBox));
  const v = derived.some((f) => f.name === 'validation.json') ? JSON.parse(await (await file(id, 'validation.json')).text()) : null;
  if (!v) {
    report.append('No validation report (the pipeline had no validate stage).');
  } else {
    const names = ['error', 'warning', 'info', 'hint'];
    const issues = v.issues || {};
    report.append(h('p', {}, `${issues.numErrors} errors, ${issues.numWarnings} warnings, ${issues.numInfos} infos, ${issues.numHints} hints`),
      h('table', {}, (issues.messages || []).map((m) => h('tr', {}, h('td', { class: m.severity === 0 ? 'error' : '' }, names[m.severity] || m.severity),
        h('td', { class: 'mono' }, m.code), h('td', { class: 'mono' }, m.pointer || ''), h('td', {}, m.message)))));
  }
  const glb = derived.find((f) => f.name === 'optimized.glb') ? 'optimized.glb' : a.format === 'glb' ? a.name : null;
  if (!glb) {
    previewBox.append('Nothing to preview yet.');
    return;
  }
  const { preview } = await import('./viewer.js');
  const blob = await file(id, glb);
  const drawn = await preview(previewBox, blob);
  previewBox.dataset.meshes = drawn.meshes;
  previewBox.dataset.triangles = drawn.triangles;
}

// ------------------------------------------------------------------ upload

async function uploadPage() {
  if (!canWrite()) {
    view.replaceChildren(h('p', {}, 'Your key may read, not upload.'));
    return;
  }
  const input = h('input', { type: 'file', id: 'files', multiple: true });
  const pipeline = h('select', { id: 'pipeline' },
    ['inspect', 'validate,optimize-mesh,thumbnail', 'validate,optimize-mesh,compress-texture,thumbnail', 'optimize-mesh'].map((p) => h('option', { value: p }, p)));
  const tags = h('input', { id: 'tags', placeholder: 'tags, comma separated' });
  const drop = h('div', { id: 'drop' }, 'Drop a model (with its .bin and textures) here, or ', input);
  const progress = h('div', { class: 'bar', id: 'progress' }, h('i', { style: 'width:0%' }));
  const status = h('p', { id: 'status' });
  view.replaceChildren(h('div', { class: 'card' }, h('h3', {}, 'Upload'), h('p', {}, 'Pipeline ', pipeline, ' ', tags), drop, h('p', {}), progress, status));
  const send = async (files) => {
    if (!files.length) return;
    status.textContent = `uploading ${files.map((f) => f.name).join(', ')}…`;
    try {
      const r = await upload(files, { pipeline: pipeline.value, tags: tags.value }, (p) => (progress.firstChild.style.width = `${Math.round(p * 100)}%`));
      progress.firstChild.style.width = '100%';
      status.replaceChildren('Queued: job ', h('a', { href: `#/jobs/${r.job.id}`, id: 'newjob' }, r.job.id), ' on asset ', h('a', { href: `#/assets/${r.asset.id}` }, r.asset.id));
    } catch (e) {
      status.replaceChildren(h('span', { class: 'error' }, `${e.code || e.status}: ${e.message}`));
    }
  };
  drop.addEventListener('dragover', (e) => (e.preventDefault(), drop.classList.add('over')));
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    send([...e.dataTransfer.files]);
  });
  input.addEventListener('change', () => send([...input.files]));
}

window.addEventListener('hashchange', route);
if (session.key()) start().catch(() => signIn());
else signIn();
