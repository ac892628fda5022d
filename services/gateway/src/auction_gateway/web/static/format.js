// Format page: show only the chosen warehouse's events, and disable Start after one click.
"use strict";

(function () {
  const warehouse = document.getElementById("warehouse");
  const eventSelect = document.getElementById("event");
  const noEvents = document.getElementById("no-events");
  const start = document.getElementById("start");
  const form = document.getElementById("format-form");
  const events = JSON.parse(document.getElementById("event-data").textContent);

  function showEvents() {
    const previous = eventSelect.value;
    const matching = events.filter((event) => event.warehouse === warehouse.value);
    eventSelect.replaceChildren(
      ...matching.map((event) => {
        const option = document.createElement("option");
        option.value = event.id;
        option.textContent = event.label;
        option.dataset.warehouse = event.warehouse;
        option.selected = event.id === previous;
        return option;
      })
    );
    noEvents.hidden = matching.length > 0;
    start.disabled = matching.length === 0;
  }

  warehouse.addEventListener("change", showEvents);
  form.addEventListener("submit", () => {
    start.disabled = true;
    start.textContent = "Starting…";
  });
  showEvents();
})();
