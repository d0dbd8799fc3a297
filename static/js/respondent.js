/*
 * Respondent pages: one survey section at a time, exclusive checkboxes. (The quick exit
 * is quick-exit.js, which runs before the page is shown rather than after, like this.)
 *
 * Everything here is an enhancement: without JavaScript the survey is one long form.
 * Nothing is stored in the browser: no cookies, no localStorage, sessionStorage or
 * IndexedDB.
 */
(function () {
  "use strict";

  document.body.classList.add("js-enabled");

  // ---- Exclusive checkboxes ("None", "Prefer not to say") --------------------------------
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".govuk-checkboxes__input") || !input.checked) {
      return;
    }
    var group = input.closest(".govuk-checkboxes");
    var exclusive = input.getAttribute("data-behaviour") === "exclusive";
    group.querySelectorAll(".govuk-checkboxes__input").forEach(function (other) {
      var otherExclusive = other.getAttribute("data-behaviour") === "exclusive";
      if (other !== input && (exclusive || otherExclusive)) {
        other.checked = false;
      }
    });
  });

  // ---- One section at a time -----------------------------------------------------------
  var form = document.querySelector("[data-survey-form]");
  if (!form) {
    return;
  }
  var sections = Array.prototype.slice.call(form.querySelectorAll("[data-survey-section]"));
  var submitGroup = form.querySelector("[data-survey-submit]");
  if (sections.length < 2 || !submitGroup) {
    return;
  }
  var current = 0;

  function button(label, secondary, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "govuk-button" + (secondary ? " govuk-button--secondary" : "");
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function reveal(index) {
    current = index;
    sections.forEach(function (section, i) {
      section.hidden = i !== index;
    });
    submitGroup.hidden = index !== sections.length - 1;
  }

  function show(index, focusTarget) {
    reveal(index);
    var target = focusTarget || sections[index].querySelector("h2");
    target.focus();
    target.scrollIntoView({ block: "start" });
  }

  var labels = form.dataset;
  sections.forEach(function (section, index) {
    if (index === sections.length - 1) {
      return; // its Back goes beside "Send my answers", below
    }
    var group = document.createElement("div");
    group.className = "govuk-button-group";
    group.appendChild(button(labels.continueLabel, false, function () { show(index + 1); }));
    if (index > 0) {
      group.appendChild(button(labels.backLabel, true, function () { show(index - 1); }));
    }
    section.appendChild(group);
  });
  if (sections.length > 1) {
    submitGroup.querySelector(".govuk-button-group").appendChild(
      button(labels.backLabel, true, function () { show(sections.length - 2); })
    );
  }

  function sectionOf(element) {
    return sections.indexOf(element.closest("[data-survey-section]"));
  }

  // Enter in a field must not send the whole survey from an early section.
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    // "Change this answer" and "Cymraeg" / "English" send every answer on purpose.
    if (submitter && (submitter.value === "change" || submitter.value === "language")) {
      return;
    }
    if (current < sections.length - 1) {
      event.preventDefault();
      show(current + 1);
    }
  });

  // Error summary links lead into sections that may be hidden: open the right one first.
  var summary = document.querySelector(".govuk-error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field && sectionOf(field) >= 0) {
        event.preventDefault();
        show(sectionOf(field), field);
      }
    });
    var firstError = form.querySelector(".govuk-form-group--error");
    reveal(firstError ? Math.max(sectionOf(firstError), 0) : 0);
    summary.focus();
    return;
  }
  var banner = document.querySelector(".govuk-notification-banner");
  if (banner) {
    // Answers came back from the server (for example, "not saved yet"): show the last
    // section, where the send button is.
    reveal(sections.length - 1);
    banner.setAttribute("tabindex", "-1");
    banner.focus();
    return;
  }
  reveal(0);
})();
