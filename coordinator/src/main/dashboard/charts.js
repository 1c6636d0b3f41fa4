// A small line chart on a canvas: a few named series of (time, value) points, the last N kept.
export class LineChart {
  constructor(canvas, { max = 60, unit = '' } = {}) {
    this.canvas = canvas;
    this.max = max;
    this.unit = unit;
    this.series = new Map();
  }

  push(name, value, color) {
    if (!this.series.has(name)) this.series.set(name, { color, points: [] });
    const s = this.series.get(name);
    s.points.push(value);
    if (s.points.length > this.max) s.points.shift();
  }

  draw() {
    const c = this.canvas;
    const g = c.getContext('2d');
    const w = (c.width = c.clientWidth * devicePixelRatio);
    const h = (c.height = c.clientHeight * devicePixelRatio);
    g.clearRect(0, 0, w, h);
    let top = 0;
    for (const s of this.series.values()) for (const v of s.points) top = Math.max(top, v);
    top = top <= 0 ? 1 : top * 1.15;
    g.strokeStyle = '#ccd';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, h - 0.5);
    g.lineTo(w, h - 0.5);
    g.stroke();
    g.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    g.fillStyle = '#667';
    g.fillText(`${fmt(top)}${this.unit}`, 4, 12 * devicePixelRatio);
    let legend = 4;
    for (const [name, s] of this.series) {
      g.strokeStyle = s.color;
      g.lineWidth = 2 * devicePixelRatio;
      g.beginPath();
      s.points.forEach((v, i) => {
        const x = (i / (this.max - 1)) * w;
        const y = h - (v / top) * (h - 4) - 2;
        i ? g.lineTo(x, y) : g.moveTo(x, y);
      });
      g.stroke();
      g.fillStyle = s.color;
      const label = `${name} ${fmt(s.points.at(-1) ?? 0)}${this.unit}`;
      g.fillText(label, legend, h - 6 * devicePixelRatio);
      legend += g.measureText(label).width + 12 * devicePixelRatio;
    }
  }
}

export function fmt(v) {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
