/* The payment form's amount follows the months paid in advance until the person types an
   amount of their own; that amount is then kept and the months' total is offered beside it.
   A change of date, months or collector asks the server (htmx) for just the parts that depend
   on it, so fields being typed in are never replaced. */
(function () {
  "use strict";
  // Which parts of the form depend on which field.
  var DEPENDENTS = {
    id_paid_on: "#payment-prepay-field,#amount-suggestion",
    id_prepaid_months: "#amount-suggestion",
    id_collected_by: "#payment-account-field"
  };
  var typed = false;

  function amountInput() { return document.getElementById("id_amount"); }

  function suggestion() {
    var el = document.getElementById("amount-suggestion");
    return el ? el.getAttribute("data-amount") || "" : "";
  }

  function showUseButton() {
    var input = amountInput();
    var use = document.querySelector("#amount-suggestion [data-use-amount]");
    if (input && use) use.hidden = input.value === suggestion();
  }

  // After the server answered: follow the new total unless the person typed their own amount.
  function applySuggestion() {
    var input = amountInput();
    var offered = suggestion();
    if (input && offered && (!typed || input.value === "")) {
      input.value = offered;
      typed = false;
    }
    showUseButton();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("payment-form");
    var input = amountInput();
    if (!form || !input) return;
    input.addEventListener("input", function () {
      typed = input.value !== suggestion();
      showUseButton();
    });
    form.addEventListener("change", function (event) {
      var parts = DEPENDENTS[event.target.id];
      if (!parts || typeof window.htmx === "undefined") return;
      form.setAttribute("hx-select-oob", parts);
      window.htmx.trigger(form, "refresh-amount");
    });
    form.addEventListener("click", function (event) {
      if (!event.target.matches("[data-use-amount]")) return;
      input.value = suggestion();
      typed = false;
      showUseButton();
      input.focus();
    });
    document.body.addEventListener("htmx:afterSettle", applySuggestion);
  });
})();
