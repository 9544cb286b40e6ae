// /cong-khai/: filter the communes as one types (the form still works without JavaScript: ?q=).
(function () {
  "use strict";
  var input = document.querySelector("input[data-filter]");
  if (!input) { return; }
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^0-9a-z]+/g, " ").trim();
  }
  var items = Array.prototype.slice.call(document.querySelectorAll("li[data-k]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var none = document.getElementById("none");
  input.addEventListener("input", function () {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var key = li.getAttribute("data-k");
      var match = words.every(function (w) { return key.indexOf(w) !== -1; });
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector("li[data-k]:not([hidden])"); });
    if (none) { none.hidden = shown !== 0; }
  });
})();
