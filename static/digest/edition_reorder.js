// Drag-and-drop ordering of an edition's papers. Without this script the Up/Down buttons do the same.
(function () {
  "use strict";
  var table = document.getElementById("entries");
  if (!table) { return; }
  var body = table.tBodies[0];
  var url = table.getAttribute("data-reorder-url");
  // The page writes this message in the editor's language.
  var saveError = table.getAttribute("data-save-error") || "The order could not be saved.";
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr[data-entry]")); }

  rows().forEach(function (row) {
    var handle = row.querySelector("td.handle");
    if (!handle) { return; }
    handle.addEventListener("mousedown", function () { row.draggable = true; });
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-entry"));
    });
    row.addEventListener("dragend", function () {
      row.classList.remove("dragging");
      row.draggable = false;
      rows().forEach(function (r) { r.classList.remove("drop-target"); });
    });
    row.addEventListener("dragover", function (event) {
      if (!dragged || dragged === row) { return; }
      if (row.getAttribute("data-featured") !== dragged.getAttribute("data-featured")) { return; }
      event.preventDefault();
      row.classList.add("drop-target");
    });
    row.addEventListener("dragleave", function () { row.classList.remove("drop-target"); });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      row.classList.remove("drop-target");
      if (!dragged || dragged === row) { return; }
      body.insertBefore(dragged, row);
      save();
    });
  });

  function save() {
    var order = rows().map(function (r) { return r.getAttribute("data-entry"); }).join(",");
    var data = new URLSearchParams();
    data.append("order", order);
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": token ? token.value : "" },
      body: data,
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (payload) {
        if (!payload.ok) { window.alert(payload.error || saveError); }
        window.location.reload();
      });
    }).catch(function () { window.alert(saveError); });
  }
})();
