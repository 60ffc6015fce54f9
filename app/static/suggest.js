// Registration page: suggest categories and articles while the description is typed.
// Calls POST /api/v1/intelligence/suggest with the page's session and CSRF token.
(function () {
  var panel = document.getElementById("suggestions");
  var field = document.querySelector("textarea[name=description], input[name=description]");
  if (!panel || !field) return;
  var select = document.querySelector("select[name=category]");
  var list = document.getElementById("suggest-categories");
  var hint = document.getElementById("suggest-hint");
  var articles = document.getElementById("suggest-articles");
  var token = document.querySelector("input[name=csrf_token]");
  var timer = null, asked = 0;

  function label(code) {
    var option = select && select.querySelector('option[value="' + code + '"]');
    return option ? option.textContent : code;
  }

  function choose(code) {
    if (!select) return;
    select.value = code;
    if (window.jQuery) window.jQuery(select).trigger("change");
  }

  function show(data) {
    list.innerHTML = "";
    articles.innerHTML = "";
    var category = data.category;
    if (!category) {
      hint.textContent = panel.dataset.noModel;
    } else if (category.value === null) {
      hint.textContent = panel.dataset.none;
    } else {
      hint.textContent = "";
      category.top.slice(0, 3).forEach(function (t, i) {
        if (i > 0 && t.confidence < 0.05) return;
        var li = document.createElement("li");
        li.className = "suggested-category";
        li.setAttribute("data-category", t.value);
        li.style.margin = "4px 0";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-xs " + (i === 0 ? "btn-primary" : "btn-default");
        button.textContent = panel.dataset.use;
        button.addEventListener("click", function () { choose(t.value); });
        li.appendChild(button);
        li.appendChild(document.createTextNode(" " + label(t.value) + " · " +
                                               Math.round(t.confidence * 100) + " %"));
        list.appendChild(li);
      });
    }
    if (data.articles && data.articles.length) {
      var h = document.createElement("h5");
      h.textContent = panel.dataset.articles;
      articles.appendChild(h);
      var ul = document.createElement("ul");
      data.articles.forEach(function (a) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = "/knowledgearticleview/show/" + a.id;
        link.target = "_blank";
        link.textContent = a.title;
        li.appendChild(link);
        ul.appendChild(li);
      });
      articles.appendChild(ul);
    }
  }

  function ask() {
    var text = field.value.trim();
    if (text.length < 4) { list.innerHTML = ""; articles.innerHTML = ""; return; }
    var mine = ++asked;
    var headers = {"Content-Type": "application/json"};
    if (token) headers["X-CSRFToken"] = token.value;
    fetch("/api/v1/intelligence/suggest", {method: "POST", credentials: "same-origin",
          headers: headers, body: JSON.stringify({description: text})})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && mine === asked) show(data); });
  }

  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  });
})();
