// The inbox, enhanced: each new observation the server announces (a
// server-sent event) makes the page fetch itself again and swap in the new
// list, so nobody has to reload. Without JavaScript the inbox still works;
// it just needs a reload to show new arrivals.
"use strict";
(function () {
  var list = document.querySelector(".inbox");
  if (!list || !("EventSource" in window) || !window.fetch) return;
  var source = new EventSource("/triage/events");
  source.addEventListener("observation", function () {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshList = fresh.querySelector(".inbox");
        var freshCount = fresh.querySelector("#results");
        var freshPager = fresh.querySelector(".pager");
        var current = document.querySelector(".inbox");
        // Someone working inside the list keeps their place; the count still updates.
        if (freshList && current && !current.contains(document.activeElement)) current.replaceWith(freshList);
        if (freshPager) document.querySelector(".pager").replaceWith(freshPager);
        // The live region is updated in place, so screen readers announce the new count.
        if (freshCount) document.querySelector("#results").textContent = freshCount.textContent;
      })
      .catch(function () { /* The next announcement tries again. */ });
  });
})();
