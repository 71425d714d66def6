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

  // A secret shown once: warn before the page is left, unless by its own link.
  function setUpUnloadWarning() {
    var marker = document.querySelector("[data-warn-unload='yes']");
    if (!marker) { return; }
    function warn(event) { event.preventDefault(); event.returnValue = ""; }
    window.addEventListener("beforeunload", warn);
    document.querySelectorAll("[data-leave]").forEach(function (link) {
      link.addEventListener("click", function () {
        window.removeEventListener("beforeunload", warn);
      });
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

    function render() {
      var title = value("display_name") || value("name") || "Your application";
      preview.querySelector("[data-preview-text='title']").textContent = title;
      preview.querySelector("[data-preview-text='description']").textContent = value("description");
      var initial = preview.querySelector("[data-preview-initial]");
      initial.textContent = title.charAt(0).toUpperCase();
      var list = preview.querySelector("[data-preview-list='scopes']");
      list.textContent = "";
      form.querySelectorAll("input[name='scopes']:checked").forEach(function (box) {
        var item = document.createElement("li");
        item.textContent = box.dataset.scopeTitle;
        list.appendChild(item);
      });
      if (!list.children.length) {
        var none = document.createElement("li");
        none.textContent = "(no scope chosen yet)";
        list.appendChild(none);
      }
      ["homepage_url", "privacy_policy_url", "terms_url"].forEach(function (name) {
        preview.querySelector("[data-preview-link='" + name + "']").hidden = !value(name);
      });
      var offline = field("offline_access");
      preview.querySelector("[data-preview-show='offline_access']").hidden = !(offline && offline.checked);
    }

    var logoInput = field("logo");
    var logoImage = preview.querySelector("[data-preview-img='logo']");
    var current = form.querySelector(".current-logo img");
    function showLogo(source) {
      logoImage.hidden = !source;
      preview.querySelector("[data-preview-initial]").hidden = Boolean(source);
      if (source) { logoImage.src = source; }
    }
    if (current) { showLogo(current.src); }
    if (logoInput) {
      logoInput.addEventListener("change", function () {
        var file = logoInput.files && logoInput.files[0];
        if (!file || !/^image\/(png|jpeg|svg\+xml)$/.test(file.type)) { return; }
        var reader = new FileReader();
        reader.onload = function () { showLogo(String(reader.result)); };
        reader.readAsDataURL(file);
      });
    }
    form.addEventListener("input", render);
    form.addEventListener("change", render);
    render();
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
  });
})();
