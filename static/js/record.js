/* 干部信息页面的交互：代码表可搜索下拉框、子记录“添加一行”、操作确认。
   Self-contained, no libraries: the application runs on air-gapped intranets.
   Everything here is progressive enhancement; the pages work without it. */
(function () {
  "use strict";

  var MAX_SHOWN = 60;
  var counter = 0;

  function normalize(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function makeOption(value, label, code, pinyin) {
    return {
      value: value,
      label: label,
      code: (code || "").toLowerCase(),
      pinyin: (pinyin || "").toLowerCase(),
      key: normalize(label)
    };
  }

  /* Big code tables come once per page as JSON: [[value, label, pinyin, code if not the value], …]. */
  var sharedCache = {};
  function sharedOptions(id) {
    if (!sharedCache[id]) {
      var element = document.getElementById(id);
      var rows = [];
      try { rows = element ? JSON.parse(element.textContent) : []; } catch (error) { rows = []; }
      sharedCache[id] = rows.map(function (row) {
        return makeOption(row[0], row[1], row.length > 3 ? row[3] : row[0], row[2]);
      });
    }
    return sharedCache[id];
  }

  /* A <select data-searchable> becomes a text box with a list of matches:
     type part of the name, the code, or the pinyin initials (汉族: "hz"). */
  function enhanceSelect(select) {
    if (select.dataset.enhanced) { return; }
    select.dataset.enhanced = "1";
    counter += 1;
    var baseId = select.id || ("ss-" + counter);
    var wrapper = document.createElement("div");
    wrapper.className = "ss";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "ss-input";
    input.id = baseId + "-search";
    input.autocomplete = "off";
    input.placeholder = "输入名称、代码或拼音首字母";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.className = "ss-list";
    list.id = baseId + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);

    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) { label.htmlFor = input.id; }
    else if (select.getAttribute("aria-label")) { input.setAttribute("aria-label", select.getAttribute("aria-label")); }

    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(select);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    select.hidden = true;
    select.tabIndex = -1;
    if (select.classList.contains("input-wide")) { wrapper.classList.add("ss-wide"); }

    var options = [];
    var shared = select.dataset.options ? sharedOptions(select.dataset.options) : null;
    if (shared) {
      options = shared;
    } else {
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) { return; }
        options.push(makeOption(option.value, option.text, option.dataset.code, option.dataset.pinyin));
      });
    }
    var matches = [];
    var active = -1;

    function currentLabel() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.text : "";
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight() {
      Array.prototype.forEach.call(list.children, function (item, index) {
        var on = index === active;
        item.classList.toggle("ss-active", on);
        item.setAttribute("aria-selected", on ? "true" : "false");
        if (on) {
          input.setAttribute("aria-activedescendant", item.id);
          if (item.scrollIntoView) { item.scrollIntoView({ block: "nearest" }); }
        }
      });
    }

    function search(query) {
      var q = normalize(query);
      if (!q) { return options.slice(0, MAX_SHOWN); }
      var first = [];
      var rest = [];
      for (var i = 0; i < options.length && first.length < MAX_SHOWN; i += 1) {
        var o = options[i];
        if (o.key.indexOf(q) === 0 || o.pinyin.indexOf(q) === 0 || o.code.indexOf(q) === 0) {
          first.push(o);
        } else if (o.key.indexOf(q) > 0 || o.pinyin.indexOf(q) > 0) {
          rest.push(o);
        }
      }
      return first.concat(rest).slice(0, MAX_SHOWN);
    }

    function render(query) {
      matches = search(query);
      list.textContent = "";
      matches.forEach(function (option, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.textContent = option.label;
        if (option.code && option.code !== normalize(option.label)) {
          var code = document.createElement("span");
          code.className = "ss-code";
          code.textContent = option.code.toUpperCase();
          item.appendChild(code);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          choose(index);
        });
        list.appendChild(item);
      });
      if (!matches.length) {
        var none = document.createElement("li");
        none.className = "ss-empty";
        none.textContent = "无匹配项";
        list.appendChild(none);
      }
      active = matches.length ? 0 : -1;
      highlight();
      open();
    }

    function setValue(value, text) {
      if (select.value === value) { input.value = text; return; }
      if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.add(new Option(text, value)); // a choice from the shared list
      }
      select.value = value;
      input.value = text;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // Choosing a region code fills the text beside it when that is empty.
    var fills = select.dataset.fills ? document.getElementById(select.dataset.fills) : null;

    function choose(index) {
      var option = matches[index];
      if (!option) { return; }
      setValue(option.value, option.label);
      if (fills && !fills.value.trim()) { fills.value = option.label; }
      close();
    }

    input.value = currentLabel();
    input.addEventListener("focus", function () {
      input.select();
    });
    input.addEventListener("click", function () {
      if (list.hidden) { render(""); }
    });
    input.addEventListener("input", function () {
      render(input.value);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { render(input.value === currentLabel() ? "" : input.value); return; }
        active = Math.min(active + 1, matches.length - 1);
        highlight();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        active = Math.max(active - 1, 0);
        highlight();
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, don't submit the form
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
          input.value = currentLabel();
        }
      }
    });
    input.addEventListener("blur", function () {
      close();
      if (!input.value.trim()) {
        setValue("", "");
      } else if (input.value !== currentLabel()) {
        // Only a choice from the list counts; a half-typed name is undone.
        var exact = options.filter(function (o) { return o.label === input.value.trim(); });
        if (exact.length === 1) { setValue(exact[0].value, exact[0].label); }
        else { input.value = currentLabel(); }
      }
    });

  }

  function enhanceAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-searchable]"), enhanceSelect);
  }

  /* Sub-record tables: "添加一行" copies the empty row of the formset. */
  function setUpFormsets() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-formset]"), function (form) {
      var prefix = form.dataset.formset;
      var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      var template = form.querySelector("template[data-empty-row]");
      var rows = form.querySelector("[data-rows]");
      var button = form.querySelector("[data-add-row]");
      if (!total || !template || !rows || !button) { return; }
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10) || 0;
        var holder = document.createElement("tbody");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var row = holder.firstElementChild;
        rows.appendChild(row);
        total.value = String(index + 1);
        enhanceAll(row);
        var first = row.querySelector("input:not([type=hidden]), select:not([hidden]), textarea");
        if (first) { first.focus(); }
      });
    });
  }

  /* Buttons with data-confirm ask before their form is sent. */
  function setUpConfirm() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-confirm]"), function (button) {
      var form = button.form;
      if (!form) { return; }
      form.addEventListener("submit", function (event) {
        if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }

  function init() {
    enhanceAll(document);
    setUpFormsets();
    setUpConfirm();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
