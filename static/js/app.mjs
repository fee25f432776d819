// Starts GOV.UK Frontend's components (error summary focus, character counts, service navigation, etc.).
import { initAll } from '../govuk-frontend/govuk-frontend.min.js'
initAll()

// Tables scroll inside themselves when they are wider than the screen (phones, 200% zoom), so the
// page never scrolls sideways. A box that scrolls is a named region keyboard users can focus and
// scroll with the arrow keys; a box that does not scroll is left out of the tab order.
function tableName (table, index) {
  const caption = table.querySelector('caption')
  if (caption && caption.textContent.trim()) return caption.textContent.trim().replace(/\s+/g, ' ')
  if (table.getAttribute('aria-label')) return table.getAttribute('aria-label')
  // The nearest heading before the table names it; failing that, its first column headings.
  let node = table
  while (node && node !== document.body) {
    let sibling = node.previousElementSibling
    while (sibling) {
      const heading = sibling.matches('h1, h2, h3, h4') ? sibling : sibling.querySelector('h1, h2, h3, h4')
      if (heading && heading.textContent.trim()) return heading.textContent.trim().replace(/\s+/g, ' ')
      sibling = sibling.previousElementSibling
    }
    node = node.parentElement
  }
  const headers = Array.from(table.querySelectorAll('thead th')).slice(0, 3).map(th => th.textContent.trim())
  return headers.length ? headers.join(', ') : `Table ${index + 1}`
}

function markScrolling (box) {
  const scrolls = box.scrollWidth > box.clientWidth
  if (scrolls) {
    box.setAttribute('tabindex', '0')
    box.setAttribute('role', 'region')
    box.setAttribute('aria-label', `${box.dataset.name} (scrolls sideways)`)
  } else {
    box.removeAttribute('tabindex')
    box.removeAttribute('role')
    box.removeAttribute('aria-label')
  }
  box.nextElementSibling.hidden = !scrolls
}

// A visible hint under a table that scrolls (screen readers hear the region's name instead).
function hintFor (box) {
  const hint = document.createElement('p')
  hint.className = 'govuk-body-s sm-table-scroll__hint'
  hint.setAttribute('aria-hidden', 'true')
  hint.hidden = true
  hint.textContent = 'Scroll the table sideways to see all of it.'
  box.after(hint)
}

const boxes = []
document.querySelectorAll('table.govuk-table').forEach((table, index) => {
  let box = table.parentElement
  if (!box.classList.contains('sm-table-scroll')) {
    box = document.createElement('div')
    box.className = 'sm-table-scroll'
    table.parentNode.insertBefore(box, table)
    box.appendChild(table)
  }
  hintFor(box)
  box.dataset.name = tableName(table, index)
  boxes.push(box)
  markScrolling(box)
})
if (boxes.length && 'ResizeObserver' in window) {
  const observer = new ResizeObserver(() => boxes.forEach(markScrolling))
  boxes.forEach(box => observer.observe(box))
}
