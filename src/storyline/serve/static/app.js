// Storyline web UI: the story timeline's zoom, pan and background toggle. No other script runs.
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const DAY_MS = 86400000;
  const LANE_TOP = 44, LANE_HEIGHT = 24, MAX_LANES = 12, CHAR_WIDTH = 7;
  const STEPS = [
    ["day", 1], ["day", 2], ["day", 7], ["day", 14], ["month", 1], ["month", 3], ["month", 6],
    ["year", 1], ["year", 2], ["year", 5], ["year", 10], ["year", 20], ["year", 50], ["year", 100],
  ];
  const APPROX = { day: 1, month: 30.44, year: 365.25 };
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function dayOf(year, month) {
    return Date.UTC(year, month, 1) / DAY_MS;  // month is 0-based and may overflow into the next year
  }

  function label(day, unit) {
    const d = new Date(day * DAY_MS);
    if (unit === "year") return String(d.getUTCFullYear());
    if (unit === "month") return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function ticks(first, last, width) {
    const span = Math.max(last - first, 1);
    const found = STEPS.find(([u, n]) => APPROX[u] * n / span * width >= 90) || STEPS[STEPS.length - 1];
    const [unit, step] = found;
    const start = new Date(Math.floor(first) * DAY_MS);
    const days = [];
    if (unit === "day") {
      for (let d = Math.floor(first) - (Math.floor(first) % step); d <= last; d += step) days.push(d);
    } else if (unit === "month") {
      let i = start.getUTCFullYear() * 12 + start.getUTCMonth();
      i -= i % step;
      for (let d = dayOf(Math.floor(i / 12), i % 12); d <= last; i += step, d = dayOf(Math.floor(i / 12), i % 12)) days.push(d);
    } else {
      let y = start.getUTCFullYear();
      y -= y % step;
      for (let d = dayOf(y, 0); d <= last; y += step, d = dayOf(y, 0)) days.push(d);
    }
    return days.filter((d) => d >= first).map((d) => ({ day: d, text: label(d, unit) }));
  }

  // The lane for an entry and whether its label fits (same rule as pages.assign_lane on the server).
  function assignLane(laneEnds, labelled, dot) {
    let lane = laneEnds.slice(0, MAX_LANES).findIndex((end) => end < labelled[0]);
    if (lane >= 0) {
      laneEnds[lane] = labelled[1];
      return [lane, true];
    }
    if (laneEnds.length < MAX_LANES) {
      laneEnds.push(labelled[1]);
      return [laneEnds.length - 1, true];
    }
    lane = laneEnds.slice(0, MAX_LANES).findIndex((end) => end < dot[0]);
    if (lane < 0) {  // one overflow row of bare dots, which may overlap
      lane = MAX_LANES;
      laneEnds[MAX_LANES] = Math.max(laneEnds[MAX_LANES] || -Infinity, dot[1]);
    } else {
      laneEnds[lane] = dot[1];
    }
    return [lane, false];
  }

  function svgEl(name, attrs) {
    const el = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  }

  function Timeline(root) {
    this.root = root;
    this.viewport = root.querySelector(".tl-viewport");
    this.svg = root.querySelector(".tl-svg");
    this.axis = root.querySelector(".tl-axis");
    this.toggle = root.querySelector(".tl-bg-toggle");
    this.rangeText = root.querySelector(".tl-range");
    this.entries = Array.from(root.querySelectorAll(".tl-entry")).map((el) => ({
      el: el,
      start: Number(el.dataset.start),
      end: Number(el.dataset.end),
      background: el.classList.contains("bg"),
      label: el.querySelector("text").textContent,
    }));
    this.fit();
    this.bind();
  }

  Timeline.prototype.visible = function () {
    const showBackground = this.toggle && this.toggle.checked;
    return this.entries.filter((e) => showBackground || !e.background);
  };

  Timeline.prototype.width = function () {
    return Math.max(this.viewport.clientWidth, 200);
  };

  Timeline.prototype.fit = function () {
    const shown = this.visible();
    if (!shown.length) return;
    const low = Math.min(...shown.map((e) => e.start));
    const high = Math.max(...shown.map((e) => e.end));
    const pad = Math.max((high - low) * 0.05, 3);
    this.view = [low - pad, high + pad];
    this.full = (high - low) + 2 * pad;
    this.draw();
  };

  Timeline.prototype.zoom = function (factor, centerFraction) {
    const [a, b] = this.view;
    const span = b - a;
    const newSpan = Math.min(Math.max(span * factor, 4), Math.max(this.full * 4, 3650));
    const center = a + span * (centerFraction === undefined ? 0.5 : centerFraction);
    const fraction = centerFraction === undefined ? 0.5 : centerFraction;
    this.view = [center - newSpan * fraction, center + newSpan * (1 - fraction)];
    this.draw();
  };

  Timeline.prototype.pan = function (pixels) {
    const [a, b] = this.view;
    const shift = (pixels / this.width()) * (b - a);
    this.view = [a - shift, b - shift];
    this.draw();
  };

  Timeline.prototype.draw = function () {
    const width = this.width();
    const [a, b] = this.view;
    const scale = width / (b - a);
    const shown = new Set(this.visible());
    const laneEnds = [];
    const sorted = this.entries.slice().sort((p, q) => p.start - q.start || p.end - q.end);
    for (const entry of sorted) {
      const x = (entry.start - a) * scale;
      const x2 = (entry.end - a) * scale;
      if (!shown.has(entry) || x2 < -2 || x > width + 2) {
        entry.el.setAttribute("display", "none");
        continue;
      }
      entry.el.removeAttribute("display");
      const textWidth = CHAR_WIDTH * entry.label.length;
      const flipped = x + 9 + textWidth > width;  // label left of the dot near the right edge
      const left = flipped ? x - 9 - textWidth : x - 6;
      const right = flipped ? Math.max(x2, x + 6) : Math.max(x2 + 4, x + 9) + textWidth;
      const [lane, labelled] = assignLane(laneEnds, [left, right], [x - 6, Math.max(x2, x + 6)]);
      const y = LANE_TOP + lane * LANE_HEIGHT;
      const bar = entry.el.querySelector(".tl-range-bar");
      const circle = entry.el.querySelector("circle");
      const text = entry.el.querySelector("text");
      bar.setAttribute("x", x.toFixed(1));
      bar.setAttribute("y", y - 4);
      bar.setAttribute("width", Math.max(x2 - x, 2).toFixed(1));
      if (x2 - x > 3) bar.removeAttribute("display"); else bar.setAttribute("display", "none");
      circle.setAttribute("cx", x.toFixed(1));
      circle.setAttribute("cy", y);
      text.setAttribute("x", (flipped ? x - 9 : Math.max(x2 + 4, x + 9)).toFixed(1));
      text.setAttribute("y", y + 4);
      text.setAttribute("text-anchor", flipped ? "end" : "start");
      if (labelled) text.removeAttribute("display"); else text.setAttribute("display", "none");
    }
    const height = LANE_TOP + Math.max(laneEnds.length, 1) * LANE_HEIGHT;
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    this.svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    this.drawAxis(width, height, scale);
    if (this.rangeText) this.rangeText.textContent = label(Math.floor(a), "day") + " – " + label(Math.floor(b), "day");
  };

  Timeline.prototype.drawAxis = function (width, height, scale) {
    while (this.axis.firstChild) this.axis.removeChild(this.axis.firstChild);
    this.axis.appendChild(svgEl("line", { class: "axis-line", x1: 0, x2: width, y1: 24, y2: 24 }));
    for (const tick of ticks(this.view[0], this.view[1], width)) {
      const x = ((tick.day - this.view[0]) * scale).toFixed(1);
      if (Number(x) > width - CHAR_WIDTH * tick.text.length) continue;
      const g = svgEl("g", { class: "tick" });
      g.appendChild(svgEl("line", { x1: x, x2: x, y1: 20, y2: height }));
      const text = svgEl("text", { x: Number(x) + 3, y: 14 });
      text.textContent = tick.text;
      g.appendChild(text);
      this.axis.appendChild(g);
    }
  };

  Timeline.prototype.bind = function () {
    const self = this;
    const on = (selector, handler) => {
      const el = self.root.querySelector(selector);
      if (el) el.addEventListener("click", handler);
    };
    on(".tl-zoom-in", () => self.zoom(0.5));
    on(".tl-zoom-out", () => self.zoom(2));
    on(".tl-fit", () => self.fit());
    if (this.toggle) this.toggle.addEventListener("change", () => self.fit());
    this.viewport.addEventListener("wheel", (event) => {
      event.preventDefault();
      const box = self.viewport.getBoundingClientRect();
      self.zoom(Math.exp(event.deltaY * 0.0015), (event.clientX - box.left) / box.width);
    }, { passive: false });
    let dragX = null, moved = 0;
    this.viewport.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      dragX = event.clientX;
      moved = 0;
    });
    this.viewport.addEventListener("pointermove", (event) => {
      if (dragX === null) return;
      const dx = event.clientX - dragX;
      moved += Math.abs(dx);
      if (moved > 3 && !self.viewport.classList.contains("dragging")) {
        self.viewport.classList.add("dragging");
        self.viewport.setPointerCapture(event.pointerId);
      }
      dragX = event.clientX;
      if (moved > 3) self.pan(dx);
    });
    const stop = (event) => {
      dragX = null;
      self.viewport.classList.remove("dragging");
      if (self.viewport.hasPointerCapture(event.pointerId)) self.viewport.releasePointerCapture(event.pointerId);
    };
    this.viewport.addEventListener("pointerup", stop);
    this.viewport.addEventListener("pointercancel", stop);
    // A drag must not follow the entry link it started on.
    this.viewport.addEventListener("click", (event) => {
      if (moved > 3) event.preventDefault();
    }, true);
    window.addEventListener("resize", () => self.draw());
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const root of document.querySelectorAll(".tl")) {
      if (root.querySelector(".tl-svg")) root.timeline = new Timeline(root);
    }
  });
})();
