/* Demo page: copies the embed snippet to the clipboard and says so. */
(function () {
  "use strict";
  var button = document.querySelector("button.copy");
  var status = document.getElementById("copy-status");
  if (!button) return;
  button.addEventListener("click", function () {
    var text = document.getElementById("snippet").textContent;
    var done = function () { status.textContent = button.getAttribute("data-copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectSnippet(); });
    } else {
      selectSnippet();
    }
  });
  function selectSnippet() {
    var range = document.createRange();
    range.selectNodeContents(document.getElementById("snippet"));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
})();
