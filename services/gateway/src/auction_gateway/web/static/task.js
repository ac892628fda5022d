// Task page: follow the task's server-sent events until it reaches a final state.
"use strict";

(function () {
  const root = document.getElementById("task");
  if (!root || root.dataset.final === "true") {
    return;
  }
  const progress = document.getElementById("progress");
  const progressText = document.getElementById("progress-text");
  const fields = ["state", "stage", "substage", "message"];
  const messages = document.getElementById("messages");
  const resultLink = document.getElementById("result-link");
  const connection = document.getElementById("connection");
  const source = new EventSource(root.dataset.streamUrl);
  // A reconnected stream sends every step again: show each sequence once.
  const shown = new Set([...messages.children].map((item) => item.dataset.sequence));

  function addStep(step) {
    if (shown.has(String(step.sequence))) {
      return;
    }
    shown.add(String(step.sequence));
    const item = document.createElement("li");
    item.dataset.sequence = step.sequence;
    const when = new Date(step.recorded_at).toLocaleTimeString();
    const text = [step.stage, step.substage, step.message].filter(Boolean).join(" · ");
    item.textContent = `${when} ${step.state} ${step.progress}% ${text} (${step.service})`;
    messages.appendChild(item);
  }

  source.addEventListener("status", (event) => {
    const task = JSON.parse(event.data);
    progress.value = task.progress;
    progressText.textContent = `${task.progress}%`;
    for (const name of fields) {
      document.getElementById(name).textContent = task[name];
    }
    root.dataset.state = task.state;
    task.steps.forEach(addStep);
    root.dispatchEvent(new CustomEvent("task-status", { detail: task }));
    connection.textContent = "";
    if (task.final) {
      root.dataset.final = "true";
      if (task.result_page && resultLink) {
        resultLink.href = task.result_page;
        resultLink.hidden = false;
      }
      source.close();
      // Results of jobs other than format are rendered by the server: show them.
      if (root.dataset.reloadOnFinal === "true") {
        window.location.reload();
      }
    }
  });
  source.addEventListener("end", () => source.close());
  source.onerror = () => {
    connection.textContent = "Connection lost; reconnecting…";
  };
})();
