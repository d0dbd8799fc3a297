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
  var paged = sections.length >= 2 && submitGroup;

  // ---- Too much to send ----------------------------------------------------------------
  // The server refuses a request over its size limit without reading it (the 413 page),
  // and every answer on this page would go with it. Only an answer pasted in at many
  // times its length limit makes such a request: stop it here instead, point to the
  // answer, and keep everything. Listening on the document, after the form's own
  // listeners, so that a send they turn into "Continue" is left alone.
  document.addEventListener("submit", function (event) {
    var limit = Number(form.getAttribute("data-max-bytes"));
    if (event.target !== form || event.defaultPrevented || !limit) {
      return;
    }
    if (encodedLength(event.submitter) > limit) {
      event.preventDefault();
      sayTooLong();
    }
  });

  // The request body's length as the browser will encode it: lines end in CR LF.
  function encodedLength(submitter) {
    var pairs = new URLSearchParams();
    new FormData(form, submitter).forEach(function (value, name) {
      pairs.append(name, String(value).replace(/\r\n|\r|\n/g, "\r\n"));
    });
    return pairs.toString().length;
  }

  function sayTooLong() {
    var longest = null;
    form.querySelectorAll("textarea").forEach(function (field) {
      if (!longest || field.value.length > longest.value.length) {
        longest = field;
      }
    });
    var summary = form.querySelector("[data-too-long]");
    if (!summary) {
      summary = element("div", "govuk-error-summary");
      summary.setAttribute("data-too-long", "");
      summary.tabIndex = -1;
      var alert = summary.appendChild(element("div", ""));
      alert.setAttribute("role", "alert");
      alert.appendChild(element("h2", "govuk-error-summary__title", form.dataset.tooLongTitle));
      var body = alert.appendChild(element("div", "govuk-error-summary__body"));
      var item = body
        .appendChild(element("ul", "govuk-list govuk-error-summary__list"))
        .appendChild(element("li", ""));
      var link = item.appendChild(element(longest ? "a" : "span", "", form.dataset.tooLongMessage));
      if (longest) {
        link.href = "#" + longest.id;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          if (paged && sectionOf(longest) >= 0) {
            show(sectionOf(longest), longest);
          } else {
            longest.focus();
          }
        });
      }
      body.appendChild(element("p", "govuk-body", form.dataset.tooLongKept));
      var heading = form.querySelector("h1");
      heading.parentNode.insertBefore(summary, heading);
      if (longest) {
        markTooLong(longest);
      }
      document.title = form.dataset.errorPrefix + " " + document.title;
    }
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }

  // The answer itself, marked as the server marks an answer in error.
  function markTooLong(field) {
    var group = field.closest(".govuk-form-group");
    var message = element("p", "govuk-error-message");
    message.id = field.id + "-too-long";
    message.appendChild(element("span", "govuk-visually-hidden", form.dataset.errorPrefix));
    message.appendChild(document.createTextNode(" " + form.dataset.tooLongMessage));
    field.parentNode.insertBefore(message, field);
    field.classList.add("govuk-textarea--error");
    field.setAttribute(
      "aria-describedby",
      ((field.getAttribute("aria-describedby") || "") + " " + message.id).trim()
    );
    if (group) {
      group.classList.add("govuk-form-group--error");
    }
  }

  function element(name, className, text) {
    var made = document.createElement(name);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  if (!paged) {
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
