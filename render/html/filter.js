// Namespace filter: hides every element whose data-ns (the namespaces it
// involves, space-separated) does not list the chosen namespace. The
// choice is kept in the address as #ns=NAME, so a link can carry it.
(function () {
  "use strict";
  var select = document.getElementById("ns-filter");
  if (!select) {
    return;
  }
  var count = document.getElementById("ns-count");
  var causes = document.querySelectorAll("article.rootcause").length;
  function apply(ns) {
    var shown = 0;
    document.querySelectorAll("[data-ns]").forEach(function (el) {
      var hide = ns !== "" && el.getAttribute("data-ns").split(" ").indexOf(ns) < 0;
      el.hidden = hide;
      if (!hide && el.matches("article.rootcause")) {
        shown++;
      }
    });
    document.body.classList.toggle("filtered", ns !== "");
    count.textContent = ns === "" ? "" :
      shown + " of " + causes + " root cause" + (causes === 1 ? "" : "s") + " involve " + ns;
  }
  function fromHash() {
    var m = /^#ns=(.+)$/.exec(location.hash);
    if (!m) {
      return "";
    }
    try {
      return decodeURIComponent(m[1]);
    } catch (e) {
      return "";
    }
  }
  select.addEventListener("change", function () {
    apply(select.value);
    try {
      history.replaceState(null, "", select.value === "" ? location.pathname : "#ns=" + encodeURIComponent(select.value));
    } catch (e) {
      // A page opened from a file may not rewrite its address; the filter works without it.
    }
  });
  var wanted = fromHash();
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === wanted) {
      select.value = wanted;
    }
  }
  apply(select.value);
})();
