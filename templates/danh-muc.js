// The funding-needs catalogue page. Reads the view from the URL query
// (lang, tinh, linh_vuc, hinh_thuc, q, tu, den), draws one <article data-id> per need
// and gives each need outside the view the `hidden` attribute. Fetches nothing.
// In English, a value the workbook has only in Vietnamese is shown marked lang="vi", "(in Vietnamese)".
"use strict";
(function () {
  var DATA = JSON.parse(document.getElementById("aidkit-data").textContent);
  var L = {
    vi: {
      page: "Danh mục kêu gọi tài trợ", name: "Tên chương trình, dự án", all: "Tất cả", id: "Mã đề xuất", province: "Tỉnh",
      location: "Địa bàn", sector: "Lĩnh vực", form: "Hình thức", months: "Thời gian",
      monthUnit: "tháng", total: "Tổng kinh phí", requested: "Đề nghị tài trợ", counterpart: "Vốn đối ứng",
      beneficiaries: "Số người hưởng lợi", groups: "Đối tượng hưởng lợi", objectives: "Mục tiêu",
      agency: "Đơn vị đề xuất", contact: "Người liên hệ", email: "Email", status: "Tình trạng",
      count: function (shown, all) {
        return shown === all ? all + " chương trình, dự án" : "Đang hiển thị " + shown + " trên " + all + " chương trình, dự án";
      },
      sum: "Tổng đề nghị tài trợ", active: function (k) { return k ? "(" + k + ")" : ""; },
      none: "Không có chương trình, dự án nào phù hợp. Hãy bỏ bớt bộ lọc.",
      file: "danh-muc-keu-goi-tai-tro.csv"
    },
    en: {
      page: "Projects seeking funding", name: "Title", all: "All", id: "Proposal ID", province: "Province",
      location: "Location", sector: "Sector", form: "Type of aid", months: "Duration",
      monthUnit: "months", total: "Total budget", requested: "Requested", counterpart: "Counterpart",
      beneficiaries: "Beneficiaries", groups: "Beneficiary groups", objectives: "Objectives",
      agency: "Proposing agency", contact: "Contact person", email: "E-mail", status: "Status",
      count: function (shown, all) {
        return shown === all ? all + " programmes and projects" : "Showing " + shown + " of " + all + " programmes and projects";
      },
      sum: "Total requested", active: function (k) { return k ? "(" + k + ")" : ""; },
      none: "No project matches. Remove a filter.", inVi: "(in Vietnamese)",
      file: "projects-seeking-funding.csv"
    }
  };
  var STATUS_EN = {"Mới đề xuất": "New proposal", "Đang vận động": "Seeking donors"};
  var F = {};
  DATA.fields.forEach(function (name, i) { F[name] = i; });
  DATA.needs.forEach(function (n) {  // repeated texts travel once, in DATA.strings
    DATA.shared.forEach(function (name) { n[F[name]] = DATA.strings[n[F[name]]]; });
  });
  var SWAP = {".": ",", ",": "."};
  var english = function (text) { return text.replace(/[.,]/g, function (c) { return SWAP[c]; }); };
  var number = function (value) {  // as toolkit.numbers.format_number writes it, in the page's language
    var text = value.toLocaleString("en-US", {maximumFractionDigits: 2});
    return lang === "en" ? text : english(text);
  };
  var provinces = {}, sectors = {}, forms = {};
  DATA.provinces.forEach(function (p) { provinces[p[0]] = {vi: p[1], en: p[2]}; });
  DATA.sectors.forEach(function (s) { sectors[s[0]] = {vi: s[1], en: s[2]}; });
  DATA.forms.forEach(function (f) { forms[f[0]] = {vi: f[1], en: f[2]}; });

  function fold(text) {
    return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var haystack = DATA.needs.map(function (n) {
    return fold([n[F.id], n[F.title_vi], n[F.title_en], provinces[n[F.province_code]].vi, n[F.location],
      sectors[n[F.sector]].vi, sectors[n[F.sector]].en, n[F.objectives], n[F.beneficiary_groups],
      n[F.agency], n[F.contact], n[F.objectives_en], n[F.groups_en], n[F.agency_en], n[F.location_en]].join(" "));
  });

  var $ = function (id) { return document.getElementById(id); };
  var controls = {tinh: $("tinh"), linh_vuc: $("linh_vuc"), hinh_thuc: $("hinh_thuc"), q: $("q"), tu: $("tu"), den: $("den")};
  var list = $("needs");
  var params = new URLSearchParams(location.search);
  var lang = params.get("lang") === "en" ? "en" : "vi";
  ["q", "tu", "den"].forEach(function (key) { controls[key].value = params.get(key) || ""; });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function options(select, entries) {
    var keep = select.options.length ? select.value : (params.get(select.id) || "");
    select.textContent = "";
    select.appendChild(el("option", {value: ""}, L[lang].all));
    entries.forEach(function (e) { select.appendChild(el("option", {value: e[0]}, e[1])); });
    select.value = keep;
    if (select.value !== keep) {  // a code the page does not list: keep it, so the view stays as asked
      select.appendChild(el("option", {value: keep}, keep));
      select.value = keep;
    }
  }

  function fillSelects() {
    options(controls.tinh, DATA.provinces.map(function (p) { return [p[0], p[0] + " – " + (lang === "en" ? p[2] : p[1])]; }));
    options(controls.linh_vuc, DATA.sectors.map(function (s) { return [s[0], lang === "en" ? s[2] : s[1]]; }));
    options(controls.hinh_thuc, DATA.forms.map(function (f) { return [f[0], lang === "en" ? f[2] : f[1]]; }));
  }

  function title(n, which) { return which === "en" ? (n[F.title_en] || n[F.title_vi]) : n[F.title_vi]; }

  // the value of `field` in the page's language: [text, "vi" when English is wanted but only Vietnamese exists]
  function value(n, field) {
    var en = {title_vi: "title_en", objectives: "objectives_en", beneficiary_groups: "groups_en", agency: "agency_en",
              location: "location_en", contact: "contact_en"}[field];
    if (lang === "vi" || !n[F[field]]) return [n[F[field]], ""];
    return n[F[en]] ? [n[F[en]], ""] : [n[F[field]], "vi"];
  }

  // `node` with the value appended: marked lang="vi" and "(in Vietnamese)" where English is missing
  function put(node, v, note) {
    if (!v[1]) { node.appendChild(document.createTextNode(v[0] || "—")); return node; }
    node.appendChild(el("span", {lang: "vi"}, v[0]));
    if (note !== false) node.appendChild(el("span", {"class": "in-vi"}, " " + L.en.inVi));
    return node;
  }

  function need(n, i) {
    var t = L[lang], id = n[F.id];
    var shown = lang === "en" ? DATA.shown[i].map(english) : DATA.shown[i];  // 1.234,5 → 1,234.5
    var node = el("article", {"class": "need", "data-id": id, "data-tinh": n[F.province_code],
      "data-linh-vuc": n[F.sector], "data-hinh-thuc": n[F.form], "aria-labelledby": "t-" + id});
    var head = el("p", {"class": "meta"});
    [id, provinces[n[F.province_code]][lang], sectors[n[F.sector]][lang], forms[n[F.form]][lang]].forEach(function (v, k) {
      head.appendChild(el("span", {"class": k === 0 ? "id" : ""}, v));
    });
    node.appendChild(head);
    node.appendChild(put(el("h3", {id: "t-" + id}), value(n, "title_vi")));
    if (n[F.title_en] && n[F.title_en] !== n[F.title_vi]) {
      var other = lang === "en" ? "vi" : "en";
      node.appendChild(el("p", {"class": "alt", lang: other}, title(n, other)));
    }
    var grid = el("dl", {"class": "facts"});
    var usd = function (k) { return [shown[k] ? shown[k] + " USD" : "—", ""]; };
    [[t.requested, usd(2), "big"], [t.total, usd(1)], [t.counterpart, usd(3)],
     [t.months, [shown[0] ? shown[0] + " " + t.monthUnit : "—", ""]], [t.beneficiaries, [shown[4] || "—", ""]],
     [t.location, value(n, "location")], [t.agency, value(n, "agency")]].forEach(function (row) {
      var cell = el("div", {"class": row[2] || ""});
      cell.appendChild(el("dt", {}, row[0]));
      cell.appendChild(put(el("dd", {}), row[1]));
      grid.appendChild(cell);
    });
    node.appendChild(grid);
    [[t.objectives, "objectives"], [t.groups, "beneficiary_groups"]].forEach(function (row) {
      if (!n[F[row[1]]]) return;
      var p = el("p", {"class": "text"});
      p.appendChild(el("strong", {}, row[0] + ": "));
      node.appendChild(put(p, value(n, row[1])));
    });
    var contact = el("p", {"class": "contact"});
    contact.appendChild(el("strong", {}, t.contact + ": "));
    put(contact, value(n, "contact"), false);
    contact.appendChild(document.createTextNode(" · "));
    contact.appendChild(el("a", {href: "mailto:" + n[F.email]}, n[F.email]));
    node.appendChild(contact);
    return node;
  }

  var nodes = [];
  function draw() {
    var fragment = document.createDocumentFragment();
    nodes = DATA.needs.map(need);
    nodes.forEach(function (node) { fragment.appendChild(node); });
    list.textContent = "";
    list.appendChild(fragment);
  }

  function view() {
    var min = parseFloat(controls.tu.value), max = parseFloat(controls.den.value);
    var words = fold(controls.q.value).split(/\s+/).filter(Boolean);
    return {tinh: controls.tinh.value, linh_vuc: controls.linh_vuc.value, hinh_thuc: controls.hinh_thuc.value,
            words: words, min: isNaN(min) ? null : min, max: isNaN(max) ? null : max};
  }

  function matches(v, n, i) {
    var amount = n[F.requested_usd];
    return (!v.tinh || n[F.province_code] === v.tinh) && (!v.linh_vuc || n[F.sector] === v.linh_vuc) &&
      (!v.hinh_thuc || n[F.form] === v.hinh_thuc) && (v.min === null || amount >= v.min) &&
      (v.max === null || amount <= v.max) &&
      v.words.every(function (w) { return haystack[i].indexOf(w) !== -1; });
  }

  function apply() {
    var v = view(), shown = 0, requested = 0;
    DATA.needs.forEach(function (n, i) {
      var ok = matches(v, n, i);
      if (ok) { shown++; requested += n[F.requested_usd] || 0; }
      if (nodes[i].hidden === ok) nodes[i].hidden = !ok;
    });
    $("count").textContent = L[lang].count(shown, DATA.needs.length);
    $("total").textContent = L[lang].sum + ": " + number(requested) + " USD";
    var active = ["tinh", "linh_vuc", "hinh_thuc", "q", "tu", "den"].filter(function (k) { return controls[k].value; });
    $("active").textContent = L[lang].active(active.length);
    $("none").hidden = shown > 0;
    remember();
    return shown;
  }

  function remember() {
    var query = new URLSearchParams();
    if (lang === "en") query.set("lang", "en");
    Object.keys(controls).forEach(function (key) { if (controls[key].value) query.set(key, controls[key].value); });
    var text = query.toString();
    try { history.replaceState(null, "", text ? "?" + text : location.pathname); } catch (e) { /* file:// in some browsers */ }
  }

  function setLanguage(next) {
    lang = next;
    document.documentElement.lang = lang;
    var who = lang === "en" ? DATA.title_en : DATA.title;
    document.title = L[lang].page + (who ? " – " + who : "");
    $("lang").textContent = lang === "en" ? "Tiếng Việt" : "English";
    $("lang").setAttribute("lang", lang === "en" ? "vi" : "en");
    $("none").textContent = L[lang].none;
    fillSelects();
    draw();
    apply();
  }

  function csv() {
    var t = L[lang], v = view();
    var header = [t.id, t.name, t.province, t.location, t.sector, t.form, t.months, t.total + " (USD)",
      t.requested + " (USD)", t.counterpart + " (USD)", t.beneficiaries, t.groups, t.objectives, t.agency,
      t.contact, t.email];
    var rows = [header];
    var text = function (n, field) { return value(n, field)[0]; };  // English where there is, else Vietnamese
    var amount = function (x) { return x === null || x === undefined ? "" : number(x); };
    DATA.needs.forEach(function (n, i) {
      if (!matches(v, n, i)) return;
      rows.push([n[F.id], text(n, "title_vi"), provinces[n[F.province_code]][lang], text(n, "location"),
        sectors[n[F.sector]][lang], forms[n[F.form]][lang], n[F.months], amount(n[F.total_usd]),
        amount(n[F.requested_usd]), amount(n[F.counterpart_usd]), amount(n[F.beneficiaries]),
        text(n, "beneficiary_groups"), text(n, "objectives"), text(n, "agency"), text(n, "contact"), n[F.email]]);
    });
    var text = rows.map(function (row) {
      return row.map(function (value) {
        var s = value === null || value === undefined ? "" : String(value);
        // never a formula in Excel: = + - @, their fullwidth forms (＝＋－＠), after any leading space or tab
        if (/^[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(s)) s = "'" + s;
        return '"' + s.replace(/"/g, '""') + '"';
      }).join(",");
    }).join("\r\n");
    var link = el("a", {href: URL.createObjectURL(new Blob(["\ufeff" + text], {type: "text/csv;charset=utf-8"})),
      download: t.file});
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  Object.keys(controls).forEach(function (key) {
    controls[key].addEventListener("input", apply);
    controls[key].addEventListener("change", apply);
  });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  $("filters").addEventListener("reset", function () { setTimeout(apply, 0); });
  $("lang").addEventListener("click", function () { setLanguage(lang === "en" ? "vi" : "en"); });
  $("csv").addEventListener("click", csv);
  $("show-filters").addEventListener("click", function () {  // on a phone the filters wait behind this button
    var open = $("filters").classList.toggle("open");
    $("show-filters").setAttribute("aria-expanded", open ? "true" : "false");
  });
  if (window.matchMedia && window.matchMedia("(min-width: 50rem)").matches) $("about").open = true;
  window.aidkitApply = apply;  // for measuring: applies the current filters, returns how many are shown
  setLanguage(lang);
})();
