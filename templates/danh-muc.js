// aidkit: the funding-needs catalogue page. Reads the view from the URL query
// (lang, tinh, linh_vuc, hinh_thuc, q, tu, den), draws one <article data-id> per need
// and gives each need outside the view the `hidden` attribute. Fetches nothing.
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
      count: function (shown, all) { return "Đang hiển thị " + shown + " trên " + all + " nhu cầu tài trợ."; },
      none: "Không có nhu cầu nào phù hợp. Hãy bỏ bớt bộ lọc.",
      file: "danh-muc-keu-goi-tai-tro.csv"
    },
    en: {
      page: "Funding needs seeking donors", name: "Title", all: "All", id: "Proposal ID", province: "Province",
      location: "Location", sector: "Sector", form: "Aid form", months: "Duration",
      monthUnit: "months", total: "Total budget", requested: "Requested", counterpart: "Counterpart",
      beneficiaries: "Beneficiaries", groups: "Beneficiary groups", objectives: "Objectives",
      agency: "Proposing agency", contact: "Contact person", email: "E-mail", status: "Status",
      count: function (shown, all) { return "Showing " + shown + " of " + all + " funding needs."; },
      none: "No need matches. Remove a filter.",
      file: "funding-needs-catalogue.csv"
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
  var provinces = {}, sectors = {}, forms = {};
  DATA.provinces.forEach(function (p) { provinces[p[0]] = p[1]; });
  DATA.sectors.forEach(function (s) { sectors[s[0]] = {vi: s[1], en: s[2]}; });
  DATA.forms.forEach(function (f) { forms[f[0]] = {vi: f[1], en: f[2]}; });

  function fold(text) {
    return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var haystack = DATA.needs.map(function (n) {
    return fold([n[F.id], n[F.title_vi], n[F.title_en], provinces[n[F.province_code]], n[F.location],
      sectors[n[F.sector]].vi, sectors[n[F.sector]].en, n[F.objectives], n[F.beneficiary_groups],
      n[F.agency], n[F.contact]].join(" "));
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
    options(controls.tinh, DATA.provinces.map(function (p) { return [p[0], p[0] + " – " + p[1]]; }));
    options(controls.linh_vuc, DATA.sectors.map(function (s) { return [s[0], lang === "en" ? s[2] : s[1]]; }));
    options(controls.hinh_thuc, DATA.forms.map(function (f) { return [f[0], lang === "en" ? f[2] : f[1]]; }));
  }

  function title(n, which) { return which === "en" ? (n[F.title_en] || n[F.title_vi]) : n[F.title_vi]; }

  function need(n, i) {
    var t = L[lang], id = n[F.id];
    var shown = lang === "en" ? DATA.shown[i].map(english) : DATA.shown[i];  // 1.234,5 → 1,234.5
    var node = el("article", {"class": "need", "data-id": id, "data-tinh": n[F.province_code],
      "data-linh-vuc": n[F.sector], "data-hinh-thuc": n[F.form], "aria-labelledby": "t-" + id});
    var head = el("p", {"class": "meta"});
    [id, provinces[n[F.province_code]], sectors[n[F.sector]][lang], forms[n[F.form]][lang]].forEach(function (v, k) {
      head.appendChild(el("span", {"class": k === 0 ? "id" : ""}, v));
    });
    node.appendChild(head);
    node.appendChild(el("h3", {id: "t-" + id, lang: lang}, title(n, lang)));
    var other = lang === "en" ? "vi" : "en";
    if (n[F.title_en] && n[F.title_en] !== n[F.title_vi]) node.appendChild(el("p", {"class": "alt", lang: other}, title(n, other)));
    var grid = el("dl", {"class": "facts"});
    var usd = function (k) { return shown[k] ? shown[k] + " USD" : "—"; };
    [[t.requested, usd(2), "big"], [t.total, usd(1)], [t.counterpart, usd(3)],
     [t.months, shown[0] ? shown[0] + " " + t.monthUnit : "—"], [t.beneficiaries, shown[4] || "—"],
     [t.location, n[F.location]], [t.agency, n[F.agency]]].forEach(function (row) {
      var cell = el("div", {"class": row[2] || ""});
      cell.appendChild(el("dt", {}, row[0]));
      cell.appendChild(el("dd", {}, row[1]));
      grid.appendChild(cell);
    });
    node.appendChild(grid);
    [[t.objectives, n[F.objectives]], [t.groups, n[F.beneficiary_groups]]].forEach(function (row) {
      if (!row[1]) return;
      var p = el("p", {"class": "text"});
      p.appendChild(el("strong", {}, row[0] + ": "));
      p.appendChild(document.createTextNode(row[1]));
      node.appendChild(p);
    });
    var contact = el("p", {"class": "contact"});
    contact.appendChild(el("strong", {}, t.contact + ": "));
    contact.appendChild(document.createTextNode(n[F.contact] + " · "));
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
    var v = view(), shown = 0;
    DATA.needs.forEach(function (n, i) {
      var ok = matches(v, n, i);
      if (ok) shown++;
      if (nodes[i].hidden === ok) nodes[i].hidden = !ok;
    });
    $("count").textContent = L[lang].count(shown, DATA.needs.length);
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
    document.title = L[lang].page + " – " + DATA.title;
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
    DATA.needs.forEach(function (n, i) {
      if (!matches(v, n, i)) return;
      rows.push([n[F.id], title(n, lang), provinces[n[F.province_code]], n[F.location], sectors[n[F.sector]][lang],
        forms[n[F.form]][lang], n[F.months], n[F.total_usd], n[F.requested_usd], n[F.counterpart_usd],
        n[F.beneficiaries], n[F.beneficiary_groups], n[F.objectives], n[F.agency], n[F.contact], n[F.email]]);
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
  $("print").addEventListener("click", function () { window.print(); });
  window.aidkitApply = apply;  // for measuring: applies the current filters, returns how many are shown
  setLanguage(lang);
})();
