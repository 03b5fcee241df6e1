/**
 * Images (gathers, wavefields, 2D models) drawn with three.js as a colour
 * mapped texture inside the plotting area of a uPlot chart, so that the
 * axes, ticks and units come from the plotting library.
 */
import * as THREE from "three";
import uPlot from "uplot";
import { colorBar, colorize, type ColorMap, type Range } from "./colormap.js";
import { axisLabel, axisValues, isDepth, type Axis } from "./run.js";

export interface ImageSpec {
  title: string;
  /** Horizontal and vertical extents (values at the first and last column / row). */
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
  /** Row 0 at the top (depth, time going down) rather than the bottom. */
  topDown: boolean;
  /** Width in CSS pixels. Default: the parent's width shared among `columns` images, from 240 to 640. */
  width?: number;
  /** Height in CSS pixels. Default: three quarters of the width (or what `equalAspect` needs). */
  height?: number;
  /** Images meant to sit side by side in the parent (sets the default width). Default 1. */
  columns?: number;
  /** Draw x and y to one scale (a map of a plate, not a gather): a square plate is drawn square. */
  equalAspect?: boolean;
}

/** Points marked over an image (sources, receivers, sensors), in the image's axis units. */
export interface Markers {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  shape: "star" | "triangle" | "dot";
  /** Radius in CSS pixels. */
  size: number;
  fill: string;
}

/**
 * The spec of a map of a 2D grid [rows, cols] with axes [vertical, horizontal]: drawn to scale, with
 * depth (an axis named z) growing downwards and y upwards.
 */
export function mapSpec(title: string, axes: Axis[], shape: number[], columns = 1): ImageSpec {
  const [ny, nx] = shape.slice(-2);
  const [ay, ax] = axes.slice(-2);
  const x = axisValues(ax, nx), y = axisValues(ay, ny);
  return {
    title, x: [x[0], x[nx - 1]], y: [y[0], y[ny - 1]], xLabel: axisLabel(ax, "x"), yLabel: axisLabel(ay, "y"),
    topDown: isDepth(ay), equalAspect: true, columns,
  };
}

const renderers = new Set<THREE.WebGLRenderer>();

/** A WebGL renderer registered for release when the panels are rebuilt (browsers cap live contexts). */
export function trackedRenderer(options: THREE.WebGLRendererParameters): THREE.WebGLRenderer {
  const r = new THREE.WebGLRenderer(options);
  renderers.add(r);
  return r;
}

/** Frees every tracked renderer and its context. */
export function releaseRenderers(): void {
  for (const r of renderers) {
    r.setAnimationLoop(null);
    r.dispose();
    r.forceContextLoss();
  }
  renderers.clear();
}

export class ImageView {
  readonly element: HTMLElement;
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material = new THREE.MeshBasicMaterial();
  private texture: THREE.DataTexture | null = null;
  private rgba = new Uint8Array(0);
  private readonly bar: HTMLElement;
  readonly plot: uPlot;
  private readonly spec: ImageSpec;
  private readonly caption: HTMLElement;
  private markers: Markers[] = [];

  setTitle(title: string): void {
    this.caption.textContent = title;
  }

  constructor(parent: HTMLElement, spec: ImageSpec) {
    this.spec = spec;
    this.element = document.createElement("figure");
    this.element.className = "image";
    this.caption = document.createElement("figcaption");
    this.caption.textContent = spec.title;
    this.element.append(this.caption);
    parent.append(this.element);
    const [x0, x1] = spec.x, [y0, y1] = spec.y;
    const columns = spec.columns ?? 1;
    const available = parent.clientWidth > 0 ? (parent.clientWidth - 10 * (columns - 1)) / columns : 360;
    const width = spec.width ?? Math.round(Math.max(240, Math.min(640, available)));
    const height = spec.height ?? Math.round(0.75 * width);
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: () => [Math.min(x0, x1), Math.max(x0, x1)] },
          y: { range: () => [Math.min(y0, y1), Math.max(y0, y1)], dir: spec.topDown ? -1 : 1 },
        },
        axes: [
          { label: spec.xLabel, stroke: "#ccc", grid: { show: false }, ticks: { stroke: "#444" } },
          { label: spec.yLabel, stroke: "#ccc", grid: { show: false }, ticks: { stroke: "#444" }, size: 64 },
        ],
        series: [{}, { show: false }],
        hooks: { draw: [(u) => drawMarkers(u, this.markers)] },
      },
      [[x0, x1], [y0, y1]],
      this.element,
    );
    // The figure keeps the chart's width (a long colour-bar label wraps instead of widening it), so `columns` images fit side by side.
    this.element.style.width = `${width}px`;
    if (spec.equalAspect === true) {
      // Grow or shrink the height until the plotting area has the extents' aspect ratio.
      const areaWidth = this.plot.bbox.width / devicePixelRatio, areaHeight = this.plot.bbox.height / devicePixelRatio;
      const wanted = (areaWidth * Math.abs(y1 - y0)) / Math.abs(x1 - x0);
      if (Number.isFinite(wanted) && wanted > 0) this.plot.setSize({ width, height: Math.round(height + wanted - areaHeight) });
    }
    this.renderer = trackedRenderer({ antialias: false, preserveDrawingBuffer: true });
    const canvas = this.renderer.domElement;
    canvas.className = "image-gl";
    this.renderer.setPixelRatio(devicePixelRatio);
    this.plot.under.append(canvas);
    this.scene.add(new THREE.Mesh(new THREE.PlaneGeometry(2, 2), this.material));
    this.bar = document.createElement("div");
    this.element.append(this.bar);
  }

  /** Marks points over the image (drawn on the chart's canvas, above the image); [] removes them. */
  setMarkers(markers: Markers[]): void {
    this.markers = markers;
    this.plot.redraw(false, false);
  }

  private shown: { values: ArrayLike<number>; min: number; max: number; map: ColorMap } | null = null;

  /** Draws `values` (rows x cols, row-major) with a colour map and range; nothing to do when they are what is shown. */
  show(values: ArrayLike<number>, rows: number, cols: number, range: Range, map: ColorMap, units: string): void {
    const s = this.shown;
    if (s !== null && s.values === values && s.min === range.min && s.max === range.max && s.map === map) return;
    this.shown = { values, min: range.min, max: range.max, map };
    if (this.texture === null || this.texture.image.width !== cols || this.texture.image.height !== rows) {
      this.texture?.dispose();
      this.rgba = new Uint8Array(rows * cols * 4);
      this.texture = new THREE.DataTexture(this.rgba, cols, rows, THREE.RGBAFormat);
      this.texture.magFilter = THREE.NearestFilter;
      this.texture.minFilter = THREE.LinearFilter;
      this.texture.colorSpace = THREE.SRGBColorSpace;
      this.material.map = this.texture;
      this.material.needsUpdate = true;
    }
    colorize(values, rows, cols, range, map, this.spec.topDown, this.rgba);
    // The plotting area is known once uPlot has laid out its axes: fit the canvas to it.
    const w = Math.max(1, this.plot.under.clientWidth), h = Math.max(1, this.plot.under.clientHeight);
    const size = this.renderer.getSize(new THREE.Vector2());
    if (size.x !== w || size.y !== h) this.renderer.setSize(w, h);
    this.texture.needsUpdate = true;
    this.renderer.render(this.scene, this.camera);
    this.bar.replaceChildren(colorBar(map, range, units));
  }
}

/** Draws marker groups with a dark outline, so they show on light and dark colours alike; points outside the plot are skipped. */
function drawMarkers(u: uPlot, groups: Markers[]): void {
  if (groups.length === 0) return;
  const { ctx, bbox } = u;
  const px = devicePixelRatio;
  ctx.save();
  ctx.lineWidth = px;
  ctx.strokeStyle = "#111";
  for (const g of groups) {
    const r = g.size * px;
    ctx.fillStyle = g.fill;
    for (let i = 0; i < g.x.length; i++) {
      const cx = u.valToPos(g.x[i], "x", true), cy = u.valToPos(g.y[i], "y", true);
      if (!(cx >= bbox.left - 1 && cx <= bbox.left + bbox.width + 1 && cy >= bbox.top - 1 && cy <= bbox.top + bbox.height + 1)) continue;
      ctx.beginPath();
      if (g.shape === "dot") ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      else {
        // A five-pointed star, or a triangle pointing down (the usual receiver symbol).
        const points = g.shape === "star" ? 10 : 3;
        for (let k = 0; k < points; k++) {
          const a = Math.PI / 2 + (2 * Math.PI * k) / points;
          const rk = g.shape === "star" && k % 2 === 1 ? 0.45 * r : r;
          // Canvas y grows downwards: +sin puts the first point below the centre.
          ctx.lineTo(cx + rk * Math.cos(a + (g.shape === "star" ? Math.PI : 0)), cy + rk * Math.sin(a + (g.shape === "star" ? Math.PI : 0)));
        }
        ctx.closePath();
      }
      ctx.fill();
      ctx.stroke();
    }
  }
  ctx.restore();
}
