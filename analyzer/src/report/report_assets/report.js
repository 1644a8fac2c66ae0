(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var tbody = document.getElementById('rows');
  var rows = Array.prototype.slice.call(tbody.rows);
  var detail = document.getElementById('detail');
  var shown = document.getElementById('shown');
  var fo = document.getElementById('f-outcome');
  var fc = document.getElementById('f-code');
  var ft = document.getElementById('f-text');
  var ths = document.querySelectorAll('#calls thead th');
  var sortCol = 0, sortDir = 1;

  function val(tr, i, num) {
    var td = tr.cells[i], v = td.getAttribute('data-v');
    if (num) return parseFloat(v !== null ? v : td.textContent) || 0;
    return td.textContent;
  }
  function sortBy(i, num) {
    rows.sort(function (a, b) {
      var x = val(a, i, num), y = val(b, i, num);
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir || a.getAttribute('data-n') - b.getAttribute('data-n');
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    tbody.appendChild(frag);
    for (var k = 0; k < ths.length; k++) ths[k].className = k === i ? (sortDir > 0 ? 'asc' : 'desc') : '';
  }
  Array.prototype.forEach.call(ths, function (th, i) {
    th.addEventListener('click', function () {
      sortDir = sortCol === i ? -sortDir : 1;
      sortCol = i;
      sortBy(i, th.getAttribute('data-k') === 'n');
    });
  });

  function digits(s) { return s.replace(/[^0-9]/g, ''); }
  function filter() {
    var o = fo.value, code = fc.value.trim(), t = ft.value.trim().toLowerCase(), n = 0;
    var num = /^[+0-9 ()\-.]+$/.test(t) ? digits(t) : '';
    rows.forEach(function (r) {
      var ok = (!o || r.classList.contains(o)) &&
        (!code || r.cells[5].getAttribute('data-v').indexOf(code) === 0) &&
        (!t || r.textContent.toLowerCase().indexOf(t) >= 0 ||
         (num && (r.getAttribute('data-n') === num || digits(r.cells[2].textContent).indexOf(num) >= 0 ||
                  digits(r.cells[3].textContent).indexOf(num) >= 0)));
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' calls shown';
  }
  fo.addEventListener('change', filter);
  fc.addEventListener('input', filter);
  ft.addEventListener('input', filter);

  function el(ns, tag, attrs, text) {
    var e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) { return el(NS, tag, attrs, text); }

  var NOTES = ['', 'Message texts are not included: the report embeds the texts of failed calls, ' +
               'and of other calls only up to a size budget.',
               'Message texts are not included: the report\'s budget for message text was used up.'];
  function note(c) { return c.nt ? NOTES[c.nt] || NOTES[1] : ''; }

  function showMsg(c, i, pre) {
    var a = c.a[i], t = c.txt ? c.txt[a[9]] : undefined, head = a[6] + '  (frame ' + a[2] + ', ' + a[4] + ')\n\n';
    if (Array.isArray(t)) t = t[0] + '\n[cut: the message has ' + t[1] + ' bytes]';
    if (t === undefined) t = note(c) || 'Message text not kept.';
    pre.textContent = head + t;
  }

  function ladder(c, pre) {
    var colW = 200, left = 140, top = 52, rowH = 34, ep = c.ep, a = c.a;
    var w = left + colW * ep.length + 20, h = top + rowH * a.length + 16;
    var s = svg('svg', {width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, id: 'ladder-svg'});
    function cx(i) { return left + colW * i + colW / 2; }
    ep.forEach(function (e, i) {
      s.appendChild(svg('text', {x: cx(i), y: 16, 'text-anchor': 'middle'}, e[0]));
      if (e[1]) s.appendChild(svg('text', {x: cx(i), y: 32, 'text-anchor': 'middle', 'class': 'small'},
                                      e[1].length > 34 ? e[1].slice(0, 33) + '\u2026' : e[1]));
      s.appendChild(svg('line', {x1: cx(i), y1: 40, x2: cx(i), y2: h, 'class': 'lifeline'}));
    });
    a.forEach(function (r, k) {
      var y = top + rowH * k + 18, x1 = cx(r[0]), x2 = cx(r[1]), f = r[8];
      var cls = 'arrow' + (f & 1 ? ' retr' : '') + (f & 2 ? ' fail' : '') +
        (!(f & 4) && !(f & 2) && /^1\d\d/.test(r[6]) ? ' prov' : '');
      var g = svg('g', {'class': cls, 'data-msg': r[9], 'data-i': k});
      g.appendChild(svg('text', {x: 4, y: y - 4}, r[4]));
      g.appendChild(svg('text', {x: 4, y: y + 9, 'class': 'small'}, r[5] + '  #' + r[2]));
      var lbl = r[6] + (f & 1 ? ' (retransmission)' : '');
      if (x1 === x2) {
        g.appendChild(svg('path', {d: 'M' + x1 + ' ' + (y - 6) + 'h40v12h-40'}));
        g.appendChild(svg('text', {'class': 'lbl', x: x1 + 46, y: y + 4}, lbl));
      } else {
        var d = x2 > x1 ? -1 : 1;
        g.appendChild(svg('line', {x1: x1, y1: y, x2: x2 + d * 2, y2: y}));
        g.appendChild(svg('polygon', {points: x2 + ',' + y + ' ' + (x2 + d * 9) + ',' + (y - 4) + ' ' +
                                           (x2 + d * 9) + ',' + (y + 4)}));
        g.appendChild(svg('text', {'class': 'lbl', x: (x1 + x2) / 2, y: y - 5, 'text-anchor': 'middle'}, lbl));
      }
      g.appendChild(svg('title', {}, r[7] || r[6]));
      g.addEventListener('click', function () {
        var old = s.querySelector('g.sel');
        if (old) old.classList.remove('sel');
        g.classList.add('sel');
        showMsg(c, k, pre);
      });
      s.appendChild(g);
    });
    return s;
  }

  function open(n) {
    var d = document.getElementById('d-' + n), sel = tbody.querySelector('tr.sel');
    if (sel) sel.classList.remove('sel');
    detail.hidden = false;
    detail.textContent = '';
    if (!d) { detail.appendChild(el(null, 'p', {}, 'There is no call ' + n + '.')); return; }
    var c = JSON.parse(d.textContent), row = document.getElementById('r-' + n);
    if (row) row.classList.add('sel');
    detail.appendChild(el(null, 'h3', {}, 'Call ' + c.n + ': ' + c.o +
                          (c.code ? ' (' + c.code + ' ' + (c.reason || '') + ')' : '') +
                          (c.partial ? ' [partial]' : '')));
    if (c.diag) detail.appendChild(el(null, 'p', {'class': 'diag'}, c.diag));
    var dl = el(null, 'dl');
    [['Call-ID', c.id], ['From', c.from], ['To', c.to], ['Request-URI', c.ruri], ['Start', c.start],
     ['PDD', c.pdd === null ? '-' : c.pdd + ' ms'], ['Setup', c.setup === null ? '-' : c.setup + ' ms'],
     ['Duration', c.dur === null ? '-' : c.dur + ' ms'],
     ['Messages', c.msgs + ' (' + c.retr + ' retransmissions)']].forEach(function (p) {
      dl.appendChild(el(null, 'dt', {}, p[0]));
      dl.appendChild(el(null, 'dd', {}, p[1] === null ? '-' : p[1]));
    });
    detail.appendChild(dl);
    var pre = el(null, 'pre', {id: 'msg'}, note(c) || 'Click an arrow to see the message.');
    var box = el(null, 'div', {id: 'ladder', 'data-call': c.n, 'data-arrows': c.a.length});
    box.appendChild(ladder(c, pre));
    detail.appendChild(box);
    if (c.ao) detail.appendChild(el(null, 'p', {'class': 'note'}, c.ao + ' more messages are not drawn.'));
    detail.appendChild(pre);
    if (detail.scrollIntoView) detail.scrollIntoView();
  }

  // #call=N opens call N; #click=N[&arrow=K] clicks row N (and then its
  // arrow K) as a user would: the hook the browser tests use.
  function fromHash() {
    var m = /call=(\d+)/.exec(location.hash), k = /click=(\d+)(?:&arrow=(\d+))?/.exec(location.hash);
    if (m) open(m[1]);
    else if (k && document.getElementById('r-' + k[1])) {
      document.getElementById('r-' + k[1]).cells[0].click();
      var g = k[2] !== undefined && document.querySelectorAll('#ladder g.arrow')[k[2]];
      if (g) g.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    }
  }
  tbody.addEventListener('click', function (e) {
    var tr = e.target.closest('tr');
    if (!tr) return;
    open(tr.getAttribute('data-n'));
    try { history.replaceState(null, '', '#call=' + tr.getAttribute('data-n')); } catch (x) { /* file: */ }
  });
  window.addEventListener('hashchange', fromHash);
  sortBy(0, true);
  filter();
  fromHash();
})();
