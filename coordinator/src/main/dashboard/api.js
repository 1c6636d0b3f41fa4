// The API as the dashboard uses it: the key kept in session storage (entered once per tab), JSON
// requests, files as blobs, uploads with progress, and the tenant event stream read with fetch
// (EventSource cannot send an Authorization header).
const KEY = 'assetgrid.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  save: (k) => sessionStorage.setItem(KEY, k.trim()),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = problem && problem.code;
  }
}

function headers(extra = {}) {
  return { Authorization: `Bearer ${session.key()}`, ...extra };
}

async function problem(r) {
  try {
    return await r.json();
  } catch {
    return null;
  }
}

export async function get(path) {
  const r = await fetch(path, { headers: headers() });
  if (!r.ok) throw new ApiError(r.status, await problem(r));
  return r.json();
}

export async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new ApiError(r.status, await problem(r));
  return r.status === 204 ? null : r.json();
}

/** A file of an asset as a Blob (null when the asset has no such file). */
export async function file(assetId, name) {
  const r = await fetch(`/v1/assets/${assetId}/files/${encodeURIComponent(name)}`, { headers: headers() });
  if (r.status === 404) return null;
  if (!r.ok) throw new ApiError(r.status, await problem(r));
  return r.blob();
}

/** POST /v1/assets as multipart, reporting progress (0..1); resolves to {asset, job}. */
export function upload(files, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
    for (const f of files) form.append('file', f, f.name);
    const x = new XMLHttpRequest();
    x.open('POST', '/v1/assets');
    x.setRequestHeader('Authorization', `Bearer ${session.key()}`);
    x.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    x.onload = () => {
      let body = null;
      try {
        body = JSON.parse(x.responseText);
      } catch {}
      if (x.status === 202) resolve(body);
      else reject(new ApiError(x.status, body));
    };
    x.onerror = () => reject(new ApiError(0, { detail: 'the coordinator could not be reached' }));
    x.send(form);
  });
}

/**
 * Follows GET /v1/events (server-sent events) and calls onEvent({id, type, data}) for each;
 * reconnects with Last-Event-ID after a break. Returns a function that stops it.
 */
export function follow(onEvent) {
  let stopped = false;
  let last = null;
  const controller = new AbortController();
  (async () => {
    while (!stopped) {
      try {
        const h = headers({ Accept: 'text/event-stream' });
        if (last) h['Last-Event-ID'] = last;
        const r = await fetch('/v1/events', { headers: h, signal: controller.signal });
        if (!r.ok) throw new ApiError(r.status, await problem(r));
        const reader = r.body.getReader();
        const text = new TextDecoder();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += text.decode(value, { stream: true });
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const ev = { id: null, type: 'message', data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith('id:')) ev.id = line.slice(3).trim();
              else if (line.startsWith('event:')) ev.type = line.slice(6).trim();
              else if (line.startsWith('data:')) ev.data += line.slice(5).trim();
            }
            if (ev.id) last = ev.id;
            if (ev.data) {
              try {
                onEvent({ ...ev, data: JSON.parse(ev.data) });
              } catch {}
            }
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return () => {
    stopped = true;
    controller.abort();
  };
}
