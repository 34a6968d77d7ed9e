// Client-side search over the documents in search/index.js, with
// MiniSearch (prefix and fuzzy matching). No network requests, so it works
// from file:// too. Results are built with DOM methods, never innerHTML.
(function () {
  "use strict";
  var docs = window.PLAYBOOK_SEARCH || [];
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || typeof MiniSearch === "undefined") return;

  var index = new MiniSearch({
    fields: ["title", "summary", "body", "kind"],
    storeFields: ["title", "summary", "kind", "url"],
    searchOptions: { boost: { title: 3, summary: 1.5 }, prefix: true, fuzzy: 0.2 }
  });
  index.addAll(docs);

  function show(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    query = query.trim();
    if (!query) {
      status.textContent = docs.length + " items can be searched.";
      return;
    }
    var results = index.search(query).slice(0, 50);
    status.textContent = results.length === 0
      ? "Nothing found for “" + query + "”."
      : results.length + (results.length === 1 ? " result" : " results") + " for “" + query + "”.";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "../" + r.url;
      a.textContent = r.title;
      var kind = document.createElement("span");
      kind.className = "tag";
      kind.textContent = r.kind;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      if (r.summary) {
        var p = document.createElement("p");
        p.textContent = r.summary;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  show(input.value);
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 120);
  });
  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    show(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url.toString());
  });
})();
