// Adds the session's CSRF token to POST forms that lack it and to htmx and fetch requests made
// with the `csrfHeaders()` helper. Templates should still render `{{ csrf_input }}` in each form,
// so forms work without scripts; this covers forms a template forgot.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) { return; }
  var token = meta.getAttribute("content");

  document.querySelectorAll('form[method="post"], form[method="POST"]').forEach(function (form) {
    if (form.querySelector('input[name="csrf_token"]')) { return; }
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrf_token";
    input.value = token;
    form.appendChild(input);
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = token;
  });

  window.csrfHeaders = function (headers) {
    var merged = Object.assign({}, headers || {});
    merged["X-CSRF-Token"] = token;
    return merged;
  };
})();
