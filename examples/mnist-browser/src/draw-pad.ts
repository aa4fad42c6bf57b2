/** A canvas to draw a digit on, turned into the 28×28 grey image the model reads (MNIST-style centring). */

/** Draw with a mouse, pen or finger; `toPixels()` gives 784 floats in [0, 1]. */
export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | null = null;
  private inked = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onStroke: () => void,
  ) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('DrawPad: this browser has no 2D canvas context.');
    this.ctx = ctx;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      const p = this.point(e);
      this.line(this.last ?? p, p);
      this.last = p;
    });
    const up = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      this.onStroke();
    };
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
  }

  /** Whether anything has been drawn since the last clear. */
  get hasInk(): boolean {
    return this.inked;
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * this.canvas.width) / r.width,
      y: ((e.clientY - r.top) * this.canvas.height) / r.height,
    };
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
    this.inked = true;
  }

  /**
   * The drawing as MNIST sees digits: the ink's bounding box scaled to fit 20×20, centred by its centre of mass
   * in a 28×28 image, values in [0, 1].
   */
  toPixels(): Float32Array {
    const { width: w, height: h } = this.canvas;
    const src = this.ctx.getImageData(0, 0, w, h).data;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (src[(y * w + x) * 4]! > 16) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    const out = new Float32Array(784);
    if (x1 < 0) return out;
    const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    const s = small.getContext('2d', { willReadFrequently: true })!;
    s.fillStyle = '#000';
    s.fillRect(0, 0, 28, 28);
    s.imageSmoothingEnabled = true;
    s.imageSmoothingQuality = 'high';
    const bw = ((x1 - x0 + 1) / side) * 20;
    const bh = ((y1 - y0 + 1) / side) * 20;
    s.drawImage(this.canvas, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - bw) / 2, (28 - bh) / 2, bw, bh);
    const px = s.getImageData(0, 0, 28, 28).data;
    let mass = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < 784; i++) {
      const v = px[i * 4]! / 255;
      mass += v;
      cx += v * (i % 28);
      cy += v * Math.floor(i / 28);
    }
    const dx = mass > 0 ? Math.round(13.5 - cx / mass) : 0;
    const dy = mass > 0 ? Math.round(13.5 - cy / mass) : 0;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        const sy = y - dy;
        if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = px[(sy * 28 + sx) * 4]! / 255;
      }
    }
    return out;
  }
}
