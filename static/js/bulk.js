// Comfort for the hosts list's bulk actions; the form works without it (a plain POST).
// Shows the "select this page" box and how many hosts the next action touches.
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form) return;
  var total = parseInt(form.getAttribute("data-total"), 10) || 0;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=host][form=bulk]"));
  var page = document.querySelector("input.select-page");
  var all = form.querySelector("input[name=all_matching]");
  var count = form.querySelector(".bulk-count");

  function plural(n) { return n + " host" + (n === 1 ? "" : "s"); }

  function update() {
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    if (page) {
      page.checked = boxes.length > 0 && ticked === boxes.length;
      page.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    if (all && all.checked) {
      count.textContent = "(all " + plural(total) + " matching)";
    } else {
      count.textContent = "(" + plural(ticked) + " selected)";
    }
  }

  if (page) {
    page.hidden = false;
    page.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = page.checked; });
      if (!page.checked && all) all.checked = false;
      update();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", function () {
    if (!box.checked && all) all.checked = false;
    update();
  }); });
  if (all) {
    all.addEventListener("change", function () {
      if (all.checked) boxes.forEach(function (box) { box.checked = true; });
      update();
    });
  }
  update();
})();
