// report.html behaviour: a filter for the features list. The page works without it.
(function () {
  var bar = document.querySelector(".filters");
  if (!bar) return;
  bar.hidden = false;
  function show(filter) {
    document.body.classList.toggle("only-problems", filter === "problems");
    bar.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.filter === filter));
    });
  }
  bar.addEventListener("click", function (event) {
    if (event.target.dataset && event.target.dataset.filter) show(event.target.dataset.filter);
  });
  // A link to a scenario always shows it, whatever the filter.
  window.addEventListener("hashchange", function () {
    if (!document.body.classList.contains("only-problems")) return;
    show("all");
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  });
})();
