// Task page of a browser-bot job: show each new screenshot the bot reports in a step substage
// ("screenshot: <key>"). task.js dispatches "task-status" on #task for every streamed status.
"use strict";

(function () {
  const root = document.getElementById("task");
  const view = document.getElementById("browser-view");
  if (!root || !view) {
    return;
  }
  const image = document.getElementById("browser-screenshot");
  const empty = document.getElementById("no-screenshot");
  const prefix = "screenshot:";

  root.addEventListener("task-status", (event) => {
    const steps = event.detail.steps || [];
    for (const step of steps) {
      if (!step.substage || !step.substage.startsWith(prefix)) {
        continue;
      }
      const key = step.substage.slice(prefix.length).trim();
      image.src = `${view.dataset.screenshotUrl}?key=${encodeURIComponent(key)}`;
      image.hidden = false;
      empty.hidden = true;
    }
  });
})();
