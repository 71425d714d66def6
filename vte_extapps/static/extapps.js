// External Applications: small enhancements. Every page works without them.
(function () {
  "use strict";

  // Copy buttons: data-copy names the element whose text or value is copied.
  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        if (!source) { return; }
        var text = "value" in source && source.tagName !== "PRE" ? source.value : source.textContent;
        navigator.clipboard.writeText(text).then(function () {
          var label = button.textContent;
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 1500);
        });
      });
    });
  }

  // Confirmations on forms that change something at once.
  function setUpConfirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }

  // A secret shown once: before the page is left, say that it cannot be
  // shown again. Links on the page ask in words; closing the tab or going
  // back gets the browser's own question. The page's "I have saved it"
  // links (data-leave) leave without asking, and downloads stay.
  function setUpUnloadWarning() {
    var marker = document.querySelector("[data-warn-unload='yes']");
    if (!marker) { return; }
    var message = marker.dataset.warning ||
      "The secret cannot be shown again once you leave this page. Leave anyway?";
    var leaving = false;
    window.addEventListener("beforeunload", function (event) {
      if (leaving) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || link.hasAttribute("download") || event.defaultPrevented) { return; }
      if (!link.hasAttribute("data-leave") && !window.confirm(message)) {
        event.preventDefault();
        return;
      }
      leaving = true;
    });
  }

  // Parts of a form that apply to one choice only, such as the JWT key fields.
  function setUpDependentFields() {
    document.querySelectorAll("[data-shown-when]").forEach(function (part) {
      var rule = part.dataset.shownWhen.split("=");
      var radios = document.querySelectorAll("input[name='" + rule[0] + "']");
      function update() {
        var chosen = document.querySelector("input[name='" + rule[0] + "']:checked");
        part.hidden = !chosen || chosen.value !== rule[1];
      }
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  }

  // The live preview of the authorization screen.
  function setUpPreview() {
    var preview = document.getElementById("consent-preview");
    if (!preview) { return; }
    preview.hidden = false;
    var form = preview.closest("form");
    function field(name) { return form.querySelector("[name='" + name + "']"); }
    function value(name) { var input = field(name); return input ? input.value.trim() : ""; }
    function scopeItem(text, className) {
      var item = document.createElement("li");
      item.className = className;
      item.textContent = text;
      return item;
    }

    function render() {
      var title = value("display_name") || value("name") || "Your application";
      preview.querySelectorAll("[data-preview-text='title']").forEach(function (part) {
        part.textContent = title;
      });
      preview.querySelector("[data-preview-text='description']").textContent = value("description");
      var list = preview.querySelector("[data-preview-list='scopes']");
      list.textContent = "";
      form.querySelectorAll("input[name='scopes']:checked").forEach(function (box) {
        list.appendChild(scopeItem(box.dataset.scopeTitle, "consent-scope"));
      });
      var offline = field("offline_access");
      if (offline && offline.checked) {
        list.appendChild(scopeItem(
          "Keep this access while you are signed out, until you remove it",
          "consent-scope consent-offline"));
      }
      if (!list.children.length) {
        list.appendChild(scopeItem("(no scope chosen yet)", "consent-scope"));
      }
      ["homepage_url", "privacy_policy_url", "terms_url"].forEach(function (name) {
        preview.querySelector("[data-preview-link='" + name + "']").hidden = !value(name);
      });
    }

    var logoInput = field("logo");
    var logoImage = preview.querySelector("[data-preview-img='logo']");
    var current = form.querySelector(".current-logo img");
    var removeLogo = field("remove_logo");
    function showLogo(source) {
      logoImage.hidden = !source;
      if (source) { logoImage.src = source; } else { logoImage.removeAttribute("src"); }
    }
    if (current) { showLogo(current.src); }
    if (removeLogo) {
      removeLogo.addEventListener("change", function () {
        showLogo(removeLogo.checked ? "" : current.src);
      });
    }
    if (logoInput) {
      logoInput.addEventListener("change", function () {
        var file = logoInput.files && logoInput.files[0];
        if (!file || !/^image\/(png|jpeg|svg\+xml)$/.test(file.type)) {
          showLogo(current ? current.src : "");
          return;
        }
        var reader = new FileReader();
        reader.onload = function () { showLogo(String(reader.result)); };
        reader.readAsDataURL(file);
      });
    }
    form.addEventListener("input", render);
    form.addEventListener("change", render);
    render();
  }

  // The run-as user picker: typing a name asks the CRM for matching users
  // and lists them; without the script, the Find button does the same.
  function setUpUserSearch() {
    var search = document.querySelector("input[data-user-search]");
    if (!search) { return; }
    var picker = document.getElementById(search.getAttribute("aria-controls"));
    var status = document.getElementById(search.id + "-hint");
    var find = search.form.querySelector("button[name='find_run_as']");
    var timer = null;
    var asked = 0;

    function show(users) {
      var chosen = picker.value;
      var keep = Array.prototype.filter.call(picker.options, function (option) {
        return option.value === "" || (option.value === chosen && option.selected);
      });
      picker.textContent = "";
      keep.forEach(function (option) { picker.appendChild(option); });
      users.forEach(function (user) {
        if (user.id === chosen) { return; }
        var option = document.createElement("option");
        option.value = user.id;
        option.textContent = user.label;
        picker.appendChild(option);
      });
      status.textContent = users.length === 1 ? "1 user found." : users.length + " users found.";
    }

    function lookUp() {
      var number = ++asked;
      var url = search.dataset.userSearch + "?q=" + encodeURIComponent(search.value.trim());
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (answer) { if (number === asked) { show(answer.users); } })
        .catch(function () { status.textContent = "The search did not answer; try Find."; });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); lookUp(); }
    });
    if (find) {
      find.addEventListener("click", function (event) { event.preventDefault(); lookUp(); });
    }
  }

  // Tool menus close on Escape and on a click elsewhere, like any menu.
  function setUpMenus() {
    var menus = document.querySelectorAll("details.menu");
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) { menu.open = false; }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      menus.forEach(function (menu) {
        if (menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenus();
    setUpCopyButtons();
    setUpConfirmations();
    setUpUnloadWarning();
    setUpDependentFields();
    setUpPreview();
    setUpUserSearch();
  });
})();
