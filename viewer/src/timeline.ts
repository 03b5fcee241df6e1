/** The timeline: a slider over every frame (iteration or accepted minimum), play/pause, and the frequency bands marked beneath. */

export class Timeline {
  readonly element: HTMLElement;
  readonly slider: HTMLInputElement;
  private readonly play: HTMLButtonElement;
  private readonly label: HTMLSpanElement;
  private readonly bands: HTMLDivElement;
  private timer: number | null = null;
  private frameName: string;
  /** Added to the frame index in the label (1 when frames count from one, as accepted minima do). */
  private readonly labelBase: number;
  /** Follow the newest frame as a live run grows (until the user moves the slider). */
  follow = true;
  onChange: (frame: number) => void = () => {};

  constructor(parent: HTMLElement, frameName: string, labelBase = 0) {
    this.frameName = frameName;
    this.labelBase = labelBase;
    this.element = document.createElement("div");
    this.element.className = "timeline";
    this.play = document.createElement("button");
    this.play.textContent = "play";
    this.play.dataset.role = "play";
    this.slider = document.createElement("input");
    this.slider.type = "range";
    this.slider.min = "0";
    this.slider.step = "1";
    this.slider.setAttribute("aria-label", frameName);
    this.label = document.createElement("span");
    this.label.className = "frame-label";
    this.bands = document.createElement("div");
    this.bands.className = "bands";
    const track = document.createElement("div");
    track.className = "track";
    track.append(this.slider, this.bands);
    this.element.append(this.play, track, this.label);
    parent.append(this.element);
    this.slider.addEventListener("input", () => {
      this.follow = Number(this.slider.value) === Number(this.slider.max);
      this.changed();
    });
    this.play.addEventListener("click", () => this.toggle());
  }

  get frame(): number {
    return Number(this.slider.value);
  }

  /** Sets the number of frames (a live run grows); keeps following the newest frame when it was. */
  setFrames(count: number): void {
    const last = Math.max(0, count - 1);
    const wasLast = this.follow;
    this.slider.max = String(last);
    this.slider.disabled = last === 0;
    this.element.hidden = last === 0;
    if (wasLast) this.slider.value = String(last);
    this.refreshLabel();
  }

  /** Marks the bands: band[k] is the band of iteration k + 1 (frame 0 is the start). */
  setBands(band: Float64Array, names: string[]): void {
    this.bands.replaceChildren();
    if (band.length === 0 || new Set(band).size < 2) return;
    let start = 0;
    for (let k = 1; k <= band.length; k++) {
      if (k < band.length && band[k] === band[start]) continue;
      const seg = document.createElement("div");
      seg.className = `band band-${band[start] % 6}`;
      seg.style.flexGrow = String(k - start);
      seg.textContent = names[band[start]] ?? `band ${band[start]}`;
      seg.title = `iterations ${start + 1}-${k}: ${seg.textContent}`;
      this.bands.append(seg);
      start = k;
    }
    // Frame 0 (the start) precedes the first band.
    const lead = document.createElement("div");
    lead.style.flexGrow = "1";
    this.bands.prepend(lead);
  }

  set(frame: number): void {
    this.slider.value = String(frame);
    this.follow = frame === Number(this.slider.max);
    this.changed();
  }

  private changed(): void {
    this.refreshLabel();
    this.onChange(this.frame);
  }

  private refreshLabel(): void {
    this.label.textContent = `${this.frameName} ${this.frame + this.labelBase} / ${Number(this.slider.max) + this.labelBase}`;
  }

  toggle(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
      this.play.textContent = "play";
      return;
    }
    this.play.textContent = "pause";
    if (this.frame === Number(this.slider.max)) this.set(0);
    this.timer = window.setInterval(() => {
      if (this.frame >= Number(this.slider.max)) this.toggle();
      else this.set(this.frame + 1);
    }, 100);
  }
}
