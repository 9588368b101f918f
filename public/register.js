// The register's search, enhanced: as the person types, the page fetches
// itself for that search and swaps in the new results, so no wasm is needed
// on the first page anyone sees. Without JavaScript the form still submits.
"use strict";
(function () {
  var form = document.querySelector("form.search");
  var box = document.getElementById("q");
  var failed = document.getElementById("register-failed");
  if (!form || !box || !failed || !window.fetch || !window.DOMParser) return;
  var asked = null;
  var timer = 0;
  function search(text) {
    asked = text;
    fetch("/?q=" + encodeURIComponent(text), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        // A slower answer to earlier typing must not replace a newer one.
        if (asked !== text) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("register-results");
        var current = document.getElementById("register-results");
        if (!fresh || !current) return Promise.reject("no results");
        failed.hidden = true;
        // The count is a live region: changed in place, so screen readers
        // announce it; the list after it is swapped whole.
        var summary = current.querySelector(".results-summary");
        var freshSummary = fresh.querySelector(".results-summary");
        if (!summary || !freshSummary) return Promise.reject("no summary");
        Array.prototype.slice.call(current.children).forEach(function (child) {
          if (child !== summary) child.remove();
        });
        Array.prototype.slice.call(fresh.children).forEach(function (child) {
          if (child.className !== "results-summary") current.appendChild(document.importNode(child, true));
        });
        summary.textContent = freshSummary.textContent;
      })
      .catch(function () { if (asked === text) failed.hidden = false; });
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(box.value); }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(box.value);
  });
  // Tests (and anyone debugging a phone) can see the search is live.
  document.documentElement.setAttribute("data-hydrated", "");
})();
