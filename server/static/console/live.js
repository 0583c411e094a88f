// The live board: the server pushes the whole board every second (server-sent events); each
// figure is replaced in place, rows under 80 % are marked. EventSource reconnects by itself.
(function () {
  'use strict'
  var main = document.getElementById('main')
  var link = document.getElementById('board-link')
  if (!main || !window.EventSource) return

  function percent(rate) {
    return rate === null || rate === undefined ? '—' : Math.round(rate * 100) + '%'
  }

  function fill(scope, row) {
    scope.querySelector('.present').textContent = row.present
    scope.querySelector('.expected').textContent = row.expected
    scope.querySelector('.rate').textContent = percent(row.rate)
  }

  function render(board) {
    var total = document.getElementById('board-total')
    fill(total, board.total)
    total.querySelector('.activities').textContent = board.total.activities
    document.getElementById('board-at').textContent = String(board.at).slice(11, 19)
    var body = document.getElementById('board-rows')
    board.rows.forEach(function (row) {
      var tr = body.querySelector('tr[data-org-id="' + row.org_id + '"]')
      if (!tr) {
        tr = document.createElement('tr')
        tr.setAttribute('data-org-id', row.org_id)
        var th = document.createElement('th')
        th.scope = 'row'
        th.textContent = row.org_name
        tr.appendChild(th)
        ;['present', 'expected', 'rate'].forEach(function (name) {
          var td = document.createElement('td')
          td.className = name
          tr.appendChild(td)
        })
        body.appendChild(tr)
      }
      fill(tr, row)
      tr.classList.toggle('below', Boolean(row.below_threshold))
    })
  }

  var source = new EventSource(main.getAttribute('data-events'))
  source.onmessage = function (event) {
    link.textContent = ''
    try { render(JSON.parse(event.data)) } catch (err) { link.textContent = '数据暂时无法显示' }
  }
  source.onerror = function () { link.textContent = '连接中断，正在重新连接…' }
})()
