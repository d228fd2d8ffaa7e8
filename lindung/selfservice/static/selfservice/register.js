// Progressive enhancement for the self-registration form: shrink the KTP photo on the
// phone before it is sent (a 4 MB camera photo becomes ~200 KB, which matters on a slow
// connection). Without this file, or where the browser cannot, the original is sent and
// the server shrinks it instead.
(function () {
  "use strict";
  var MAX_SIDE = 1600;
  function shrink(input, status) {
    var file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type) || !window.createImageBitmap || !window.DataTransfer) return;
    createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || blob.size >= file.size) return;
        var smaller = new File([blob], "ktp.jpg", { type: "image/jpeg" });
        var transfer = new DataTransfer();
        transfer.items.add(smaller);
        input.files = transfer.files;
        if (status) status.textContent = status.getAttribute("data-done") || "";
      }, "image/jpeg", 0.8);
    }).catch(function () { /* the server shrinks it */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[name=ktp_photo]");
    var status = document.getElementById("photo-status");
    if (input) input.addEventListener("change", function () { shrink(input, status); });
  });
})();
