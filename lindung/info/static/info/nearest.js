// The only script of the service points page: ask the browser where the phone is and
// send it with the form. Without it (or without permission) the village search works.
(function () {
  "use strict";
  var form = document.getElementById("nearest-form");
  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (!form || !button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait || "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lon.value = position.coords.longitude.toFixed(6);
        form.elements.village.value = "";
        form.submit();
      },
      function () {
        status.textContent = button.dataset.refused || "";
      },
      { timeout: 15000, maximumAge: 600000 }
    );
  });
})();
